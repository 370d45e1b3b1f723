import type Database from 'better-sqlite3';
import { emptyTotals, totalsToKpis, type Totals } from '../kpi/totals';
import type { AgentFilters, AgentKpis } from '../kpi/types';
import { RollupSum } from '../ingest/rollup-delta';
import { addEachFact, addRollups, addScannedFactsByAgent, cached, coverWindow, filterConditions, onSnapshot, staleBuckets } from './windowTotals';

interface AgentRow {
  agent: string;
  name: string | null;
  team: string | null;
  status: string | null;
  statusSince: number | null;
}

/**
 * Per-agent blocks for [from, to), credited per SPEC.md; with `team`, only facts of that team count. With
 * `narrow` (channel, priority, category), each agent's blocks and `open` are those of GET /api/kpis with
 * `agent=` it and the same filters, for every agent at once.
 */
export function getAgents(sqlite: Database.Database, window: { from: number; to: number }, team: string | undefined, narrow: AgentFilters = {}): AgentKpis[] {
  return onSnapshot(sqlite, () => agentsOnSnapshot(sqlite, window, team, narrow));
}

/** Columns of open_tickets for the filters: the agent's open tickets are those assigned to it now. */
const OPEN_TICKET_COLUMN = { team: 'team', channel: 'channel', priority: 'priority', category: 'category' } as const;

function agentsOnSnapshot(sqlite: Database.Database, window: { from: number; to: number }, team: string | undefined, narrow: AgentFilters): AgentKpis[] {
  const filters = { ...(team === undefined ? {} : { team }), ...narrow };
  const narrowed = Object.keys(narrow).length > 0;
  const perAgent = new Map<string, Totals>();
  const totalsOf = (agent: string) => {
    let t = perAgent.get(agent);
    if (!t) perAgent.set(agent, (t = emptyTotals()));
    return t;
  };
  // No rollup is kept by agent and channel (or priority, category): narrowed, the whole window is one scan of
  // facts grouped by agent, instead of one scan per agent.
  const cover = narrowed ? { rollups: [], scans: [window] } : coverWindow(window.from, window.to, staleBuckets(sqlite));
  const sums = new Map<string, RollupSum>();
  const sumOf = (agent: string) => {
    let sum = sums.get(agent);
    if (!sum) sums.set(agent, (sum = new RollupSum()));
    return sum;
  };
  for (const range of cover.rollups) addRollups(sqlite, sumOf, range, 'agent', null, team);
  for (const [agent, sum] of sums) sum.addTo(totalsOf(agent));
  // Narrowed, the whole window is scanned (a live scope of one channel reads today's every tick): its rows read once.
  for (const scan of cover.scans)
    if (narrowed) addEachFact(sqlite, scan.from, scan.to, filters, 'agent', totalsOf);
    else addScannedFactsByAgent(sqlite, totalsOf, scan.from, scan.to, filters);

  const rows = cached(
    sqlite,
    'SELECT agent, name, coalesce(status_team, seen_team) AS team, status, status_since AS statusSince FROM agents ORDER BY agent'
  ).all() as AgentRow[];
  // Unnarrowed, an agent's open tickets are all those assigned to it, whatever their team (as before); narrowed,
  // those that match the team and filters too, as /api/kpis's backlog.open with `agent=` counts them.
  const openWhere = filterConditions(narrowed ? filters : {}, OPEN_TICKET_COLUMN);
  const open = new Map(
    (cached(
      sqlite,
      `SELECT assignee, count(*) AS n FROM open_tickets WHERE ${['assignee IS NOT NULL', ...openWhere.conditions].join(' AND ')} GROUP BY assignee`
    ).all(...openWhere.params) as {
      assignee: string;
      n: number;
    }[]).map((r) => [r.assignee, r.n])
  );

  return rows
    .filter((a) => team === undefined || a.team === team || perAgent.has(a.agent))
    .map((a) => {
      const k = totalsToKpis(perAgent.get(a.agent) ?? emptyTotals());
      return {
        agent: a.agent,
        name: a.name,
        team: a.team,
        status: a.status,
        statusSince: a.statusSince === null ? null : new Date(a.statusSince).toISOString(),
        open: open.get(a.agent) ?? 0,
        firstResponse: k.firstResponse,
        resolution: k.resolution,
        csat: k.csat,
        callbacks: k.callbacks
      };
    });
}
