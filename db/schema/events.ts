import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
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
    /** The event's subject (see `subjects`): replay loads a subject's events by it, through `subject_events`. */
    sid: integer('sid').notNull(),
    /** The validated event as JSON (defaults filled in, times as epoch ms). */
    body: text('body').notNull(),
    receivedAt: integer('received_at').notNull()
  },
  (t) => [
    uniqueIndex('events_id').on(t.id),
    // An agent's current status is the latest run of its status events: read newest first, a few at a time.
    index('events_agent_status').on(t.sid, t.at).where(sql`type = 'agent.status'`),
    // Events stamped ahead of the clock when they came (api/ingest/upcoming.ts reads the last ones at start):
    // rare, so the index is small, and other events cost it only the check of its condition.
    index('events_ahead').on(t.receivedAt).where(sql`at > received_at`)
  ]
);

/**
 * Which events each subject has, for replay to load a subject that is not in memory: written in arrears,
 * thousands of events at a time, sorted, so each page of it is written once per pass. An index on events
 * by subject, kept up in every commit, rewrote a page per active ticket per commit: a third of all the
 * pages a commit wrote. Events after `subject_events_indexed.seq` are not in it yet; the ingest service
 * that wrote them keeps them in memory (see api/ingest/subject-index.ts).
 */
export const subjectEvents = sqliteTable(
  'subject_events',
  {
    sid: integer('sid').notNull(),
    seq: integer('seq').notNull()
  },
  (t) => [primaryKey({ columns: [t.sid, t.seq] })]
);

/** One row: every event with `seq` up to this one is in `subject_events`. */
export const subjectEventsIndexed = sqliteTable('subject_events_indexed', {
  one: integer('one').primaryKey(),
  seq: integer('seq').notNull()
});
