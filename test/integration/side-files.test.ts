// The database file, its -wal or its -shm deleted under a running server (by hand, or by a cleaner of old files in /tmp such as
// systemd-tmpfiles): the server would write on into files no other program sees. A monitor polling /api/health is told
// so and what to do, batches are refused, and nothing acknowledged is lost (side-files-crash.test.ts: nor at a crash).
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { postEvents, startServer, TEST_INGEST_TOKEN } from '../helpers/server';

const batch = (prefix: string) =>
  Array.from({ length: 20 }, (_, i) => ({ id: `${prefix}-${i}`, type: 'ticket.created', at: Date.now() - 60_000, ticket: `${prefix}-T${i}`, channel: 'chat' }));

const scratchDir = () => realpathSync(mkdtempSync(join(tmpdir(), 'floorboard-side-')));

/** Runs `check` against a server started again on `path`, then stops it. */
async function afterRestart(path: string, check: (url: string) => Promise<void>): Promise<void> {
  const again = await startServer({ dbPath: path });
  try {
    await check(again.url);
  } finally {
    await again.kill();
  }
}

async function health(url: string) {
  const res = await fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } });
  return { status: res.status, body: (await res.json()) as { ok: boolean; failing?: { since: string; message: string } } };
}

describe('the -wal or -shm deleted under a running server', () => {
  for (const side of ['-wal', '-shm'])
    it(`${side}: /api/health answers 503 naming the file and to restart the server; batches are refused from then on, and a stop keeps every acknowledged event`, async () => {
      const path = join(scratchDir(), 'kpi.sqlite');
      const server = await startServer({ dbPath: path });
      try {
        expect((await postEvents(server.url, batch('a'))).status).toBe(200);
        expect((await health(server.url)).status).toBe(200);
        rmSync(`${path}${side}`);
        expect((await postEvents(server.url, batch('b'))).status).toBe(200);
        const told = await health(server.url);
        expect(told.status).toBe(503);
        expect(told.body.ok).toBe(false);
        expect(told.body.failing?.message).toContain(`${path}${side} was deleted while the server ran`);
        expect(told.body.failing?.message).toContain('stop and start the server');
        expect(server.output()).toContain(`${path}${side} was deleted while the server ran`);
        const refused = await postEvents(server.url, batch('c'));
        expect(refused.status).toBe(503);
        expect((refused.body as { message?: string }).message).toContain('Batches are refused from then on');
      } finally {
        expect(await server.kill()).toBe(0);
      }
      const sqlite = new Database(path, { readonly: true });
      expect(sqlite.prepare('SELECT count(*) FROM events').pluck().get()).toBe(40);
      sqlite.close();
      // Started again, it has its files back, and says nothing is wrong.
      await afterRestart(path, async (url) => {
        expect((await health(url)).status).toBe(200);
      });
    }, 60_000);

  it('the database file itself: batches are refused with 503 saying so (their senders keep them), what the server held is copied back to its name, and a restart opens it with every acknowledged event', async () => {
    const path = join(scratchDir(), 'kpi.sqlite');
    const server = await startServer({ dbPath: path });
    try {
      expect((await postEvents(server.url, batch('a'))).status).toBe(200);
      rmSync(path);
      const told = await health(server.url);
      expect(told.status).toBe(503);
      expect(told.body.failing?.message).toContain(`${path} was deleted while the server ran`);
      const refused = await postEvents(server.url, batch('b'));
      expect(refused.status).toBe(503);
      expect((refused.body as { message?: string }).message).toContain('Batches are refused from then on');
      await until(() => server.output().includes(`${path} is copied back`));
    } finally {
      expect(await server.kill()).toBe(0);
    }
    await afterRestart(path, async (url) => {
      expect((await health(url)).status).toBe(200);
      expect((await postEvents(url, [...batch('a'), ...batch('b')])).body).toEqual({ accepted: 20, duplicates: 20 });
    });
  }, 60_000);

  // Stopped before the next look (every 5 s) found the file gone, the server folded everything into the deleted file
  // and closed it: the next start made a new, empty database, and every acknowledged event was lost.
  it('the database file deleted and the server stopped at once: the stop copies it back first, says so, and the next start has every acknowledged event', async () => {
    const path = join(scratchDir(), 'kpi.sqlite');
    const server = await startServer({ dbPath: path });
    try {
      expect((await postEvents(server.url, batch('a'))).status).toBe(200);
      rmSync(path);
    } finally {
      expect(await server.kill()).toBe(0);
    }
    await afterRestart(path, async (url) => {
      expect((await postEvents(url, batch('a'))).body).toEqual({ accepted: 0, duplicates: 20 });
    });
    expect(server.output()).toContain(`${path} was deleted while the server ran`);
    expect(server.output()).toContain(`${path} is copied back`);
    expect(server.output()).toContain('Stopped cleanly.');
  }, 60_000);

  // The copy was made once: deleted in its turn (the same cleaner, or a hand), the server never looked again, and the
  // stop it asked for lost everything.
  it('the copied-back database deleted too: the server copies it back again, and the next start has every acknowledged event', async () => {
    const path = join(scratchDir(), 'kpi.sqlite');
    const server = await startServer({ dbPath: path });
    try {
      expect((await postEvents(server.url, batch('a'))).status).toBe(200);
      rmSync(path);
      await until(() => server.output().includes(`${path} is copied back`));
      rmSync(path);
    } finally {
      expect(await server.kill()).toBe(0);
    }
    await afterRestart(path, async (url) => {
      expect((await postEvents(url, batch('a'))).body).toEqual({ accepted: 0, duplicates: 20 });
    });
    expect(server.output().split(`${path} is copied back`).length - 1).toBe(2);
    expect(server.output()).toContain(`${path}, copied back, was deleted again`);
  }, 60_000);

  // A batch let in before the deletion was found, still waiting for its commit (here behind another program's write
  // lock) as the copy was made: it committed to the deleted file after the copy, was answered 200, and was gone at the
  // next start.
  it('a batch committed after the deletion was found, while the copy was made: the copy waits for it, and the next start has it', async () => {
    const path = join(scratchDir(), 'kpi.sqlite');
    const server = await startServer({ dbPath: path });
    const holder = new Database(path);
    try {
      expect((await postEvents(server.url, batch('a'))).status).toBe(200);
      holder.exec('BEGIN IMMEDIATE');
      const waiting = postEvents(server.url, batch('b'));
      // Let in and handed to the writer, which waits for the lock (its busy timeout is 5 s).
      await until(() => false, 500);
      rmSync(path);
      expect((await health(server.url)).status).toBe(503);
      await until(() => server.output().includes(`${path} is copied back`), 1_500);
      holder.exec('ROLLBACK');
      expect((await waiting).status).toBe(200);
      await until(() => server.output().includes(`${path} is copied back`));
    } finally {
      holder.close();
      expect(await server.kill()).toBe(0);
    }
    await afterRestart(path, async (url) => {
      expect((await postEvents(url, [...batch('a'), ...batch('b')])).body).toEqual({ accepted: 0, duplicates: 40 });
    });
  }, 60_000);

  // stat threw for anything but "no such file": /api/health answered 500, and the look every 5 s, thrown from a timer,
  // ended the process, everything it held in the deleted file with it.
  it('the database\'s directory moved aside and a file put in its place: /api/health says the database is gone (503), and the server goes on', async () => {
    const dir = scratchDir();
    const path = join(dir, 'data', 'kpi.sqlite');
    const server = await startServer({ dbPath: path });
    try {
      expect((await postEvents(server.url, batch('a'))).status).toBe(200);
      renameSync(join(dir, 'data'), join(dir, 'data.old'));
      writeFileSync(join(dir, 'data'), 'not a directory');
      const told = await health(server.url);
      expect(told.status).toBe(503);
      expect(told.body.failing?.message).toContain(`${path} was deleted while the server ran`);
      await until(() => server.output().includes(`${path} could not be copied back`));
      expect((await health(server.url)).status).toBe(503);
    } finally {
      await server.kill();
    }
  }, 60_000);

  // SQLite keeps the -wal and -shm beside the file a link names; the server looked beside the link, found none, and
  // never looked again.
  it('DATABASE_PATH a link to the database: its -wal deleted (beside the file the link names) is said by /api/health', async () => {
    const dir = scratchDir();
    mkdirSync(join(dir, 'real'));
    const file = join(dir, 'real', 'kpi.sqlite');
    const link = join(dir, 'kpi.sqlite');
    symlinkSync(file, link);
    const server = await startServer({ dbPath: link });
    try {
      expect((await postEvents(server.url, batch('a'))).status).toBe(200);
      rmSync(`${file}-wal`);
      const told = await health(server.url);
      expect(told.status).toBe(503);
      expect(told.body.failing?.message).toContain(`${file}-wal was deleted while the server ran`);
    } finally {
      expect(await server.kill()).toBe(0);
    }
  }, 60_000);
});

/** Waits for `done` to hold, looking every 100 ms (the copy is asynchronous); given `atMostMs`, no longer than that. */
async function until(done: () => boolean, atMostMs = Infinity): Promise<void> {
  for (let waited = 0; !done() && waited < atMostMs; waited += 100) await new Promise((r) => setTimeout(r, 100));
}
