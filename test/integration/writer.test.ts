// The server's writer thread: transactions on their own connection beside the main thread's, which reads
// queries and writes backlog samples and sessions. Nothing may fail for being concurrent, numbers must be
// the same as in one thread, and a dead thread must fail only what it was doing.
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../api/app';
import { loadConfig } from '../../api/config';
import { Checkpointer } from '../../api/ingest/checkpointer';
import { GroupCommit } from '../../api/ingest/group-commit';
import { validateEvents } from '../../api/events/parse';
import type { FloorEvent } from '../../api/events/schema';
import { WriterThread } from '../../api/ingest/writer';
import { sampleBacklog } from '../../api/live/backlog-sampler';
import { createRuntime } from '../../api/runtime';
import { generateHistory } from '../../api/sim/history';
import { openDb, type Db } from '../../db/open';
import { testApp } from '../helpers/app';
import { derivedTables } from '../helpers/derived';

const NOW = Date.now();
/**
 * The simulated history ends on a busy afternoon, whatever the hour the tests run at and the machine's zone: arrivals
 * follow the hour of day in the simulator's zone, here UTC's.
 */
const BUSY = Date.UTC(2026, 10, 24, 14);

function simulatedBatches(count: number, size: number): FloorEvent[][] {
  const raw = [...generateHistory({ from: BUSY - 6 * 3_600_000, to: BUSY - 60_000, seed: 11, ticketsPerHour: 400, idPrefix: 'w-', timezone: 'UTC' })].flat();
  if (raw.length < count * size) throw new Error(`the simulator made ${raw.length} events; ${count * size} needed`);
  const valid = validateEvents(raw.slice(0, count * size), NOW);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors.slice(0, 3)));
  const out: FloorEvent[][] = [];
  for (let i = 0; i < valid.events.length; i += size) out.push(valid.events.slice(i, i + size));
  return out;
}

let open: { db: Db; writer: WriterThread }[] = [];
function start(onReplayed?: () => void) {
  const path = join(mkdtempSync(join(tmpdir(), 'floorboard-writer-')), 'kpi.sqlite');
  const db = openDb(path);
  const writer = new WriterThread({ path }, onReplayed);
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

describe('writer thread trouble, as a sender sees it', () => {
  it('a thread that cannot start is retried ever more slowly, and a POST meanwhile gets 503 with Retry-After, and a resend message', async () => {
    // The thread cannot open a directory as its database: it fails at start, every time.
    const dir = mkdtempSync(join(tmpdir(), 'floorboard-writer-'));
    const t = testApp();
    const writer = new WriterThread({ path: dir });
    const app = createApp({ db: t.rt.db, config: loadConfig({ DATABASE_PATH: ':memory:', KPI_TIMEZONE: 'UTC' }), commits: new GroupCommit(writer), now: Date.now });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await new Promise((r) => setTimeout(r, 6000));
      // A failing start takes ~0.5 s here. Without the backoff a new thread starts as soon as one fails: 10 or
      // more in 6 s; with it, the waits between them double from 0.1 s, so 5 or 6.
      expect(writer.restarts).toBeLessThanOrEqual(6);
      // And it is tried again, however long each start takes: 1.3 to 3.5 s on a loaded machine, which saw one in 6 s.
      while (writer.restarts < 2) await new Promise((r) => setTimeout(r, 50));
      const [event] = simulatedBatches(1, 1)[0];
      const res = await app.request('/api/events', {
        method: 'POST',
        headers: { authorization: `Bearer ${t.tokens.ingest}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...event, at: new Date(event.at).toISOString() })
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(((await res.json()) as { message: string }).message).toMatch(/send (this batch|it) again/);
      // A monitor polling /api/health sees it too, with since when and why.
      const health = await app.request('/api/health', { headers: { authorization: `Bearer ${t.tokens.ingest}` } });
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ ok: false, failing: { since: expect.any(String), message: expect.stringMatching(/send (this batch|it) again/) } });
      // Senders retrying every few ms write each refusal to the log once a minute, not once a request.
      for (let i = 0; i < 5; i++)
        await app.request('/api/events', {
          method: 'POST',
          headers: { authorization: `Bearer ${t.tokens.ingest}`, 'content-type': 'application/json' },
          body: JSON.stringify({ ...event, at: new Date(event.at).toISOString() })
        });
      const refused = warnings.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('refused for now'));
      expect(refused.length).toBeGreaterThan(0);
      expect(refused, 'a refusal written twice').toEqual([...new Set(refused)]);
    } finally {
      await writer.close();
      errors.mockRestore();
      warnings.mockRestore();
      t.close();
    }
  }, 30_000);

  it('a thread replacing a dead one that finds the file damaged: each POST is told the file must be restored, not to send again in a few seconds, and the log says what to do once', async () => {
    const { path, db, writer } = start();
    const t = testApp();
    const app = createApp({ db: t.rt.db, config: loadConfig({ DATABASE_PATH: ':memory:', KPI_TIMEZONE: 'UTC' }), commits: new GroupCommit(writer), now: Date.now });
    const [stored, next] = simulatedBatches(2, 50);
    await writer.ingestBatches([stored]);
    // The events' root page garbled on disk, as a failing disk might, and the thread dies (out of memory, say).
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    const root = db.$client.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'events'").pluck().get() as number;
    const pageSize = db.$client.pragma('page_size', { simple: true }) as number;
    const bytes = readFileSync(path);
    bytes.fill(0xa5, (root - 1) * pageSize, root * pageSize);
    writeFileSync(path, bytes);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await (writer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      const post = () =>
        app.request('/api/events', {
          method: 'POST',
          headers: { authorization: `Bearer ${t.tokens.ingest}`, 'content-type': 'application/json' },
          body: JSON.stringify(next.map((e) => ({ ...e, at: new Date(e.at).toISOString() })))
        });
      for (let i = 0; i < 20 && writer.restarts < 3; i++) await new Promise((r) => setTimeout(r, 250));
      for (let i = 0; i < 3; i++) {
        const res = await post();
        expect(res.status).toBe(503);
        expect(((await res.json()) as { message: string }).message).toMatch(/database file is damaged.*restore it from a backup/);
      }
      const said = errors.mock.calls.map(([line]) => String(line)).filter((l) => l.includes('writer thread'));
      expect(said).toEqual([expect.stringMatching(/^The ingest writer thread cannot start\. Cannot open the database: .* is damaged \(.*\): restore it from a backup \(npm run restore -- --from <backup>\)/)]);
    } finally {
      errors.mockRestore();
      warnings.mockRestore();
      t.close();
    }
  }, 20_000);

  it('runs the backlog sampler once asked to, and a thread that replaces a dead one goes on sampling', async () => {
    const { db, writer } = start();
    await writer.ingestBatches(simulatedBatches(2, 100));
    const samples = () => db.$client.prepare('SELECT count(*) FROM backlog_samples').pluck().get() as number;
    // However long the thread that replaces it takes to start (up to 3.5 s on a loaded machine; 5 s was the limit).
    const until = async (ok: () => boolean) => {
      while (!ok()) await new Promise((r) => setTimeout(r, 50));
    };
    expect(samples()).toBe(0);
    writer.maintain();
    await until(() => samples() > 0);
    db.$client.exec('DELETE FROM backlog_samples');
    await (writer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await until(() => samples() > 0);
    expect(writer.restarts).toBe(1);
  });

  it('counts a ticket created ahead of the clock in the backlog once its time has come, by itself, and says so', async () => {
    const replayed: number[] = [];
    const { db, writer } = start(() => replayed.push(Date.now()));
    writer.maintain();
    // Two seconds ahead of the clock once the thread can take it: its start takes 1.3 to 3.5 s on a loaded machine,
    // and a time counted from before it had come by the commit, the ticket open at once.
    await writer.started;
    const at = Date.now() + 2_000;
    const valid = validateEvents([{ id: 'ahead-1', type: 'ticket.created', at, ticket: 'AH-1', channel: 'chat' }], Date.now());
    if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
    await writer.ingestBatches([valid.events]);
    const open = () => db.$client.prepare('SELECT count(*) FROM open_tickets').pluck().get() as number;
    expect(open()).toBe(0);
    while (Date.now() < at + 10_000 && open() === 0) await new Promise((r) => setTimeout(r, 100));
    expect(open()).toBe(1);
    // The writer thread replays it within about a second of its time, and tells the main thread (the live hub).
    expect(Date.now()).toBeGreaterThanOrEqual(at);
    for (let i = 0; i < 20 && !replayed.length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(replayed).toHaveLength(1);
    expect(replayed[0]).toBeGreaterThanOrEqual(at);
  });

  it('has a checkpointer thread copy committed events into the database file while the writer goes on', async () => {
    const { path, db, writer } = start();
    // The main file alone, without the WAL: what SQLite has checkpointed.
    const inFile = () => {
      const copy = join(mkdtempSync(join(tmpdir(), 'floorboard-ckpt-')), 'copy.sqlite');
      copyFileSync(path, copy);
      const file = new Database(copy);
      try {
        return file.prepare('SELECT count(*) FROM events').pluck().get() as number;
      } catch {
        return 0; // not even the schema yet
      } finally {
        file.close();
      }
    };
    const [batch] = simulatedBatches(1, 300);
    await writer.ingestBatches([batch]);
    // Far below the 16,000 WAL pages at which the writer would checkpoint: without the thread, nothing moves.
    await new Promise((r) => setTimeout(r, 1200));
    expect(inFile()).toBe(0);
    const checkpointer = new Checkpointer(path);
    try {
      let copied = 0;
      for (let i = 0; i < 50 && copied === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        copied = inFile();
      }
      expect(copied).toBe(db.$client.prepare('SELECT count(*) FROM events').pluck().get());
      expect(copied).toBeGreaterThan(250);
      // And the writer commits on while it runs.
      const more = simulatedBatches(2, 300)[1];
      expect((await writer.ingestBatches([more]))[0].accepted).toBeGreaterThan(0);
    } finally {
      await checkpointer.close();
    }
  });

  it('stores each event as the JSON text the in-process service stores, names in Chinese and emoji included', async () => {
    const { db, writer } = start();
    const at = NOW - 60_000;
    const raw = [
      { id: '工单-1', type: 'ticket.created', at, ticket: '工单-1', channel: 'chat', category: '冻结账户', team: '支付组', customer: 'Zoë 王' },
      { id: '工单-1-评分', type: 'ticket.rated', at: at + 1000, ticket: '工单-1', score: 5, comment: '谢谢 👍' },
      { id: 'st-1', type: 'agent.status', at, agent: 'wang.fang', name: '王芳', status: 'available', team: '支付组' }
    ];
    const valid = validateEvents(raw, NOW);
    if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
    expect(await writer.ingestBatches([valid.events.slice(0, 2), valid.events.slice(2)])).toEqual([
      { accepted: 2, duplicates: 0 },
      { accepted: 1, duplicates: 0 }
    ]);
    const stored = db.$client.prepare('SELECT id, typeof(body) AS kind, body FROM events ORDER BY seq').all();
    expect(stored).toEqual(valid.events.map((e) => ({ id: e.id, kind: 'text', body: JSON.stringify(e) })));
    // Read back as text by SQLite's JSON functions too (the agents board reads statuses so).
    expect(db.$client.prepare("SELECT body ->> '$.name' FROM events WHERE id = 'st-1'").pluck().get()).toBe('王芳');
  });

  it('folds the groups that wait into one transaction', async () => {
    const { db, writer } = start();
    const batches = simulatedBatches(40, 50);
    // Posted in one go, as the main thread does while a transaction runs: they share the next transactions.
    const answers = await Promise.all(batches.map((b) => writer.ingestBatches([b])));
    expect(answers.flat().reduce((n, r) => n + r.accepted + r.duplicates, 0)).toBe(2000);
    expect(writer.commits).toBeLessThanOrEqual(3);
    expect(db.$client.prepare('SELECT count(*) FROM events').pluck().get()).toBe(answers.flat().reduce((n, r) => n + r.accepted, 0));
  });
});
