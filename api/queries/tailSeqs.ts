// Which events after `subject_events`' mark belong to a subject, without reading that whole tail again for every
// story or drill page. `events` has no index by subject (a commit would rewrite a page of it per active ticket), and the writer
// indexes in arrears, on its own thread (api/ingest/subject-index.ts), so the tail (up to TAIL_LIMIT events, ~17 ms
// to read at 1M tickets) is found only by reading its rows. Each reading connection keeps every tail event's subject
// it has read: a story (or a drill page: the tickets its callbacks were scheduled for, its open tickets' creations)
// then reads only the events stored since the last one, and nothing is added to ingest. The first story after a pass
// (or a start) reads the whole tail once, about twice what one story's scan of it took.
// Sound because a stored event is never changed or deleted and `seq` only grows (rowids, never reused): a row
// read once stays as it was read.
import type Database from 'better-sqlite3';
import { cached } from './windowTotals';

interface Known {
  /** Every event with `seq` in (from, to], side by side with its subject. */
  from: number;
  to: number;
  seqs: number[];
  sids: number[];
  /** Of them, the events that open their subject, up to `openingTo`: read once a drill page asks (a story never does). */
  openingTo: number;
  opening: Set<number>;
}

/** The events that open a subject: a ticket's creation, a callback's schedule (what a drill page reads of the tail). */
const OPENING = "type IN ('ticket.created', 'callback.scheduled')";

const known = new WeakMap<Database.Database, Known>();

/** The tail events this connection has read, brought up to the newest in the caller's snapshot (read inside one). */
function knownTail(sqlite: Database.Database, mark: number): Known {
  const last = cached(sqlite, 'SELECT coalesce(max(seq), 0) FROM events').pluck().get() as number;
  let k = known.get(sqlite);
  // Once the writer has indexed past `from` (a pass indexes every event stored before it), what is known is read
  // through `subject_events`; a shorter table is not the file it was read from.
  if (!k || mark !== k.from || last < k.to) known.set(sqlite, (k = { from: mark, to: mark, seqs: [], sids: [], openingTo: mark, opening: new Set() }));
  if (last > k.to) {
    // Two JSON arrays, not a row an event: 45,000 rows took 27–97 ms to cross into JavaScript, the arrays ~2 ms to parse.
    const read = cached(sqlite, 'SELECT json_group_array(seq) AS seqs, json_group_array(sid) AS sids FROM events WHERE seq > ?').get(k.to) as { seqs: string; sids: string };
    const seqs = JSON.parse(read.seqs) as number[];
    const sids = JSON.parse(read.sids) as number[];
    for (let i = 0; i < seqs.length; i++) k.seqs.push(seqs[i]), k.sids.push(sids[i]);
    k.to = last;
  }
  return k;
}

/** The `seq`s of subject `sid`'s events after `mark` in the caller's snapshot (read inside one). */
export function tailSeqs(sqlite: Database.Database, sid: number, mark: number): number[] {
  const k = knownTail(sqlite, mark);
  // A pass over at most TAIL_LIMIT numbers in memory: ~0.1 ms, where a map by subject took 10–90 ms to build.
  const found: number[] = [];
  for (let i = 0; i < k.sids.length; i++) if (k.sids[i] === sid) found.push(k.seqs[i]);
  return found;
}

/**
 * As tailSeqs, for a page's many subjects at once (a drill's), and only the events that open them (a ticket's creation,
 * a callback's schedule): of an open backlog's tail events at 1M tickets, a fifth, each a row less to read. Which events
 * open their subject is read apart, for the events since the last drill page: flagged with the rest, every story's first
 * read of the tail took twice as long (10 → 20 ms for 45,000 events).
 */
export function tailOpeningSeqs(sqlite: Database.Database, sids: ReadonlySet<number>, mark: number): number[] {
  const k = knownTail(sqlite, mark);
  if (k.openingTo < k.to) {
    const read = cached(sqlite, `SELECT json_group_array(seq) FROM events WHERE seq > ? AND seq <= ? AND ${OPENING}`).pluck().get(k.openingTo, k.to) as string;
    for (const seq of JSON.parse(read) as number[]) k.opening.add(seq);
    k.openingTo = k.to;
  }
  const found: number[] = [];
  if (sids.size === 0) return found;
  for (let i = 0; i < k.sids.length; i++) if (sids.has(k.sids[i]) && k.opening.has(k.seqs[i])) found.push(k.seqs[i]);
  return found;
}

/** Every event up to this `seq` is in `subject_events`; the ones after it, the tail, are found through `tailSeqs`. */
export function indexedMark(sqlite: Database.Database): number {
  return (cached(sqlite, 'SELECT seq FROM subject_events_indexed WHERE one = 1').pluck().get() as number | undefined) ?? 0;
}
