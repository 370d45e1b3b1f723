// The admin change history (db/schema/admin-changes.ts): each store calls recordAdminChange inside the transaction
// of the change it records, so a change refused or rolled back records nothing, and none is stored unrecorded.
import type Database from 'better-sqlite3';
import { cached } from '../queries/windowTotals';
import type { AdminChangeKind } from './kinds';


/** Who made a change, when (epoch ms): an admin's name, or "admin token". */
export type ChangedBy = { by: string; at: number };

/** Records one change; `before` and `after` are stored as JSON, null for none. Call it inside the change's transaction. */
export function recordAdminChange(sqlite: Database.Database, who: ChangedBy, kind: AdminChangeKind, key: string, before: unknown, after: unknown): void {
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  cached(sqlite, 'INSERT INTO admin_changes (at, by, kind, key, before, after) VALUES (?, ?, ?, ?, ?, ?)').run(who.at, who.by, kind, key, json(before), json(after));
}
