// The server's writer thread: transactions on their own connection beside the main thread's, which reads
// queries and writes backlog samples and sessions. Nothing may fail for being concurrent, numbers must be
// the same as in one thread, and a dead thread must fail only what it was doing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateEvents } from '../../api/events/parse';
import type { FloorEvent } from '../../api/events/schema';
import { WriterThread } from '../../api/ingest/writer';
import { sampleBacklog } from '../../api/live/backlog-sampler';
import { createRuntime } from '../../api/runtime';
import { generateHistory } from '../../api/sim/history';
import { openDb, type Db } from '../../db/open';
import { derivedTables } from '../helpers/derived';

const NOW = Date.now();

function simulatedBatches(count: number, size: number): FloorEvent[][] {
  const raw = [...generateHistory({ from: NOW - 6 * 3_600_000, to: NOW - 60_000, seed: 11, ticketsPerHour: 400, idPrefix: 'w-' })].flat();
  const valid = validateEvents(raw.slice(0, count * size), NOW);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors.slice(0, 3)));
  const out: FloorEvent[][] = [];
  for (let i = 0; i < valid.events.length; i += size) out.push(valid.events.slice(i, i + size));
  return out;
}

let open: { db: Db; writer: WriterThread }[] = [];
function start() {
  const path = join(mkdtempSync(join(tmpdir(), 'floorboard-writer-')), 'kpi.sqlite');
  const db = openDb(path);
  const writer = new WriterThread({ path });
  open.push({ db, writer });
  return { path, db, writer };
}
afterEach(async () => {
  for (const { db, writer } of open) {
    await writer.close();
    db.$client.close();
  }
  open = [];
});

describe('writer thread', () => {
  it('commits while the main connection samples the backlog every moment, and nobody gets SQLITE_BUSY', async () => {
    const { db, writer } = start();
    const batches = simulatedBatches(60, 100);
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      // A deferred transaction here (read the backlog, then write the sample) would fail at once whenever the
      // writer committed in between; sampling as often as possible makes that race near certain.
      while (sampling) {
        sampleBacklog(db.$client, NOW + samples * 60_000);
        samples++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const results = [];
    for (const b of batches) results.push(await writer.ingestBatches([b]));
    sampling = false;
    await sampler;
    expect(samples).toBeGreaterThan(20);
    expect(results.flat().reduce((n, r) => n + r.accepted + r.duplicates, 0)).toBe(60 * 100);

    // The same events in one thread give the same facts, rollups and current state.
    const local = createRuntime({ DATABASE_PATH: ':memory:' });
    for (const b of batches) local.ingest.ingest(b);
    expect(derivedTables(db.$client)).toEqual(derivedTables(local.db.$client));
    local.db.$client.close();
  });

  it('fails the batch a dying thread held with a message that says to resend, never stores half of it, and a fresh thread goes on', async () => {
    const { db, writer } = start();
    const [first, second, third] = simulatedBatches(3, 200);
    await writer.ingestBatches([first]);
    const held = writer.ingestBatches([second]);
    // What an out-of-memory crash or a native fault would do to the thread.
    await (writer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await expect(held).rejects.toThrow(/writer thread stopped .* before confirming this batch; send it again/);
    const stored = () => db.$client.prepare('SELECT count(*) FROM events').pluck().get();
    // The simulator repeats a few ids, as real webhooks do: count distinct events.
    const distinct = (...bs: FloorEvent[][]) => new Set(bs.flat().map((e) => e.id)).size;
    const afterFirst = (await writer.ingestBatches([first]))[0];
    expect(afterFirst).toEqual({ accepted: 0, duplicates: first.length });
    // The second batch may have committed just before the thread died; it is then there once, never half.
    expect([distinct(first), distinct(first, second)]).toContain(stored());
    await writer.ingestBatches([second, third]);
    expect(stored()).toBe(distinct(first, second, third));
  });

  it('closes its connection on close(), so the main one can truncate the WAL', async () => {
    const { db, writer } = start();
    await writer.ingestBatches(simulatedBatches(2, 100));
    await writer.close();
    const [row] = db.$client.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[];
    expect(row).toMatchObject({ busy: 0, log: 0 });
  });
});
