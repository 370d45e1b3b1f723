// An admin's change of KPI targets: stored in one transaction on the main thread's connection, as users and
// sessions are, so it is committed (and outlives a crash of the process) before the answer is sent.
import type Database from 'better-sqlite3';
import { recordAdminChange } from '../admin-changes/record';

/** A KPI's new warn and critical, or null: back to its default. */
export type TargetChange = { warn: number; critical: number } | null;

/** Stores every change of `changes` or, should one fail, none. The caller has validated them (routes/targets.ts). */
export function setKpiTargets(sqlite: Database.Database, changes: Record<string, TargetChange>, setBy: string, now: number): void {
  const upsert = sqlite.prepare(
    'INSERT INTO kpi_targets (kpi, warn, critical, set_by, set_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kpi) DO UPDATE SET warn = excluded.warn, critical = excluded.critical, set_by = excluded.set_by, set_at = excluded.set_at'
  );
  const reset = sqlite.prepare('DELETE FROM kpi_targets WHERE kpi = ?');
  const current = sqlite.prepare('SELECT warn, critical FROM kpi_targets WHERE kpi = ?');
  sqlite
    .transaction(() => {
      for (const [kpi, change] of Object.entries(changes)) {
        // The history: each KPI whose target this save moves (null is its default), before and after.
        const before = (current.get(kpi) as { warn: number; critical: number } | undefined) ?? null;
        const after = change && { warn: change.warn, critical: change.critical };
        // A KPI this save does not move keeps its row as its setter left it: the history names who changed each last.
        if (JSON.stringify(before) === JSON.stringify(after)) continue;
        recordAdminChange(sqlite, { by: setBy, at: now }, 'targets', kpi, before, after);
        if (change === null) reset.run(kpi);
        else upsert.run(kpi, change.warn, change.critical, setBy, now);
      }
    })
    .immediate();
}
