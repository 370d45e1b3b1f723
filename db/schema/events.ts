import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Every accepted event, once (a repeated id is a retry). The store of record: facts, rollups and current
 * state are all derived from it and can be rebuilt (`npm run rebuild`).
 */
export const events = sqliteTable(
  'events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
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
