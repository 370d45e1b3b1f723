// New fact rows, written many to a statement (many-rows.ts). A transaction numbers its new facts itself (from
// the largest id stored, read once when it begins, inside its write lock) instead of asking SQLite for each
// row's id, so the rows need not be written one statement each: a commit of 370 events inserts ~170 facts.
//
// A fact held here is not in the table yet. Nothing reads or deletes a fact of the open transaction before
// `flush()`: replay loads a subject's facts once per transaction, before it replays it (ingest.ts).
import type Database from 'better-sqlite3';
import type { Fact } from '../kpi/replay';
import { manyRows } from './many-rows';

export const FACT_FIELDS = 'kind, at, team, channel, priority, category, agent, value, flag, flag2';
const COLUMNS = ['id', 'subject', ...FACT_FIELDS.split(', ')];
/** Rows a statement inserts at most: 384 parameters. */
const ROWS_PER_STATEMENT = 32;

export function factRows(sqlite: Database.Database) {
  const maxId = sqlite.prepare('SELECT coalesce(max(id), 0) FROM facts').pluck();
  const write = manyRows(sqlite, 'facts', COLUMNS, ROWS_PER_STATEMENT);
  /** The next id to give; null outside a transaction that began here. */
  let next: number | null = null;
  let pending: unknown[] = [];

  return {
    /** Within a write transaction, before the first `add()`. */
    begin(): void {
      next = (maxId.get() as number) + 1;
      pending = [];
    },
    /** Queues a fact of `subject` for insertion; returns its id. */
    add(subject: string, f: Fact): number {
      if (next === null) throw new Error('factRows.add() outside a transaction begun with begin()');
      const id = next++;
      pending.push(id, subject, f.kind, f.at, f.team, f.channel, f.priority, f.category, f.agent, f.value, f.flag, f.flag2);
      if (pending.length >= ROWS_PER_STATEMENT * COLUMNS.length) {
        write(pending);
        pending = [];
      }
      return id;
    },
    /** Writes every queued fact. Before the commit, and before anything reads facts back. */
    flush(): void {
      write(pending);
      pending = [];
    },
    /** After a rollback: the queued facts and the numbering are the rolled-back transaction's. */
    forget(): void {
      next = null;
      pending = [];
    }
  };
}
