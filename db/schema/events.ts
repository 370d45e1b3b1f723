import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Every accepted event, once (a repeated id is a retry; the primary key rejects it). WITHOUT ROWID (set in
 * the migration SQL): the id key holds the row, so an insert writes two B-trees, not three. The store of record: facts, rollups and current
 * state are all derived from it and can be rebuilt (`npm run rebuild`).
 */
export const events = sqliteTable(
  'events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    at: integer('at').notNull(),
    /** What the event is about: `t:<ticket>`, `c:<callback>` or `a:<agent>`. Replay loads by it. */
    subject: text('subject').notNull(),
    /** The validated event as JSON (defaults filled in, times as epoch ms). */
    body: text('body').notNull(),
    receivedAt: integer('received_at').notNull()
  },
  (t) => [index('events_subject_at').on(t.subject, t.at, t.id)]
);
