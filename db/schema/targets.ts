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

/**
 * Who saved the KPI targets last, and when: one row (id 1), written with every save, a reset's too, whose row in
 * kpi_targets is deleted. A second admin's save from older targets is refused naming them. None before the first
 * save since migration 0018: a save before it recorded no one apart from the rows it kept.
 */
export const kpiTargetsSaved = sqliteTable('kpi_targets_saved', {
  id: integer('id').primaryKey(),
  /** The admin's name, or "admin token"; when (epoch ms, the server's clock). */
  setBy: text('set_by').notNull(),
  setAt: integer('set_at').notNull()
});
