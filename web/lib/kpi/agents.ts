// The agents board: each agent against the admin's targets (the tiles' levelFor), their team's median beside the
// figure, and those on shift needing help first.
import type { AgentKpis } from '../../../api/kpi/types';
import { levelFor, type KpiLevel, type KpiTarget } from '../../../api/kpi/targets';
import { getLocale, type Locale } from '../i18n/locale.svelte';
import { t } from '../i18n/translate';
import { AGENT_STATUSES, isAgentStatus } from './values';

export interface Compared {
  value: number | null;
  /** The figure the cell shows: `value`, or rounded the other way where its rounding would read on the wrong side of the target. */
  shown: number | null;
  median: number | null;
  level: KpiLevel;
  /** What the level measures against: the admin's target, or (tickets handled, which has none) the team. */
  by: 'target' | 'team';
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
/** A rate over fewer than this many (ratings, completed callbacks) is one customer's, not the agent's: shown, never coloured. */
export const MIN_SAMPLE = 3;
/** The target a rate over `over` (ratings, responses, completed callbacks) is coloured by: none over fewer than MIN_SAMPLE. */
export const sampledTarget = (target: KpiTarget | undefined, over: number): KpiTarget | undefined => (over >= MIN_SAMPLE ? target : undefined);
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
const csatOf = (agent: AgentKpis) => (agent.csat.responses >= MIN_SAMPLE ? agent.csat.pct : null);


/**
 * As on the tiles (tileFigure), a figure never reads as better than its colour: a cell rounds a first response to
 * the minute from 10 minutes (10 min 30 s is "10m", amber beside "target ≤ 10m": shown "11m") and a satisfaction to
 * a whole percent (79.6 % is "80%", amber beside "target ≥ 80 %": shown "79%").
 */
function agreeing(target: KpiTarget | undefined, value: number | null, asShown: (v: number) => number, other: (v: number) => number): number | null {
  if (value === null || levelFor(target, asShown(value)) === levelFor(target, value)) return value;
  return other(value);
}
const minuteFrom10 = (round: (v: number) => number) => (v: number) => (v >= 600 && v < 86_400 ? round(v / 60) * 60 : round(v));
const frtShown = (target: KpiTarget | undefined, v: number | null) => agreeing(target, v, minuteFrom10(Math.floor), minuteFrom10(Math.ceil));
const pctShown = (target: KpiTarget | undefined, v: number | null) => agreeing(target, v, Math.round, target?.higherIsBetter ? Math.floor : Math.ceil);

/**
 * An agent's callbacks completed on time, in percent, as the callbacks board shows it: coloured by the target
 * (callbacks.onTimePct) once at least MIN_SAMPLE were completed, its figure never reading better than its colour.
 */
export function onTimeCell(agent: AgentKpis, target: KpiTarget | undefined): { shown: number | null; level: KpiLevel } {
  const { completed, completedOnTime } = agent.callbacks;
  const value = completed > 0 ? (100 * completedOnTime) / completed : null;
  const level = levelFor(sampledTarget(target, completed), value);
  return { shown: level === 'none' ? value : pctShown(target, value), level };
}

// Tickets handled has no target: low volume against the team is the one sign of someone stuck. It can be a late
// shift start, so it only ever warns, and never for someone who has logged off.
function handledLevel(value: number | null, med: number | null): KpiLevel {
  if (value === null || med === null || med < 4) return 'none';
  return value <= med * 0.5 ? 'warn' : 'ok';
}

/**
 * What handledLevel holds an agent to, for the column's heading as the other columns name their targets ("> ½ team
 * median": amber at half the median or less), unbroken after its sign: the heading wraps between its words.
 */
export const handledRule = (): string => t('board.handledRule').replace(/([<>≤≥]) /g, '$1\u00a0');

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

/** `targets`: the KPI targets the wall colours by (the live feed's, an admin's change included). */
export function agentRows(agents: AgentKpis[], targets: Record<string, KpiTarget>): AgentRow[] {
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
    const frtTarget = targets['firstResponse.p50Sec'];
    const csatTarget = targets['csat.pct'];
    const handled: Compared = {
      value: agent.resolution.count,
      shown: agent.resolution.count,
      median: med.handled,
      level: onShift ? handledLevel(handledOf(agent), med.handled) : 'none',
      by: 'team'
    };
    const firstResponseP50: Compared = {
      value: frtOf(agent),
      shown: frtShown(frtTarget, frtOf(agent)),
      median: med.frt,
      level: levelFor(frtTarget, frtOf(agent)),
      by: 'target'
    };
    const csatLevel = levelFor(csatTarget, csatOf(agent));
    const csat: Compared = {
      value: agent.csat.pct,
      shown: csatLevel === 'none' ? agent.csat.pct : pctShown(csatTarget, agent.csat.pct),
      median: med.csat,
      level: csatLevel,
      by: 'target'
    };
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
