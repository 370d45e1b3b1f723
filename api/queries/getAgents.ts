import type Database from 'better-sqlite3';
import { emptyTotals, totalsToKpis, type Totals } from '../kpi/totals';
import type { AgentKpis } from '../kpi/types';
import { RollupSum } from '../ingest/rollup-delta';
import { addRollups, addScannedFactsByAgent, cached, coverWindow, onSnapshot, staleBuckets } from './windowTotals';

interface AgentRow {
  agent: string;
  name: string | null;
  team: string | null;
  status: string | null;
  statusSince: number | null;
}

/** Per-agent blocks for [from, to), credited per SPEC.md; with `team`, only facts of that team count. */
export function getAgents(sqlite: Database.Database, window: { from: number; to: number }, team: string | undefined): AgentKpis[] {
  return onSnapshot(sqlite, () => agentsOnSnapshot(sqlite, window, team));
}

function agentsOnSnapshot(sqlite: Database.Database, window: { from: number; to: number }, team: string | undefined): AgentKpis[] {
  const perAgent = new Map<string, Totals>();
  const totalsOf = (agent: string) => {
    let t = perAgent.get(agent);
    if (!t) perAgent.set(agent, (t = emptyTotals()));
    return t;
  };
  const cover = coverWindow(window.from, window.to, staleBuckets(sqlite));
  const sums = new Map<string, RollupSum>();
  const sumOf = (agent: string) => {
    let sum = sums.get(agent);
    if (!sum) sums.set(agent, (sum = new RollupSum()));
    return sum;
  };
  for (const range of cover.rollups) addRollups(sqlite, sumOf, range, 'agent', null, team);
  for (const [agent, sum] of sums) sum.addTo(totalsOf(agent));
  for (const scan of cover.scans)
    addScannedFactsByAgent(sqlite, totalsOf, scan.from, scan.to, team === undefined ? {} : { team });

  const rows = cached(
    sqlite,
    'SELECT agent, name, coalesce(status_team, seen_team) AS team, status, status_since AS statusSince FROM agents ORDER BY agent'
  ).all() as AgentRow[];
  const open = new Map(
    (cached(sqlite, "SELECT assignee, count(*) AS n FROM open_tickets WHERE assignee IS NOT NULL GROUP BY assignee").all() as {
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
