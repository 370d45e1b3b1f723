// The backlog's current-state rows: open_tickets and pending_callbacks (db/schema/current.ts). A subject's row
// is there while its replay leaves it open (a ticket) or pending (a callback), and gone otherwise. Rows are
// keyed by the subject's number (`subjects.sid`).
import type Database from 'better-sqlite3';
import type { CallbackState, TicketState } from '../kpi/replay';

/** A subject known to have no row (a new one, or all rows deleted for a rebuild): none to delete. */
export const NO_ROW = 'no row';
export type NoRow = typeof NO_ROW;

/** Columns after the key, in the order of `ticketValues` and `callbackValues` (the key comes last). */
const TICKET_COLUMNS = ['channel', 'category', 'priority', 'team', 'assignee', 'unattended_since'];
const CALLBACK_COLUMNS = ['scheduled_at', 'due', 'team', 'agent', 'reason', 'ticket'];
const ticketValues = (t: TicketState, sid: number) => [t.channel, t.category, t.priority, t.team, t.assignee, t.unattendedSince, sid];
const callbackValues = (c: CallbackState, sid: number) => [c.scheduledAt, c.due, c.team, c.agent, c.reason, c.ticket, sid];

/** Positional parameters throughout: binding by name costs a property lookup per column and row. */
function statements(sqlite: Database.Database, table: string, key: string, columns: string[]) {
  return {
    upsert: sqlite.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}, ${key}) VALUES (${columns.map(() => '?').join(', ')}, ?)
       ON CONFLICT (${key}) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`
    ),
    update: sqlite.prepare(`UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE ${key} = ?`),
    remove: sqlite.prepare(`DELETE FROM ${table} WHERE ${key} = ?`)
  };
}

/** Whether `before` had a row: one while it was in `inBacklog`, none for NO_ROW, null when not known. */
const hadRow = (before: { state: string } | NoRow | null, inBacklog: string) => (before === NO_ROW ? false : before && before.state === inBacklog);

export function backlogRows(sqlite: Database.Database) {
  const tickets = statements(sqlite, 'open_tickets', 'sid', TICKET_COLUMNS);
  const callbacks = statements(sqlite, 'pending_callbacks', 'sid', CALLBACK_COLUMNS);

  /**
   * Writes a subject's row for its state `after`. `before` is the state this process last wrote for it, NO_ROW
   * when it has none, or null when it does not know (a subject read back from the database), in which case the
   * row may or may not be there: it is upserted or deleted, not updated.
   */
  function write(s: typeof tickets, key: number, values: unknown[], inBacklog: boolean, wasInBacklog: boolean | null): void {
    if (!inBacklog) {
      if (wasInBacklog !== false) s.remove.run(key);
    } else (wasInBacklog ? s.update : s.upsert).run(values);
  }

  return {
    /** The row of ticket `sid`, as its state went from `before` to `after`. */
    ticket(sid: number, before: TicketState | NoRow | null, after: TicketState): void {
      write(tickets, sid, ticketValues(after, sid), after.state === 'open', hadRow(before, 'open'));
    },
    callback(sid: number, before: CallbackState | NoRow | null, after: CallbackState): void {
      write(callbacks, sid, callbackValues(after, sid), after.state === 'pending', hadRow(before, 'pending'));
    }
  };
}
