import { blob, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Facts summed per time bucket (5 minutes, level 0; UTC hour, level 1; UTC day, level 2; 7 UTC days from a
 * Thursday, level 3, see LEVELS in api/ingest/rollup-delta.ts) and per dimension value,
 * split by team so that a team filter combines with one other filter. `dim` is `all`, `channel`, `priority`,
 * `category` or `agent`; `value` is '' for `all`. Histograms are compact varint blobs, NULL when empty
 * (api/kpi/histogram.ts).
 */
export const rollups = sqliteTable(
  'rollups',
  {
    level: integer('level').notNull(),
    dim: text('dim').notNull(),
    value: text('value').notNull(),
    bucket: integer('bucket').notNull(),
    team: text('team').notNull(),
    created: integer('created').notNull().default(0),
    resolved: integer('resolved').notNull().default(0),
    reopened: integer('reopened').notNull().default(0),
    escalated: integer('escalated').notNull().default(0),
    abandoned: integer('abandoned').notNull().default(0),
    frCount: integer('fr_count').notNull().default(0),
    frSumMs: integer('fr_sum_ms').notNull().default(0),
    frWithin: integer('fr_within').notNull().default(0),
    resCount: integer('res_count').notNull().default(0),
    resSumMs: integer('res_sum_ms').notNull().default(0),
    csatCount: integer('csat_count').notNull().default(0),
    csatPositive: integer('csat_positive').notNull().default(0),
    csatSum: integer('csat_sum').notNull().default(0),
    cbScheduled: integer('cb_scheduled').notNull().default(0),
    cbAttempts: integer('cb_attempts').notNull().default(0),
    cbConnected: integer('cb_connected').notNull().default(0),
    cbCompleted: integer('cb_completed').notNull().default(0),
    cbOnTime: integer('cb_on_time').notNull().default(0),
    cbConfirmed: integer('cb_confirmed').notNull().default(0),
    frHist: blob('fr_hist', { mode: 'buffer' }),
    resHist: blob('res_hist', { mode: 'buffer' })
  },
  // Key order keeps the rows a commit touches (the current hour and day of each dim) on few pages.
  // WITHOUT ROWID is added by hand in the migration SQL; drizzle-kit cannot express it.
  (t) => [primaryKey({ columns: [t.level, t.dim, t.bucket, t.value, t.team] })]
);

/**
 * Hour, day and week buckets (levels 1–3) whose rows may lag their 5-minute rows. Ingest writes only the
 * 5-minute rows of a fact (5 rows, not 20, so a commit rewrites a quarter of the rollup rows) and marks the
 * fact's hour, day and week here, in the same transaction; a later transaction (api/ingest/rollup-compaction.ts)
 * sums them up again and clears the mark. Queries read a marked bucket from the level below instead, so
 * every answer is exact at every moment. WITHOUT ROWID is added by hand in the migration SQL.
 */
export const rollupStale = sqliteTable(
  'rollup_stale',
  {
    level: integer('level').notNull(),
    bucket: integer('bucket').notNull(),
    /**
     * When ingest first and last marked the bucket since it was last summed (server clock, epoch ms). The
     * server sums a bucket once it has been quiet a while, or marked for long enough: a backfill marks the same
     * day in every commit, and summing it again every round while it filled took a tenth of batched ingest's
     * throughput.
     */
    firstMarkedAt: integer('first_marked_at').notNull().default(0),
    markedAt: integer('marked_at').notNull().default(0)
  },
  (t) => [primaryKey({ columns: [t.level, t.bucket] })]
);
