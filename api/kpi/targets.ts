// Built-in KPI targets and SLA first-response targets: the defaults, and the one list of KPIs and their
// directions. The targets an admin sets (PUT /api/targets) are kept in kpi_targets and read over these (getKpiTargets).
import type { Priority } from '../events/schema';
import type { TargetLookup } from './replay';

/** SPEC.md defaults: first-response target by priority, in seconds. */
export const DEFAULT_FIRST_RESPONSE_TARGET_SEC: Record<Priority, number> = {
  urgent: 300,
  high: 1800,
  normal: 7200,
  low: 28800
};

/** Replay's first-response target for a priority, from the defaults above. */
export const defaultTargets: TargetLookup = (priority) =>
  DEFAULT_FIRST_RESPONSE_TARGET_SEC[priority as Priority] ?? DEFAULT_FIRST_RESPONSE_TARGET_SEC.normal;

/**
 * How each wall tile is coloured. `higherIsBetter` says which way is good. `warn` is the target the tile shows
 * ("target ≥ 90 %"): a value that meets it, exactly too, is green; one that misses it is amber, and red once it
 * is past `critical` as well.
 */
export interface KpiTarget {
  higherIsBetter: boolean;
  warn: number;
  critical: number;
}

/** Keys are the spec's KPI paths, as used in `data-kpi`. */
export const DEFAULT_KPI_TARGETS: Record<string, KpiTarget> = {
  'firstResponse.p50Sec': { higherIsBetter: false, warn: 600, critical: 1800 },
  'firstResponse.p90Sec': { higherIsBetter: false, warn: 1800, critical: 7200 },
  'firstResponse.withinTargetPct': { higherIsBetter: true, warn: 90, critical: 80 },
  'resolution.p50Sec': { higherIsBetter: false, warn: 14400, critical: 43200 },
  'csat.pct': { higherIsBetter: true, warn: 80, critical: 70 },
  'tickets.abandonedPct': { higherIsBetter: false, warn: 5, critical: 10 },
  'backlog.unattended': { higherIsBetter: false, warn: 20, critical: 50 },
  'backlog.oldestUnattendedSec': { higherIsBetter: false, warn: 1800, critical: 3600 },
  'backlog.callbacksOverdue': { higherIsBetter: false, warn: 0, critical: 4 },
  'callbacks.onTimePct': { higherIsBetter: true, warn: 90, critical: 75 }
};

/** What a KPI's value counts, read off its spec path: seconds (…Sec), a percentage (…Pct, csat.pct), or things. */
export type KpiKind = 'duration' | 'pct' | 'count';
export const kpiKind = (kpi: string): KpiKind => (kpi.endsWith('Sec') ? 'duration' : /pct$/i.test(kpi) ? 'pct' : 'count');

export type KpiLevel = 'ok' | 'warn' | 'critical' | 'none';

export function levelFor(target: KpiTarget | undefined, value: number | null | undefined): KpiLevel {
  if (!target || value === null || value === undefined || !Number.isFinite(value)) return 'none';
  if (target.higherIsBetter) return value < target.critical ? 'critical' : value < target.warn ? 'warn' : 'ok';
  return value > target.critical ? 'critical' : value > target.warn ? 'warn' : 'ok';
}
