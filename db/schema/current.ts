import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The backlog now: each open ticket as its replay leaves it. Resolving or abandoning a ticket takes its row out
 * and reopening puts it back, so the table holds only what the backlog counts: a few thousand rows, where the
 * `tickets` table before it (migration 0007) held every ticket ever. It needs no index: a backlog query reads
 * it whole.
 *
 * Keyed by the ticket's subject number (`subjects.sid`, where `t:<ticket>` names it), and holding only what the
 * backlog reads (the filters, the assignee, the unattended time): a commit changes rows all over this table (a
 * ticket opened here, one resolved there, a reply elsewhere), so it rewrites nearly every page of it, and every
 * byte a row holds is paid for in every commit. Before migration 0009 rows were keyed by the ticket's name and
 * held its creation and first-response times too (see test/bench/HISTORY.md, "Session 16", for what that costs).
 */
export const openTickets = sqliteTable('open_tickets', {
  sid: integer('sid').primaryKey(),
  channel: text('channel').notNull(),
  category: text('category').notNull(),
  priority: text('priority').notNull(),
  team: text('team'),
  assignee: text('assignee'),
  unattendedSince: integer('unattended_since')
});

/** Each pending callback (scheduled, neither completed nor cancelled) as its replay leaves it, keyed by the callback's subject number as open tickets are. */
export const pendingCallbacks = sqliteTable('pending_callbacks', {
  sid: integer('sid').primaryKey(),
  scheduledAt: integer('scheduled_at').notNull(),
  due: integer('due').notNull(),
  team: text('team'),
  agent: text('agent'),
  reason: text('reason').notNull(),
  ticket: text('ticket')
});
