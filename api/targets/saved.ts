// Who changed the KPI targets last, and when: named by a 412 to an admin whose save was made from older targets.
import type Database from 'better-sqlite3';
import { lastAdminChange } from '../admin-changes/last';
import { cached } from '../queries/windowTotals';

/**
 * The last change's admin (a name, or "admin token") and time (epoch ms), from the change history. Targets last changed
 * before it was kept (migration 0020) have their newest row to say it; null when none does (all at their defaults).
 */
export function getKpiTargetsSaved(sqlite: Database.Database): { by: string; at: number } | null {
  const newestRow = () => cached(sqlite, 'SELECT set_by AS by, set_at AS at FROM kpi_targets ORDER BY set_at DESC LIMIT 1').get() as { by: string; at: number } | undefined;
  return lastAdminChange(sqlite, 'targets') ?? newestRow() ?? null;
}
