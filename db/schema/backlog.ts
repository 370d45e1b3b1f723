import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The backlog sampled once a minute, for the wall's "backlog through the day" chart. `team` is '' for the
 * whole centre. Current state has no history of its own, so it must be sampled as it happens. Only today's chart
 * reads them: the sampler deletes those older than it needs (SAMPLES_KEPT_MS in api/live/backlog-sampler.ts),
 * through the index by minute, so the table holds two days, not every minute the server has run.
 */
export const backlogSamples = sqliteTable(
  'backlog_samples',
  {
    minute: integer('minute').notNull(),
    team: text('team').notNull(),
    open: integer('open').notNull(),
    unassigned: integer('unassigned').notNull(),
    unattended: integer('unattended').notNull(),
    callbacksPending: integer('callbacks_pending').notNull(),
    callbacksOverdue: integer('callbacks_overdue').notNull()
  },
  (t) => [primaryKey({ columns: [t.team, t.minute] }), index('backlog_samples_minute').on(t.minute)]
);
