import type Database from 'better-sqlite3';
import { DEFAULT_KPI_TARGETS, type KpiTarget } from '../kpi/targets';
import { cached } from './windowTotals';

/** One KPI's target as GET /api/targets answers it: the one in force, whether it is the default, and the default. */
export interface KpiTargetSetting extends KpiTarget {
  isDefault: boolean;
  default: { warn: number; critical: number };
}

/**
 * Every KPI's target: an admin's where one was set, the default otherwise. The KPIs and their directions are
 * DEFAULT_KPI_TARGETS' alone: a stored row of a KPI it no longer names is passed over.
 */
export function getKpiTargets(sqlite: Database.Database): Record<string, KpiTargetSetting> {
  const set = new Map(
    (cached(sqlite, 'SELECT kpi, warn, critical FROM kpi_targets').all() as { kpi: string; warn: number; critical: number }[]).map((r) => [r.kpi, r])
  );
  const out: Record<string, KpiTargetSetting> = {};
  for (const [kpi, d] of Object.entries(DEFAULT_KPI_TARGETS)) {
    const row = set.get(kpi);
    out[kpi] = {
      higherIsBetter: d.higherIsBetter,
      warn: row?.warn ?? d.warn,
      critical: row?.critical ?? d.critical,
      isDefault: row === undefined,
      default: { warn: d.warn, critical: d.critical }
    };
  }
  return out;
}

/** The targets in force, as the live feed carries them (api/live/protocol.ts). */
export function kpiTargetsInForce(sqlite: Database.Database): Record<string, KpiTarget> {
  return Object.fromEntries(
    Object.entries(getKpiTargets(sqlite)).map(([kpi, t]) => [kpi, { higherIsBetter: t.higherIsBetter, warn: t.warn, critical: t.critical }])
  );
}
