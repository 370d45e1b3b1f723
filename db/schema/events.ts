import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
/**
 * What events are about: `t:<ticket>`, `c:<callback>` or `a:<agent>`, numbered in order of first sight.
 * Events name their subject by this number, so the index replay loads by keeps every recent subject's
 * entries together at its end: a commit touches a few of its pages, not one page per active ticket.
 */
export const subjects = sqliteTable(
  'subjects',
  {
    sid: integer('sid').primaryKey(),
    subject: text('subject').notNull()
  },
  (t) => [uniqueIndex('subjects_subject').on(t.subject)]
);

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
    /** The event's subject (see `subjects`): replay loads a subject's events by it. */
    sid: integer('sid').notNull(),
    /** The validated event as JSON (defaults filled in, times as epoch ms). */
    body: text('body').notNull(),
    receivedAt: integer('received_at').notNull()
  },
  (t) => [uniqueIndex('events_id').on(t.id), index('events_sid_at').on(t.sid, t.at)]
);
