// The report's columns: which figure of a team's, a channel's or an agent's block each shows, how it is written, what
// it drills into and which target colours it. The teams', channels' and agents' tables and one agent's tiles read them.
import type { AgentKpis, Kpis } from '../../../api/kpi/types';
import { en, t, type MessageKey, type ValueKind } from '../i18n';
import { isAgentStatus } from '../kpi/values';
import { CHANNELS } from '../admin/sla-policy';

export interface Column {
  key: string;
  label: MessageKey;
  kind: ValueKind;
  /** The figure of a block; for a count, the JSON path its tickets are drilled by. */
  value: (k: Kpis | AgentKpis) => number | null;
  measure?: string;
  target?: string;
  /** A rate's sample (responses, ratings): too few leave it uncoloured. */
  over?: (k: Kpis | AgentKpis) => number;
  /** A duration's sample (first responses, resolutions): too few on either side leave its change against the period before unsaid. */
  sample?: (k: Kpis | AgentKpis) => number;
}

/** What a row's drill links narrow to: its team, agent or channel. */
export type RowFilters = { team?: string | null; agent?: string | null; channel?: string | null };

export const pct = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : null);

const frtColumns: Column[] = [
  { key: 'frtP50', label: 'reports.frtP50', kind: 'duration', value: (k) => k.firstResponse.p50Sec, target: 'firstResponse.p50Sec', sample: (k) => k.firstResponse.count },
  { key: 'frtP90', label: 'reports.frtP90', kind: 'duration', value: (k) => k.firstResponse.p90Sec, target: 'firstResponse.p90Sec', sample: (k) => k.firstResponse.count },
  { key: 'within', label: 'reports.withinTarget', kind: 'pct', value: (k) => pct(k.firstResponse.withinTarget, k.firstResponse.count), target: 'firstResponse.withinTargetPct', over: (k) => k.firstResponse.count },
  { key: 'resP50', label: 'reports.resolutionP50', kind: 'duration', value: (k) => k.resolution.p50Sec, target: 'resolution.p50Sec', sample: (k) => k.resolution.count }
];

/** A team's, a channel's or the whole centre's columns (CSAT and callbacks on time follow, drawn apart). */
export const teamColumns: Column[] = [
  { key: 'created', label: 'reports.created', kind: 'count', value: (k) => (k as Kpis).tickets.created, measure: 'tickets.created' },
  { key: 'resolved', label: 'reports.resolved', kind: 'count', value: (k) => (k as Kpis).tickets.resolved, measure: 'tickets.resolved' },
  { key: 'abandoned', label: 'reports.abandoned', kind: 'count', value: (k) => (k as Kpis).tickets.abandoned, measure: 'tickets.abandoned' },
  ...frtColumns,
  { key: 'resP90', label: 'reports.resolutionP90', kind: 'duration', value: (k) => k.resolution.p90Sec, sample: (k) => k.resolution.count }
];

// One agent's tiles: no ticket's creation or abandonment is credited to an agent (SPEC: a fact's agent is the one
// credited), so those two read 0 for everyone; the first responses they gave stand in their place.
export const agentTiles: Column[] = [
  { key: 'firstResponses', label: 'measure.firstResponse.count', kind: 'count', value: (k) => k.firstResponse.count, measure: 'firstResponse.count' },
  ...teamColumns.filter((c) => c.key !== 'created' && c.key !== 'abandoned')
];

/** One team's agents' columns, after their name and status. */
export const agentColumns: Column[] = [
  { key: 'open', label: 'reports.open', kind: 'count', value: (k) => (k as AgentKpis).open, measure: 'backlog.open' },
  ...frtColumns,
  { key: 'csat', label: 'reports.csat', kind: 'pct', value: (k) => k.csat.pct, target: 'csat.pct', over: (k) => k.csat.responses },
  { key: 'callbacks', label: 'reports.callbacksOnTime', kind: 'pct', value: (k) => pct(k.callbacks.completedOnTime, k.callbacks.completed), target: 'callbacks.onTimePct', over: (k) => k.callbacks.completed }
];

export const agentName = (a: AgentKpis) => a.name ?? a.agent;
export const statusName = (s: string | null) => t(isAgentStatus(s) ? `status.${s}` : 'status.unknown');

/** A channel or priority in the page's language (a value the dictionary lacks as it came). */
export const word = (kind: 'channel' | 'priority', v: string) => (`${kind}.${v}` in en ? t(`${kind}.${v}` as MessageKey) : v);

/** Where a channel stands in the spec's order (phone, chat, …), not the alphabet's; one it does not name last. */
export const channelRank = (c: string) => {
  const i = (CHANNELS as readonly string[]).indexOf(c);
  return i < 0 ? CHANNELS.length : i;
};

/** A CSV column's unit, after its name: durations in seconds, rates in percent. */
export const unitOf = (kind: ValueKind) => (kind === 'duration' ? ` (${t('reports.csvSeconds')})` : kind === 'pct' ? ' (%)' : '');
