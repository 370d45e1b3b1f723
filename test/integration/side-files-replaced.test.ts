// The database file replaced under a running server (a restore by hand, `mv other.sqlite kpi.sqlite`): the new file is
// what its operator put there, so the server says it was replaced, not deleted, copies nothing over it, and keeps what
// it held beside it under the name `npm run restore` gives the database it replaces.
import { mkdtempSync, readdirSync, realpathSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { postEvents, startServer, TEST_INGEST_TOKEN } from '../helpers/server';

const batch = (prefix: string) =>
  Array.from({ length: 20 }, (_, i) => ({ id: `${prefix}-${i}`, type: 'ticket.created', at: Date.now() - 60_000, ticket: `${prefix}-T${i}`, channel: 'chat' }));

const eventIds = (file: string): string[] => {
  const sqlite = new Database(file, { readonly: true });
  try {
    return (sqlite.prepare('SELECT id FROM events ORDER BY id').pluck().all() as string[]).map((id) => id.replace(/-\d+$/, '')).filter((p, i, all) => all.indexOf(p) === i);
  } finally {
    sqlite.close();
  }
};

describe('the database file replaced under a running server', () => {
  it('is said to be replaced (503, and the log), the new file is left as it was put there, and what the server held is kept beside it as .replaced-<time>', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'floorboard-replaced-')));
    const path = join(dir, 'kpi.sqlite');
    const server = await startServer({ dbPath: path });
    try {
      expect((await postEvents(server.url, batch('a'))).status).toBe(200);
      // A backup taken now, restored by hand once batch b is in: the operator wants the database as it was.
      const live = new Database(path);
      await live.backup(join(dir, 'backup.sqlite'));
      live.close();
      expect((await postEvents(server.url, batch('b'))).status).toBe(200);
      renameSync(join(dir, 'backup.sqlite'), path);
      const told = await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } });
      expect(told.status).toBe(503);
      const message = ((await told.json()) as { failing: { message: string } }).failing.message;
      expect(message).toContain(`${path} was replaced by another file while the server ran`);
      expect(message).not.toContain('deleted');
      const refused = await postEvents(server.url, batch('c'));
      expect(refused.status).toBe(503);
      expect((refused.body as { message?: string }).message).toContain(`${path} was replaced`);
      await until(() => server.output().includes('is kept as'));
    } finally {
      expect(await server.kill()).toBe(0);
    }
    expect(server.output()).not.toContain('deleted');
    // The restored file is as it was put there, and what the server held is beside it, whole.
    expect(eventIds(path)).toEqual(['a']);
    const aside = readdirSync(dir).filter((f) => /^kpi\.sqlite\.replaced-[^-]/.test(f) && !/-(wal|shm|journal)$/.test(f));
    expect(aside).toHaveLength(1);
    expect(server.output()).toContain(`is kept as ${join(dir, aside[0]!)}`);
    expect(eventIds(join(dir, aside[0]!))).toEqual(['a', 'b']);
    // Started again, the server opens the restored file and says nothing is wrong.
    const again = await startServer({ dbPath: path });
    try {
      const health = await fetch(`${again.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } });
      expect(health.status).toBe(200);
      expect((await postEvents(again.url, [...batch('a'), ...batch('b')])).body).toEqual({ accepted: 20, duplicates: 20 });
    } finally {
      await again.kill();
    }
  }, 60_000);
});

/** Waits for `done` to hold, looking every 100 ms, 20 s at most (the copy is asynchronous). */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}
