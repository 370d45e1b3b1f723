// The agents board: each agent beside their team's median, flagged when much worse, those on shift needing help first.
import type { AgentKpis } from '../../../api/kpi/types';
import type { KpiLevel } from '../../../api/kpi/targets';
import { getLocale, type Locale } from '../i18n/locale.svelte';
import { AGENT_STATUSES, isAgentStatus } from './values';

export interface Compared {
  value: number | null;
  median: number | null;
  level: KpiLevel;
}

export interface AgentRow {
  agent: AgentKpis;
  level: KpiLevel;
  handled: Compared;
  firstResponseP50: Compared;
  csat: Compared;
}

/** A median of fewer peers than this says nothing about how one agent compares. */
const MIN_PEERS = 3;
const RANK: Record<KpiLevel, number> = { critical: 0, warn: 1, ok: 2, none: 2 };

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function teamMedian(peers: AgentKpis[], pick: (agent: AgentKpis) => number | null): number | null {
  const values = peers.map(pick).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return values.length >= MIN_PEERS ? median(values) : null;
}

const handledOf = (agent: AgentKpis) => (agent.status === 'offline' && agent.resolution.count === 0 ? null : agent.resolution.count);
const frtOf = (agent: AgentKpis) => agent.firstResponse.p50Sec;
const csatOf = (agent: AgentKpis) => (agent.csat.responses >= MIN_PEERS ? agent.csat.pct : null);

// Slower than the team by half again and by two minutes is "needs help"; a third slower and a minute is a warning.
function frtLevel(value: number | null, med: number | null): KpiLevel {
  if (value === null || med === null) return 'none';
  if (value >= med * 1.5 && value - med >= 120) return 'critical';
  if (value >= med * 1.33 && value - med >= 60) return 'warn';
  return 'ok';
}

function csatLevel(value: number | null, med: number | null): KpiLevel {
  if (value === null || med === null) return 'none';
  return med - value >= 15 ? 'critical' : med - value >= 8 ? 'warn' : 'ok';
}

// Low volume can be a late shift start, so it only ever warns, and never for someone who has logged off.
function handledLevel(value: number | null, med: number | null): KpiLevel {
  if (value === null || med === null || med < 4) return 'none';
  return value <= med * 0.5 ? 'warn' : 'ok';
}

const collators = new Map<Locale, Intl.Collator>();
/**
 * Names in the order of the wall's language, whatever the browser's: Chinese names by pinyin (the TV's own locale
 * put 张 before 陈), and numbers by value ("Agent 8" before "Agent 16").
 */
function byName(a: AgentKpis, b: AgentKpis): number {
  const locale = getLocale();
  let collator = collators.get(locale);
  if (!collator) collators.set(locale, (collator = new Intl.Collator(locale, { numeric: true })));
  return collator.compare(a.name ?? a.agent, b.name ?? b.agent);
}

function worst(levels: KpiLevel[]): KpiLevel {
  return levels.includes('critical') ? 'critical' : levels.includes('warn') ? 'warn' : levels.includes('ok') ? 'ok' : 'none';
}

export function agentRows(agents: AgentKpis[]): AgentRow[] {
  const teams = new Map<string, AgentKpis[]>();
  for (const agent of agents) {
    const team = agent.team ?? '';
    const peers = teams.get(team);
    if (peers) peers.push(agent);
    else teams.set(team, [agent]);
  }
  const medians = new Map(
    [...teams].map(([team, peers]) => [team, { handled: teamMedian(peers, handledOf), frt: teamMedian(peers, frtOf), csat: teamMedian(peers, csatOf) }])
  );
  const rows = agents.map((agent): AgentRow => {
    const med = medians.get(agent.team ?? '')!;
    const onShift = agent.status !== 'offline';
    const handled = { value: agent.resolution.count, median: med.handled, level: onShift ? handledLevel(handledOf(agent), med.handled) : 'none' };
    const firstResponseP50 = { value: frtOf(agent), median: med.frt, level: frtLevel(frtOf(agent), med.frt) };
    const csat = { value: agent.csat.pct, median: med.csat, level: csatLevel(csatOf(agent), med.csat) };
    return { agent, handled, firstResponseP50, csat, level: worst([handled.level, firstResponseP50.level, csat.level]) };
  });
  const statusRank = (agent: AgentKpis) => (isAgentStatus(agent.status) ? AGENT_STATUSES.indexOf(agent.status) : AGENT_STATUSES.length);
  // A supervisor can help only those on shift: whoever has logged off (or never said) comes after them, worst first too.
  const gone = (agent: AgentKpis) => (agent.status === 'offline' || !isAgentStatus(agent.status) ? 1 : 0);
  return rows.sort(
    (a, b) =>
      gone(a.agent) - gone(b.agent) ||
      RANK[a.level] - RANK[b.level] ||
      statusRank(a.agent) - statusRank(b.agent) ||
      byName(a.agent, b.agent)
  );
}

/**
 * The callbacks board: agents with any callback work in the window, the most attempts first (then the most
 * completed, then by name), at most `max` of them, and how many more there are.
 */
export function callbackRows(agents: AgentKpis[], max: number): { shown: AgentKpis[]; hidden: number } {
  const busy = agents
    .filter((a) => a.callbacks.scheduled + a.callbacks.attempts + a.callbacks.completed > 0)
    .sort(
      (a, b) =>
        b.callbacks.attempts - a.callbacks.attempts ||
        b.callbacks.completed - a.callbacks.completed ||
        byName(a, b)
    );
  return { shown: busy.slice(0, max), hidden: Math.max(0, busy.length - max) };
}
