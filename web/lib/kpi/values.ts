// The wall's numbers, keyed by the spec's KPI paths (the same keys as `data-kpi` and the targets map).
import type { AgentKpis, Kpis } from '../../../api/kpi/types';

export const KPI_KEYS = [
  'tickets.created',
  'firstResponse.p50Sec',
  'firstResponse.p90Sec',
  'firstResponse.withinTargetPct',
  'resolution.p50Sec',
  'csat.pct',
  'backlog.open',
  'backlog.unassigned',
  'backlog.unattended',
  'backlog.oldestUnattendedSec',
  'tickets.abandonedPct',
  'backlog.callbacksPending',
  'backlog.callbacksOverdue',
  'callbacks.onTimePct',
  'callbacks.scheduled',
  'callbacks.attempts',
  'callbacks.connected',
  'callbacks.completed',
  'callbacks.confirmed'
] as const;

export type KpiKey = (typeof KPI_KEYS)[number];
export type KpiValues = Record<KpiKey, number | null>;

const ratioPct = (part: number, whole: number): number | null => (whole > 0 ? (100 * part) / whole : null);

/**
 * The contacts that met their end in the queue in the window: answered (a first response) or abandoned. Abandonment
 * is out of these, as a call centre counts it, not out of the tickets created: each is counted at its own time, so
 * just after midnight two chats of last night abandoned beside one new ticket read "200 %".
 */
export const offered = (k: Kpis) => k.tickets.abandoned + k.firstResponse.count;

export function kpiValues(k: Kpis): KpiValues {
  return {
    'tickets.created': k.tickets.created,
    'firstResponse.p50Sec': k.firstResponse.p50Sec,
    'firstResponse.p90Sec': k.firstResponse.p90Sec,
    'firstResponse.withinTargetPct': ratioPct(k.firstResponse.withinTarget, k.firstResponse.count),
    'resolution.p50Sec': k.resolution.p50Sec,
    'csat.pct': k.csat.pct,
    'backlog.open': k.backlog.open,
    'backlog.unassigned': k.backlog.unassigned,
    'backlog.unattended': k.backlog.unattended,
    'backlog.oldestUnattendedSec': k.backlog.oldestUnattendedSec,
    'tickets.abandonedPct': ratioPct(k.tickets.abandoned, offered(k)),
    'backlog.callbacksPending': k.backlog.callbacksPending,
    'backlog.callbacksOverdue': k.backlog.callbacksOverdue,
    'callbacks.onTimePct': ratioPct(k.callbacks.completedOnTime, k.callbacks.completed),
    'callbacks.scheduled': k.callbacks.scheduled,
    'callbacks.attempts': k.callbacks.attempts,
    'callbacks.connected': k.callbacks.connected,
    'callbacks.completed': k.callbacks.completed,
    'callbacks.confirmed': k.callbacks.confirmed
  };
}

export const AGENT_STATUSES = ['available', 'busy', 'away', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export function isAgentStatus(status: string | null): status is AgentStatus {
  return (AGENT_STATUSES as readonly (string | null)[]).includes(status);
}

/** What the wall says of an agent's status: one of the spec's, or unknown for an agent known only from their work. */
export type ShownStatus = AgentStatus | 'unknown';

/**
 * Agents by status; an agent who never sent one is unknown, as the agents board says, not offline. A team's wall
 * counts its own agents and those of no known team who worked for it (the board lists them as its own), not those
 * of other teams who took its work by overflow routing, who are not on its floor.
 */
export function agentsByStatus(agents: AgentKpis[], team?: string): Record<ShownStatus, number> {
  const counts: Record<ShownStatus, number> = { available: 0, busy: 0, away: 0, offline: 0, unknown: 0 };
  for (const agent of agents) if (!team || agent.team === null || agent.team === team) counts[isAgentStatus(agent.status) ? agent.status : 'unknown']++;
  return counts;
}

/** Seconds between `since` and `now`, or null when `since` is missing or unparsable. */
export function secondsSince(since: string | null | undefined, now: number): number | null {
  const start = since ? Date.parse(since) : NaN;
  return Number.isFinite(start) ? Math.max(0, Math.floor((now - start) / 1000)) : null;
}
