import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Every change an admin made (KPI targets, SLA policies, team names, users and roles, tokens), one row each, written in
 * the transaction of the change it records: who, when, what (the setting's key) and the value before and after, as
 * JSON (null where there was none, or is none now). Never a secret or a password: a new password is recorded as
 * changed, a token by its id. None for changes before migration 0020.
 */
export const adminChanges = sqliteTable(
  'admin_changes',
  {
    /** Grows with every change: the history's order, and its cursor. */
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** When (epoch ms, the server's clock), and the admin's name, or "admin token". */
    at: integer('at').notNull(),
    by: text('by').notNull(),
    /** targets, sla-policy, team-names, user or token (api/admin-changes/kinds.ts). */
    kind: text('kind').notNull(),
    /** What changed within the kind: a KPI path, a team's code, a username, a token's id; "policy" for the SLA policy. */
    key: text('key').notNull(),
    before: text('before'),
    after: text('after')
  },
  (t) => [index('admin_changes_kind').on(t.kind, t.id)]
);
