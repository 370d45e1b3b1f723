import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Each ticket as its replay leaves it now: the backlog is read from here. WITHOUT ROWID (set in the migration SQL). */
export const tickets = sqliteTable(
  'tickets',
  {
    ticket: text('ticket').primaryKey(),
    createdAt: integer('created_at').notNull(),
    channel: text('channel').notNull(),
    category: text('category').notNull(),
    priority: text('priority').notNull(),
    team: text('team'),
    assignee: text('assignee'),
    state: text('state', { enum: ['open', 'resolved', 'abandoned'] }).notNull(),
    firstResponseAt: integer('first_response_at'),
    unattendedSince: integer('unattended_since')
  },
  // Covers every backlog query: counting open tickets reads this index alone, never the rows.
  (t) => [index('tickets_open').on(t.team, t.assignee, t.unattendedSince, t.channel, t.priority, t.category).where(sql`state = 'open'`)]
);

/** Each callback as its replay leaves it now. */
export const callbacks = sqliteTable(
  'callbacks',
  {
    callback: text('callback').primaryKey(),
    scheduledAt: integer('scheduled_at').notNull(),
    due: integer('due').notNull(),
    team: text('team'),
    agent: text('agent'),
    reason: text('reason').notNull(),
    ticket: text('ticket'),
    state: text('state', { enum: ['pending', 'completed', 'cancelled'] }).notNull()
  },
  (t) => [index('callbacks_pending').on(t.team, t.agent, t.due).where(sql`state = 'pending'`)]
);
