// The backlog's current-state rows: open_tickets and pending_callbacks (db/schema/current.ts). A subject's row
// is there while its replay leaves it open (a ticket) or pending (a callback), and gone otherwise. Rows are
// keyed by the subject's number (`subjects.sid`). A transaction's row changes are held here and written at
// its end, many to a statement (`flush()`): each call of a statement costs better-sqlite3 as much again as
// SQLite's writing of the small row, and a commit of 370 events changes ~220 rows.
import type Database from 'better-sqlite3';
import type { CallbackState, TicketState } from '../kpi/replay';
import { inChunks, manyRows } from './many-rows';

/** A subject known to have no row (a new one, or all rows deleted for a rebuild): none to delete. */
export const NO_ROW = 'no row';
export type NoRow = typeof NO_ROW;

/** Columns in the order of `ticketValues` and `callbackValues`, the key first. */
const TICKET_COLUMNS = ['sid', 'channel', 'category', 'priority', 'team', 'assignee', 'unattended_since'];
const CALLBACK_COLUMNS = ['sid', 'scheduled_at', 'due', 'team', 'agent', 'reason', 'ticket'];
const ticketValues = (sid: number, t: TicketState) => [sid, t.channel, t.category, t.priority, t.team, t.assignee, t.unattendedSince];
const callbackValues = (sid: number, c: CallbackState) => [sid, c.scheduledAt, c.due, c.team, c.agent, c.reason, c.ticket];
/** Rows a statement writes at most: 224 parameters. */
const ROWS_PER_STATEMENT = 32;

/** One table's changes of the open transaction: each subject's row as it should be, or null to delete it. */
function table(sqlite: Database.Database, name: string, columns: string[]) {
  // The key is the rowid, so a REPLACE overwrites the row in place: one statement whether or not it was there.
  const replace = manyRows(sqlite, name, columns, ROWS_PER_STATEMENT, '', 'INSERT OR REPLACE');
  const remove = inChunks(sqlite, 1, ROWS_PER_STATEMENT, (n) => `DELETE FROM ${name} WHERE sid IN (${Array(n).fill('?').join(', ')})`);
  const pending = new Map<number, unknown[] | null>();
  return {
    set(sid: number, values: unknown[] | null): void {
      pending.set(sid, values);
    },
    /** The subject has no row and needs none: nothing to write, whatever was queued for it. */
    clear(sid: number): void {
      pending.delete(sid);
    },
    flush(): void {
      const rows: unknown[] = [];
      const gone: number[] = [];
      for (const [sid, values] of pending) {
        if (values) for (const v of values) rows.push(v);
        else gone.push(sid);
      }
      pending.clear();
      replace(rows);
      remove(gone);
    },
    forget(): void {
      pending.clear();
    }
  };
}

/** Whether `before` had a row: one while it was in `inBacklog`, none for NO_ROW, null when not known. */
const hadRow = (before: { state: string } | NoRow | null, inBacklog: string) => (before === NO_ROW ? false : before && before.state === inBacklog);

export function backlogRows(sqlite: Database.Database) {
  const tickets = table(sqlite, 'open_tickets', TICKET_COLUMNS);
  const callbacks = table(sqlite, 'pending_callbacks', CALLBACK_COLUMNS);

  /**
   * Queues a subject's row for its state `after`. `before` is the state this process last wrote for it, NO_ROW
   * when it has none, or null when it does not know (a subject read back from the database), in which case the
   * row may or may not be there and is deleted if it should not be.
   */
  function change(t: typeof tickets, sid: number, values: unknown[], inBacklog: boolean, wasInBacklog: boolean | null): void {
    if (inBacklog) t.set(sid, values);
    else if (wasInBacklog !== false) t.set(sid, null);
    else t.clear(sid);
  }

  return {
    /** The row of ticket `sid`, as its state went from `before` to `after`. */
    ticket(sid: number, before: TicketState | NoRow | null, after: TicketState): void {
      change(tickets, sid, ticketValues(sid, after), after.state === 'open', hadRow(before, 'open'));
    },
    callback(sid: number, before: CallbackState | NoRow | null, after: CallbackState): void {
      change(callbacks, sid, callbackValues(sid, after), after.state === 'pending', hadRow(before, 'pending'));
    },
    /** Writes every queued row change. Before the commit. */
    flush(): void {
      tickets.flush();
      callbacks.flush();
    },
    /** After a rollback: the queued changes were the rolled-back transaction's. */
    forget(): void {
      tickets.forget();
      callbacks.forget();
    }
  };
}
