import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Counted facts of the current replay of each ticket and callback (see api/kpi/replay.ts). Rollups are sums
 * of these; queries read them directly for the ragged edges of a window and for drill-through.
 */
export const facts = sqliteTable(
  'facts',
  {
    id: integer('id').primaryKey(),
    subject: text('subject').notNull(),
    kind: text('kind').notNull(),
    at: integer('at').notNull(),
    team: text('team'),
    channel: text('channel'),
    priority: text('priority'),
    category: text('category'),
    agent: text('agent'),
    /** Duration in ms (first response, resolution) or the score (rated). */
    value: real('value'),
    flag: integer('flag').notNull().default(0),
    flag2: integer('flag2').notNull().default(0)
  },
  // No index by subject: ingest keeps active subjects' facts in memory, and finds a subject's facts after a
  // restart through (at, subject), since every fact stands at one of its subject's event times.
  (t) => [index('facts_at').on(t.at, t.subject)]
);
