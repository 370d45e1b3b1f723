// Which stored events belong to a subject, for replay to load a subject that is not in memory.
//
// `subject_events` is written in arrears: events after its mark (`subject_events_indexed.seq`) are kept here,
// in memory, by subject, and indexed all at once when there are TAIL_LIMIT of them, sorted by subject, so
// each page of the index is written once per pass instead of once per commit. The tail in memory is what
// this service inserted since the mark; at start and after a rollback it is not known, and the next
// transaction indexes everything after the mark first. Like the subject memos in ingest.ts, this assumes
// one ingest service writes events to a database at a time.
import type Database from 'better-sqlite3';
import { manyRows } from './many-rows';

/** Events kept in memory before a pass indexes them: about a second of heavy ingest, a day of a quiet one. */
export const TAIL_LIMIT = 50_000;
/** Index entries a pass inserts with one statement, from the tail in memory. */
const ROWS_PER_INSERT = 500;

export function subjectIndex(sqlite: Database.Database, tailLimit = TAIL_LIMIT) {
  const s = {
    mark: sqlite.prepare('SELECT seq FROM subject_events_indexed WHERE one = 1').pluck(),
    lastSeq: sqlite.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck(),
    // OR IGNORE: another process (`npm run rebuild`) may have indexed some of them already.
    index: sqlite.prepare('INSERT OR IGNORE INTO subject_events (sid, seq) SELECT sid, seq FROM events WHERE seq > ? ORDER BY sid, seq'),
    // Ignoring conflicts as `index` does.
    insert: manyRows(sqlite, 'subject_events', ['sid', 'seq'], ROWS_PER_INSERT, 'ON CONFLICT DO NOTHING'),
    setMark: sqlite.prepare('INSERT INTO subject_events_indexed (one, seq) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET seq = max(seq, excluded.seq)'),
    indexed: sqlite.prepare('SELECT e.body FROM subject_events x JOIN events e ON e.seq = x.seq WHERE x.sid = ? AND x.seq <= ?').pluck(),
    body: sqlite.prepare('SELECT body FROM events WHERE seq = ?').pluck()
  };
  /** Every event up to here is in `subject_events`; null while the tail after it is not known. */
  let mark: number | null = null;
  let tail = new Map<number, number[]>();
  let tailSize = 0;

  /**
   * Inserts the tail's entries, sorted by subject, many to a statement: the events after the mark are known
   * without reading their rows (bodies and all) back and sorting them, which took ~1 µs an event.
   */
  function indexTail(): void {
    const pairs: number[] = [];
    for (const sid of [...tail.keys()].sort((a, b) => a - b)) for (const seq of tail.get(sid)!) pairs.push(sid, seq);
    s.insert(pairs);
  }

  /** Indexes every event after the mark. Runs inside a write transaction. */
  function pass(): void {
    const from = mark ?? ((s.mark.get() as number | undefined) ?? 0);
    const to = s.lastSeq.get() as number;
    if (to > from) {
      // The tail in memory holds every event after a known mark; after a start or a rollback, only the rows do.
      if (mark === null) s.index.run(from);
      else indexTail();
      s.setMark.run(to);
    }
    mark = Math.max(from, to);
    tail = new Map();
    tailSize = 0;
  }

  return {
    /** At the start of each write transaction: makes the tail known. */
    begin(): void {
      if (mark === null) pass();
    },
    /** An event this service just inserted (in the open transaction). */
    inserted(sid: number, seq: number): void {
      const seqs = tail.get(sid);
      if (seqs) seqs.push(seq);
      else tail.set(sid, [seq]);
      tailSize++;
    },
    /** At the end of each write transaction: indexes the tail once it is long enough. */
    end(): void {
      if (tailSize >= tailLimit) pass();
    },
    /** The stored bodies of a subject's events, those inserted in the open transaction included. */
    bodies(sid: number): string[] {
      const bodies = s.indexed.all(sid, mark) as string[];
      for (const seq of tail.get(sid) ?? []) bodies.push(s.body.get(seq) as string);
      return bodies;
    },
    /** After a rollback or a rebuild: the tail in memory may hold what the database does not. */
    forget(): void {
      mark = null;
      tail = new Map();
      tailSize = 0;
    }
  };
}
