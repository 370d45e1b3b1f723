import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Every accepted event, once (a repeated id is a retry; the unique index on id rejects it). The store of
 * record: facts, rollups and current state are all derived from it and can be rebuilt (`npm run rebuild`).
 * A rowid table: bodies append at the end of the table whatever the senders' ids look like, so a commit
 * writes a few pages of bodies and only small index entries elsewhere (keyed by id, a body landed on a
 * random page, and a commit of 800 events rewrote ~500 pages).
 */
export const events = sqliteTable(
  'events',
  {
    /** Arrival order. */
    seq: integer('seq').primaryKey(),
    id: text('id').notNull(),
    type: text('type').notNull(),
    at: integer('at').notNull(),
    /** What the event is about: `t:<ticket>`, `c:<callback>` or `a:<agent>`. Replay loads by it. */
    subject: text('subject').notNull(),
    /** The validated event as JSON (defaults filled in, times as epoch ms). */
    body: text('body').notNull(),
    receivedAt: integer('received_at').notNull()
  },
  (t) => [uniqueIndex('events_id').on(t.id), index('events_subject_at').on(t.subject, t.at, t.id)]
);
