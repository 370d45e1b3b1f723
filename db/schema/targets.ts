import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The KPI targets an admin set, one row per KPI path (api/kpi/targets.ts names them and their direction). A KPI
 * without a row has its default: a reset to the default deletes the row, so a later change of the default reaches it.
 */
export const kpiTargets = sqliteTable('kpi_targets', {
  kpi: text('kpi').primaryKey(),
  warn: real('warn').notNull(),
  critical: real('critical').notNull(),
  /** Who set it (the admin's name, or "token" for an admin token), and when (epoch ms). */
  setBy: text('set_by').notNull(),
  setAt: integer('set_at').notNull()
});
