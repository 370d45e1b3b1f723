// Replay loads a subject that is not in memory through subject_events, which is written in arrears: the
// newest events are known only to the ingest service that stored them. A service that stops (or crashes)
// with such a tail leaves it to the next one, which must index it before replaying anything.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateEvents } from '../../api/events/parse';
import { createRuntime } from '../../api/runtime';
import { generateHistory } from '../../api/sim/history';
import { derivedTables } from '../helpers/derived';

const TO = Date.parse('2026-11-24T12:00:00Z');

// Arrivals follow the hour of day in the simulator's zone: UTC's, not the machine's, whose night it may be.
function dayOfEvents() {
  const raw = [...generateHistory({ from: TO - 6 * 3_600_000, to: TO, seed: 3, ticketsPerHour: 60, idPrefix: 'si-', timezone: 'UTC' })].flat();
  const r = validateEvents(raw, TO);
  if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
  return r.events;
}

const inBatches = <T>(items: T[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

describe('the subject index written in arrears', () => {
  // Remembering 5 subjects, most replays load from disk; remembering the default, a restarted service still
  // knows nothing of the subjects the stopped one numbered, and must load each of them once. A pass of 200
  // events indexes them in statements of 128, 64 and 8 rows, one of 700 in one of 500 and then the same.
  it.each([
    [5, 200],
    [50_000, 200],
    [5, 700]
  ])('a restarted service (memo of %s subjects, passes every %s events) replays old subjects with the events the stopped one left unindexed', (memoSubjects, tailLimit) => {
    const events = dayOfEvents();
    expect(events.length).toBeGreaterThan(1000);
    const half = Math.floor(events.length / 2);
    const path = join(mkdtempSync(join(tmpdir(), 'fb-subject-index-')), 'kpi.sqlite');

    // First run: passes every `tailLimit` events or so, and it stops with a tail that no pass indexed: its
    // last batch, of 10, is too short to start a pass of its own, whether or not the batch before it ended one.
    const first = createRuntime({ DATABASE_PATH: path }, () => TO, { tailLimit, memoSubjects: 20 });
    for (const b of [...inBatches(events.slice(0, half - 10), 37), events.slice(half - 10, half)]) first.ingest.ingest(b);
    const sqlite = first.db.$client;
    const indexedTo = sqlite.prepare('SELECT seq FROM subject_events_indexed').pluck().get() as number;
    expect(indexedTo).toBeGreaterThan(0);
    expect(sqlite.prepare('SELECT count(*) FROM events WHERE seq > ?').pluck().get(indexedTo)).toBeGreaterThan(0);
    sqlite.close();

    // Second run: its replays load old subjects from disk, tail included.
    const second = createRuntime({ DATABASE_PATH: path }, () => TO, { memoSubjects });
    for (const b of inBatches(events.slice(half), 53)) second.ingest.ingest(b);

    const reference = createRuntime({ DATABASE_PATH: ':memory:' }, () => TO);
    reference.ingest.ingest(events);
    expect(derivedTables(second.db.$client)).toEqual(derivedTables(reference.db.$client));
    second.ingest.rebuild();
    expect(derivedTables(second.db.$client)).toEqual(derivedTables(reference.db.$client));
    second.db.$client.close();
    reference.db.$client.close();
  });
});
