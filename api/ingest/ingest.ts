// The one path of an event after validation: store it, replay what it touches, roll up the difference,
// all in one transaction. Publishing happens after commit, by the caller (see group-commit.ts).
import type Database from 'better-sqlite3';
import type { CallbackEvent, FloorEvent, TicketEvent } from '../events/schema';
import { replayCallback, replayTicket, type CallbackState, type Fact, type TargetLookup, type TicketState } from '../kpi/replay';
import { slaLookup } from '../kpi/sla-policies';
import { slaPolicyVersions } from '../queries/getSlaPolicies';
import { agentStore } from './agents';
import { markDerived, markIfEmpty } from './derived-rules';
import { eventRecord, parseEventRecord } from './event-record';
import { NO_ROW, backlogRows, type NoRow } from './backlog-rows';
import { FACT_FIELDS, factRows } from './fact-rows';
import { Lru } from './lru';
import { compactRollups } from './rollup-compaction';
import { RollupWriter } from './rollup-delta';
import { subjectIndex } from './subject-index';
import { subjectOf } from './subjects';
import { Upcoming } from './upcoming';

/** Each event's JSON text, batch by batch, as `JSON.stringify` gives it. */
export type Bodies = readonly (readonly string[])[];

export interface BatchResult {
  accepted: number;
  duplicates: number;
}

/** The stages of a rebuild, in order: events read (for the agents they name), subjects replayed, hours, days and weeks summed. */
export type RebuildStage = 'events' | 'subjects' | 'rollups';
/** Told how far a rebuild is: `done` of `total` in `stage`. */
export type RebuildProgress = (done: number, total: number, stage: RebuildStage) => void;

/** A fact as stored: with its row id. */
type StoredFact = Fact & { id: number };

/** A subject as the service knows it: its number, and its memo while it is active. One map holds both. */
interface Subject {
  subject: string;
  sid: number;
  memo: SubjectMemo | null;
  /** When a transaction last stored events of it (the server's clock), to let its memo go once it is idle. */
  touched: number;
}

/**
 * A memo no transaction has used for this long is let go (the subject's number stays), and read back should the
 * subject come again (a late rating, a reopening). Kept until the LRU dropped them, the memos of 50,000–100,000
 * subjects held a writer thread at 550–715 MB after six weeks at the demo's rate, most of them tickets closed weeks
 * before; now they are at most those of the last two hours.
 */
const MEMO_IDLE_MS = 2 * 3_600_000;
/** How often the idle memos are looked for: at the first transaction this long after the last look. */
const MEMO_SWEEP_EVERY_MS = 60_000;

/** What replay needs of a subject, kept in memory while the subject is active so it is not read back. */
interface SubjectMemo {
  events: FloorEvent[];
  facts: StoredFact[];
  /** The state as last written (backlog-rows.ts), to skip rewriting an unchanged row; NO_ROW when the subject has none, null when not known. */
  state: TicketState | CallbackState | NoRow | null;
}

function anyAfter(events: readonly FloorEvent[], at: number): boolean {
  for (const e of events) if (e.at > at) return true;
  return false;
}

/** The time of the first of `events` stamped after `at`, or null. */
function firstAfter(events: readonly FloorEvent[], at: number): number | null {
  let first: number | null = null;
  for (const e of events) if (e.at > at && (first === null || e.at < first)) first = e.at;
  return first;
}

const factKey = (f: Fact) => `${f.kind}|${f.at}|${f.team}|${f.channel}|${f.priority}|${f.category}|${f.agent}|${f.value}|${f.flag}|${f.flag2}`;
const sameFact = (a: Fact, b: Fact) =>
  a.at === b.at && a.kind === b.kind && a.agent === b.agent && a.value === b.value && a.flag === b.flag && a.flag2 === b.flag2 &&
  a.team === b.team && a.priority === b.priority && a.channel === b.channel && a.category === b.category;
/** Current-state rows are flat records of strings, numbers and nulls. */
function sameState(a: object | NoRow | null, b: object): boolean {
  if (a === null || a === NO_ROW) return false;
  for (const k in b) if ((a as Record<string, unknown>)[k] !== (b as Record<string, unknown>)[k]) return false;
  return true;
}

function prepare(sqlite: Database.Database) {
  return {
    insertEvent: sqlite.prepare('INSERT OR IGNORE INTO events (id, type, at, sid, body, received_at) VALUES (?, ?, ?, ?, ?, ?)'),
    findSubject: sqlite.prepare('SELECT sid FROM subjects WHERE subject = ?').pluck(),
    // A subject not in memory is new far more often than stored: one statement numbers it, or finds it was.
    insertSubject: sqlite.prepare('INSERT INTO subjects (subject) VALUES (?) ON CONFLICT (subject) DO NOTHING'),
    factsAt: sqlite.prepare(`SELECT id, ${FACT_FIELDS} FROM facts WHERE at = ? AND subject = ?`),
    deleteFact: sqlite.prepare('DELETE FROM facts WHERE id = ?')
  };
}

export type IngestService = ReturnType<typeof createIngestService>;

/**
 * `targetSec`: the first-response targets, fixed (tests); without it, the SLA policies stored in the database
 * (api/kpi/sla-policies.ts), read again at the next transaction after `slaPoliciesChanged()`.
 */
export function createIngestService(
  sqlite: Database.Database,
  opts: { targetSec?: TargetLookup; now: () => number; memoSubjects?: number; tailLimit?: number; memoIdleMs?: number }
) {
  const s = prepare(sqlite);
  const rollups = new RollupWriter(sqlite, opts.now);
  const agents = agentStore(sqlite);
  const backlog = backlogRows(sqlite);
  const newFacts = factRows(sqlite);
  const index = subjectIndex(sqlite, opts.tailLimit);
  const subjects = new Lru<string, Subject>(opts.memoSubjects ?? 50_000);
  const upcoming = new Upcoming();
  upcoming.load(sqlite);
  markIfEmpty(sqlite);
  const memoIdleMs = opts.memoIdleMs ?? MEMO_IDLE_MS;
  let lastSweep = -Infinity;
  const storedTargets = () => slaLookup(slaPolicyVersions(sqlite));
  let targetSec = opts.targetSec ?? storedTargets();
  /** An admin saved a version since the policies were read: read again before the next replay. */
  let policiesChanged = false;

  /** Lets go the memos of subjects idle for `memoIdleMs`, once a MEMO_SWEEP_EVERY_MS at most. */
  function sweepIdleMemos(now: number): void {
    // After NTP set the clock back, the next look is counted from the new time.
    if (now - lastSweep < MEMO_SWEEP_EVERY_MS && now >= lastSweep) return;
    lastSweep = now;
    for (const known of subjects.values()) if (known.memo !== null && known.touched < now - memoIdleMs) known.memo = null;
  }

  /** The subject, numbered the first time it is seen. */
  function subjectNamed(subject: string): Subject {
    let known = subjects.get(subject);
    if (known === undefined) {
      const inserted = s.insertSubject.run(subject);
      const sid = inserted.changes ? Number(inserted.lastInsertRowid) : (s.findSubject.get(subject) as number);
      // Nothing is stored about a subject seen for the first time: its memo starts empty instead of being
      // read back (a third of the events of a busy day start a ticket or a callback), and it has no
      // current-state row to delete should its first replay leave it closed.
      const memo: SubjectMemo | null = inserted.changes && subject[0] !== 'a' ? { events: [], facts: [], state: NO_ROW } : null;
      subjects.set(subject, (known = { subject, sid, memo, touched: 0 }));
    }
    return known;
  }

  /**
   * Loads a subject not in memory: its stored events, and its stored facts found by their times. Every fact
   * stands at one of the subject's event times (clamped to t0 for tickets), so `stored` (the events as of
   * the last commit) names every time to look at.
   */
  function loadMemo({ subject, sid }: Subject, fresh: readonly FloorEvent[]): SubjectMemo {
    const events = index.bodies(sid).map(parseEventRecord);
    const freshIds = new Set(fresh.map((e) => e.id));
    const stored = events.filter((e) => !freshIds.has(e.id));
    // Loops, not spread arguments: a subject may have hundreds of thousands of events (a flood of webhooks),
    // more than a call takes arguments (RangeError), which failed every later batch naming it.
    let t0 = Infinity;
    if (subject[0] === 't') for (const e of stored) if (e.type === 'ticket.created' && e.at < t0) t0 = e.at;
    if (t0 === Infinity) t0 = -Infinity;
    const times = new Set(stored.map((e) => Math.max(e.at, t0)));
    const facts: StoredFact[] = [];
    for (const at of times) for (const f of s.factsAt.all(at, subject) as StoredFact[]) facts.push(f);
    return { events, facts, state: null };
  }

  /** Replaces a subject's stored facts with `next`, touching only what differs, and rolls up the difference. */
  function applyFacts(subject: string, memo: SubjectMemo, next: Fact[]): void {
    // Usually a lifecycle only grows: the old facts are the new ones' prefix, matched in order without a map.
    let same = 0;
    while (same < memo.facts.length && same < next.length && sameFact(memo.facts[same], next[same])) same++;
    if (same === memo.facts.length && same === next.length) return;
    const kept: StoredFact[] = memo.facts.slice(0, same);
    const old = new Map<string, StoredFact[]>();
    for (let i = same; i < memo.facts.length; i++) {
      const f = memo.facts[i];
      const k = factKey(f);
      const list = old.get(k);
      if (list) list.push(f);
      else old.set(k, [f]);
    }
    // When the old facts are all kept, the rest of `next` is new: no keys to build.
    const unmatched = same < memo.facts.length;
    for (let i = same; i < next.length; i++) {
      const f = next[i];
      const match = unmatched ? old.get(factKey(f)) : undefined;
      if (match && match.length) {
        kept.push(match.pop()!);
        continue;
      }
      // Replay made `f` for this call alone, so it can become the stored fact itself.
      const stored = f as StoredFact;
      stored.id = newFacts.add(subject, f);
      kept.push(stored);
      rollups.add(f, 1);
    }
    for (const list of old.values())
      for (const f of list) {
        s.deleteFact.run(f.id);
        rollups.add(f, -1);
      }
    memo.facts = kept;
  }

  /** Replays a subject with its `fresh` events added: its facts, and its current state as of `asOf`. */
  function replaySubject(known: Subject, fresh: FloorEvent[], asOf: number, load: (known: Subject, fresh: readonly FloorEvent[]) => SubjectMemo = loadMemo): void {
    const { subject } = known;
    const kind = subject[0];
    if (kind === 'a') {
      // Its status events ahead of `asOf`: noted before (stored), or among those just come.
      const ahead = upcoming.has(subject) || anyAfter(fresh, asOf);
      return upcoming.note(subject, agents.refreshStatus(subject.slice(2), known.sid, asOf, ahead));
    }
    const cached = known.memo;
    // A memo loaded now already holds the fresh events (they were just inserted); a cached one gets them added.
    const memo = cached ?? (known.memo = load(known, fresh));
    if (cached) for (const e of fresh) memo.events.push(e);
    const r = kind === 't' ? replayTicket(memo.events as TicketEvent[], targetSec, asOf) : replayCallback(memo.events as CallbackEvent[], asOf);
    // Replayed again when its first event after `asOf` comes: its state may change then (replay's `changesAt` is
    // never earlier), and the team an assignment or a schedule gives an agent counts from then (agents.note),
    // whether or not the ticket or callback exists yet. `changesAt` is null only when no event lies after
    // `asOf`, so the usual replay (nothing ahead of the clock) does not scan its events for one.
    upcoming.note(subject, r && r.changesAt === null ? null : firstAfter(memo.events, asOf));
    if (!r) return;
    applyFacts(subject, memo, r.facts);
    if (sameState(memo.state, r.state)) return;
    const before = memo.state;
    memo.state = r.state;
    if (kind === 't') backlog.ticket(known.sid, before as TicketState | NoRow | null, r.state as TicketState);
    else backlog.callback(known.sid, before as CallbackState | NoRow | null, r.state as CallbackState);
  }

  /** Writes the rows queued by replay (new facts, backlog rows, rollup rows): before a commit, or now and then in a rebuild. */
  function writeQueued(): void {
    newFacts.flush();
    backlog.flush();
    rollups.flush();
  }

  /**
   * Starts a transaction's replays: the SLA policies read again if a version was saved, the subject index's pass
   * and the numbering of new facts. Read inside the transaction: should reading fail, so does the transaction,
   * and the next one reads again; no event is ever judged by a list older than the last save announced.
   */
  function beginReplays(): void {
    if (policiesChanged && !opts.targetSec) targetSec = storedTargets();
    policiesChanged = false;
    index.begin();
    newFacts.begin();
  }

  /** Ends them before the commit: the queued rows written, the subject index's pass closed. */
  function endReplays(): void {
    writeQueued();
    index.end();
  }

  /** After a rollback or a rebuild: memory may hold what the database does not. */
  function forget(): void {
    subjects.clear();
    backlog.forget();
    rollups.forget();
    newFacts.forget();
    agents.forget();
    index.forget();
    // A rolled-back replay may have dropped the note of a stored event. Should reading fail too (the failure
    // that rolled back may be the disk's), the notes stay as they are, and the caller hears the first error.
    try {
      upcoming.load(sqlite);
    } catch {}
  }

  const transact = sqlite.transaction((batches: readonly (readonly FloorEvent[])[], bodies: Bodies | undefined): BatchResult[] => {
    const receivedAt = opts.now();
    sweepIdleMemos(receivedAt);
    beginReplays();
    // Each subject this transaction stored events of, with them. It holds the subject itself too, memo and all,
    // whatever the LRU evicts meanwhile.
    const dirty = new Map<string, { known: Subject; fresh: FloorEvent[] }>();
    const results = batches.map((batch, b) => {
      let accepted = 0;
      for (let i = 0; i < batch.length; i++) {
        const e = eventRecord(batch[i]);
        const subject = subjectOf(e);
        const touched = dirty.get(subject);
        const known = touched ? touched.known : subjectNamed(subject);
        const { changes, lastInsertRowid } = s.insertEvent.run(e.id, e.type, e.at, known.sid, bodies?.[b][i] ?? JSON.stringify(batch[i]), receivedAt);
        if (changes === 0) continue;
        index.inserted(known.sid, Number(lastInsertRowid));
        accepted++;
        if (touched) touched.fresh.push(e);
        else dirty.set(subject, { known, fresh: [e] });
        agents.note(e, receivedAt);
      }
      return { accepted, duplicates: batch.length - accepted };
    });
    for (const { known, fresh } of dirty.values()) {
      known.touched = receivedAt;
      replaySubject(known, fresh, receivedAt);
    }
    endReplays();
    return results;
  });

  /** Replays again, in one transaction, the subjects whose events stamped ahead of the clock have come by `now`. */
  const replayUpcoming = sqlite.transaction((due: readonly [string, number][], now: number) => {
    beginReplays();
    for (const [subject, from] of due) {
      const known = subjectNamed(subject);
      known.touched = now;
      replaySubject(known, [], now);
      // The teams and names its events give agents, now that their time has come: a ticket's or callback's
      // events are in the memo replay just used; of an agent's (agents keep no memo), those that came due.
      if (known.memo) for (const e of known.memo.events) agents.note(e, now);
      else agents.noteCome(known.sid, from, now);
    }
    endReplays();
  });

  /**
   * Brings the backlog up to `now` for events that were stamped ahead of the clock when they came. Run every
   * second between transactions (maintenance.ts); returns how many subjects it replayed.
   */
  function replayDue(now: number): number {
    const due = upcoming.due(now);
    if (due.length === 0) return 0;
    try {
      replayUpcoming.immediate(due, now);
    } catch (err) {
      forget();
      throw err;
    }
    return due.length;
  }

  /**
   * Stores and replays several batches in ONE transaction; returns each batch's counts. Atomic as a whole.
   * `bodies`, when the caller has them, are the events' JSON texts (stored as they are).
   */
  function ingestBatches(batches: readonly (readonly FloorEvent[])[], bodies?: Bodies): BatchResult[] {
    try {
      // IMMEDIATE takes the write lock first. Another connection (the server's main thread, `npm run rebuild`)
      // may commit between a deferred transaction's first read and its first write, which then fails at once.
      return transact.immediate(batches, bodies);
    } catch (err) {
      // The transaction rolled back: memory may hold what was never committed.
      forget();
      throw err;
    }
  }

  /** A subject's memo once every fact and current-state row was deleted: its stored events, and nothing else to look up. */
  function cleared({ sid }: Subject): SubjectMemo {
    return { events: index.bodies(sid).map(parseEventRecord), facts: [], state: NO_ROW };
  }

  /** Recomputes every fact, rollup and current-state row from the stored events, saying how far each stage is. */
  const rebuildAll = sqlite.transaction((onProgress?: RebuildProgress) => {
    forget();
    // The policies as stored now, as the incremental path has them: a rebuild then equals it.
    policiesChanged = true;
    const asOf = opts.now();
    beginReplays();
    sqlite.exec('DELETE FROM facts; DELETE FROM rollups; DELETE FROM rollup_stale; DELETE FROM open_tickets; DELETE FROM pending_callbacks; DELETE FROM agents;');
    // In pages: better-sqlite3 cannot write while a read cursor is open on the same connection.
    const page = sqlite.prepare('SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT 10000');
    const events = sqlite.prepare('SELECT count(*) FROM events').pluck().get() as number;
    let read = 0;
    onProgress?.(0, events, 'events');
    for (let after = 0, rows: { seq: number; body: string }[]; (rows = page.all(after) as typeof rows).length; after = rows[rows.length - 1].seq) {
      for (const r of rows) agents.note(parseEventRecord(r.body), asOf);
      read += rows.length;
      if (onProgress && (read % 100_000 < rows.length || read === events)) onProgress(read, events, 'events');
    }
    const all = sqlite.prepare('SELECT subject, sid FROM subjects ORDER BY sid').all() as { subject: string; sid: number }[];
    all.forEach(({ subject, sid }, i) => {
      // Each subject is replayed once, so it is not kept: memory stays bounded on big databases.
      replaySubject({ subject, sid, memo: null, touched: asOf }, [], asOf, cleared);
      // Write now and then, for the same reason.
      if (rollups.pending > 50_000) rollups.flush();
      if (i % 50_000 === 0) backlog.flush();
      if (onProgress && i % 10_000 === 0) onProgress(i, all.length, 'subjects');
    });
    writeQueued();
    onProgress?.(all.length, all.length, 'subjects');
    // Every hour, day and week is stale now: summed in rounds, a twentieth or so at a time, to say how far it is.
    const stale = sqlite.prepare('SELECT count(*) FROM rollup_stale').pluck().get() as number;
    const round = Math.max(500, Math.ceil(stale / 20));
    onProgress?.(0, stale, 'rollups');
    for (let left = stale; left > 0; ) {
      const next = compactRollups(sqlite, { maxBuckets: round }).left;
      // A round that summed nothing would sum nothing again: what is left is read from finer rows meanwhile.
      if (next >= left) break;
      left = next;
      onProgress?.(stale - left, stale, 'rollups');
    }
    markDerived(sqlite);
  });

  function rebuild(onProgress?: RebuildProgress): void {
    try {
      rebuildAll.immediate(onProgress);
    } finally {
      forget();
    }
  }

  /** Subjects whose memo is held now (tests read it). */
  const memoized = () => {
    let n = 0;
    for (const known of subjects.values()) if (known.memo !== null) n++;
    return n;
  };

  /**
   * An admin saved an SLA policy version (on another connection, or this one): the next transaction reads them
   * again before it replays anything. The caller says so right after the save's commit, before any batch
   * validated after it can reach this service (routes/sla-policies.ts says why that is enough).
   */
  const slaPoliciesChanged = () => void (policiesChanged = true);

  return { ingestBatches, ingest: (events: readonly FloorEvent[]) => ingestBatches([events])[0], rebuild, replayDue, memoized, slaPoliciesChanged };
}
