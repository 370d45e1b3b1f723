import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The backlog now: each open ticket as its replay leaves it. Resolving or abandoning a ticket takes its row out
 * and reopening puts it back, so the table holds only what the backlog counts: a few thousand rows, where the
 * `tickets` table before it (migration 0007) held every ticket ever. It needs no index: a backlog query reads
 * it whole, and a commit rewrites a few of its pages instead of a page of an index per changed ticket.
 * WITHOUT ROWID (set in the migration SQL).
 */
export const openTickets = sqliteTable('open_tickets', {
  ticket: text('ticket').primaryKey(),
  createdAt: integer('created_at').notNull(),
  channel: text('channel').notNull(),
  category: text('category').notNull(),
  priority: text('priority').notNull(),
  team: text('team'),
  assignee: text('assignee'),
  firstResponseAt: integer('first_response_at'),
  unattendedSince: integer('unattended_since')
});

/** Each pending callback (scheduled, neither completed nor cancelled) as its replay leaves it. WITHOUT ROWID. */
export const pendingCallbacks = sqliteTable('pending_callbacks', {
  callback: text('callback').primaryKey(),
  scheduledAt: integer('scheduled_at').notNull(),
  due: integer('due').notNull(),
  team: text('team'),
  agent: text('agent'),
  reason: text('reason').notNull(),
  ticket: text('ticket')
});
