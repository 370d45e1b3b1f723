// New fact rows, written many to a statement. A transaction numbers its new facts itself (from the largest
// id stored, read once when it begins, inside its write lock) instead of asking SQLite for each row's id, so
// the rows need not be written one statement each: better-sqlite3 spends about as long on a call as SQLite
// spends inserting a fact row, and a commit of 370 events inserts about 170 facts.
//
// A fact held here is not in the table yet. Nothing reads or deletes a fact of the open transaction before
// `flush()`: replay loads a subject's facts once per transaction, before it replays it (ingest.ts).
import type Database from 'better-sqlite3';
import type { Fact } from '../kpi/replay';

export const FACT_FIELDS = 'kind, at, team, channel, priority, category, agent, value, flag, flag2';
const COLUMNS = `id, subject, ${FACT_FIELDS}`;
const PER_ROW = 12;
/** Rows a statement inserts at most: 384 parameters. */
const ROWS_PER_STATEMENT = 32;

export function factRows(sqlite: Database.Database) {
  const maxId = sqlite.prepare('SELECT coalesce(max(id), 0) FROM facts').pluck();
  /** One statement for each number of rows, prepared when first needed. */
  const inserts = new Map<number, Database.Statement>();
  const insert = (rows: number) => {
    let s = inserts.get(rows);
    if (!s) inserts.set(rows, (s = sqlite.prepare(`INSERT INTO facts (${COLUMNS}) VALUES ${Array(rows).fill(`(${Array(PER_ROW).fill('?').join(', ')})`).join(', ')}`)));
    return s;
  };
  /** The next id to give; null outside a transaction that began here. */
  let next: number | null = null;
  let pending: unknown[] = [];

  function write(values: unknown[]): void {
    for (let at = 0; at < values.length; at += ROWS_PER_STATEMENT * PER_ROW) {
      const chunk = values.slice(at, at + ROWS_PER_STATEMENT * PER_ROW);
      insert(chunk.length / PER_ROW).run(chunk);
    }
  }

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
      if (pending.length >= ROWS_PER_STATEMENT * PER_ROW) {
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
