// The one path of an event after validation: store it, replay what it touches, roll up the difference,
// all in one transaction. Publishing happens after commit, by the caller (see group-commit.ts).
import type Database from 'better-sqlite3';
import type { CallbackEvent, FloorEvent, TicketEvent } from '../events/schema';
import { replayCallback, replayTicket, type Fact, type TargetLookup } from '../kpi/replay';
import { agentStatements, noteAgents, refreshAgentStatus } from './agents';
import { RollupDelta } from './rollup-delta';
import { subjectOf } from './subjects';

export interface BatchResult {
  accepted: number;
  duplicates: number;
}

type StoredFact = Fact & { id: number };

const FACT_FIELDS = 'kind, at, team, channel, priority, category, agent, value, flag, flag2';
const factKey = (f: Fact) => `${f.kind}|${f.at}|${f.team}|${f.channel}|${f.priority}|${f.category}|${f.agent}|${f.value}|${f.flag}|${f.flag2}`;

function prepare(sqlite: Database.Database) {
  return {
    insertEvent: sqlite.prepare('INSERT OR IGNORE INTO events (id, type, at, subject, body, received_at) VALUES (?, ?, ?, ?, ?, ?)'),
    subjectEvents: sqlite.prepare('SELECT body FROM events WHERE subject = ?').pluck(),
    facts: sqlite.prepare(`SELECT id, ${FACT_FIELDS} FROM facts WHERE subject = ?`),
    deleteFact: sqlite.prepare('DELETE FROM facts WHERE id = ?'),
    insertFact: sqlite.prepare(`INSERT INTO facts (subject, ${FACT_FIELDS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    upsertTicket: sqlite.prepare(
      `INSERT OR REPLACE INTO tickets (ticket, created_at, channel, category, priority, team, assignee, state, first_response_at, unattended_since)
       VALUES (@ticket, @createdAt, @channel, @category, @priority, @team, @assignee, @state, @firstResponseAt, @unattendedSince)`
    ),
    upsertCallback: sqlite.prepare(
      `INSERT OR REPLACE INTO callbacks (callback, scheduled_at, due, team, agent, reason, ticket, state)
       VALUES (@callback, @scheduledAt, @due, @team, @agent, @reason, @ticket, @state)`
    ),
    agents: agentStatements(sqlite)
  };
}

export type IngestService = ReturnType<typeof createIngestService>;

export function createIngestService(sqlite: Database.Database, opts: { targetSec: TargetLookup; now: () => number }) {
  const s = prepare(sqlite);

  /** Replaces a subject's stored facts with `next`, touching only what differs, and records the rollup delta. */
  function applyFacts(subject: string, next: Fact[], delta: RollupDelta): void {
    const old = new Map<string, StoredFact[]>();
    for (const f of s.facts.all(subject) as StoredFact[]) {
      const k = factKey(f);
      const list = old.get(k);
      if (list) list.push(f);
      else old.set(k, [f]);
    }
    for (const f of next) {
      const same = old.get(factKey(f));
      if (same && same.length) {
        same.pop();
        continue;
      }
      s.insertFact.run(subject, f.kind, f.at, f.team, f.channel, f.priority, f.category, f.agent, f.value, f.flag, f.flag2);
      delta.add(f, 1);
    }
    for (const list of old.values())
      for (const f of list) {
        s.deleteFact.run(f.id);
        delta.add(f, -1);
      }
  }

  function replaySubject(subject: string, delta: RollupDelta): void {
    const kind = subject[0];
    if (kind === 'a') return refreshAgentStatus(s.agents, subject.slice(2));
    const events = (s.subjectEvents.all(subject) as string[]).map((b) => JSON.parse(b) as FloorEvent);
    if (kind === 't') {
      const r = replayTicket(events as TicketEvent[], opts.targetSec);
      if (!r) return;
      applyFacts(subject, r.facts, delta);
      s.upsertTicket.run(r.state);
    } else {
      const r = replayCallback(events as CallbackEvent[]);
      if (!r) return;
      applyFacts(subject, r.facts, delta);
      s.upsertCallback.run(r.state);
    }
  }

  /** Stores and replays several batches in ONE transaction; returns each batch's counts. Atomic as a whole. */
  const ingestBatches = sqlite.transaction((batches: readonly (readonly FloorEvent[])[]): BatchResult[] => {
    const receivedAt = opts.now();
    const dirty = new Set<string>();
    const results = batches.map((batch) => {
      let accepted = 0;
      for (const e of batch) {
        const subject = subjectOf(e);
        const { changes } = s.insertEvent.run(e.id, e.type, e.at, subject, JSON.stringify(e), receivedAt);
        if (changes === 0) continue;
        accepted++;
        dirty.add(subject);
        noteAgents(s.agents, e);
      }
      return { accepted, duplicates: batch.length - accepted };
    });
    const delta = new RollupDelta();
    for (const subject of dirty) replaySubject(subject, delta);
    delta.flush(sqlite);
    return results;
  });

  /** Recomputes every fact, rollup and current-state row from the stored events. */
  const rebuild = sqlite.transaction((onProgress?: (done: number, total: number) => void) => {
    sqlite.exec('DELETE FROM facts; DELETE FROM rollups; DELETE FROM tickets; DELETE FROM callbacks; DELETE FROM agents;');
    // In pages: better-sqlite3 cannot write while a read cursor is open on the same connection.
    const page = sqlite.prepare('SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT 10000');
    for (let after = 0, rows: { seq: number; body: string }[]; (rows = page.all(after) as typeof rows).length; after = rows[rows.length - 1].seq)
      for (const r of rows) noteAgents(s.agents, JSON.parse(r.body) as FloorEvent);
    const subjects = sqlite.prepare('SELECT DISTINCT subject FROM events').pluck().all() as string[];
    let delta = new RollupDelta();
    subjects.forEach((subject, i) => {
      replaySubject(subject, delta);
      // Flush now and then so memory stays bounded on big databases.
      if (delta.size > 50_000) {
        delta.flush(sqlite);
        delta = new RollupDelta();
      }
      if (onProgress && i % 10_000 === 0) onProgress(i, subjects.length);
    });
    delta.flush(sqlite);
    onProgress?.(subjects.length, subjects.length);
  });

  return { ingestBatches, ingest: (events: readonly FloorEvent[]) => ingestBatches([events])[0], rebuild };
}
