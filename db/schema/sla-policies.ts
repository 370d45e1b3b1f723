import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The SLA policies an admin saved, one row per version (api/kpi/sla-policies.ts reads them). A version is never
 * changed once in effect: it holds from `effectiveFrom` until the next one's, so every first response is judged
 * by what held at its time, whenever its events arrive. Only a version still pending may be replaced (a save at
 * the same minute). Its rules are kept as their JSON list: a version is read and written whole, never by rule.
 */
export const slaPolicies = sqliteTable('sla_policies', {
  /** When it takes effect (epoch ms, a whole minute): the first responses stamped at or after it are judged by it. */
  effectiveFrom: integer('effective_from').primaryKey(),
  /** Who saved it (the admin's name, or "admin token"), and when (epoch ms, the server's clock). */
  setBy: text('set_by').notNull(),
  setAt: integer('set_at').notNull(),
  /** `[{"priority","channel" (null: every channel),"targetSec"}]`; a priority without a rule has SPEC's default. */
  rules: text('rules').notNull()
});
