// Who saved the KPI targets last, and when: named by a 412 to an admin whose save was made from older targets.
import type Database from 'better-sqlite3';
import { cached } from '../queries/windowTotals';

/** The last save's admin (a name, or "admin token") and time (epoch ms); null when none was recorded (saves before migration 0018 were not). */
export function getKpiTargetsSaved(sqlite: Database.Database): { by: string; at: number } | null {
  const row = cached(sqlite, 'SELECT set_by, set_at FROM kpi_targets_saved WHERE id = 1').get() as { set_by: string; set_at: number } | undefined;
  return row ? { by: row.set_by, at: row.set_at } : null;
}
