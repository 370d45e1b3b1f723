// The newest recorded change of a setting: named by a 412 to an admin whose save was made from an older version of it.
import type Database from 'better-sqlite3';
import { cached } from '../queries/windowTotals';
import type { AdminChangeKind } from './kinds';
import type { ChangedBy } from './record';

/** Who made the newest change of `kind` (to `key`, when given), and when; null when none is recorded (before migration 0020). */
export function lastAdminChange(sqlite: Database.Database, kind: AdminChangeKind, key?: string): ChangedBy | null {
  const row =
    key === undefined
      ? cached(sqlite, 'SELECT by, at FROM admin_changes WHERE kind = ? ORDER BY id DESC LIMIT 1').get(kind)
      : cached(sqlite, 'SELECT by, at FROM admin_changes WHERE kind = ? AND key = ? ORDER BY id DESC LIMIT 1').get(kind, key);
  return (row as ChangedBy | undefined) ?? null;
}
