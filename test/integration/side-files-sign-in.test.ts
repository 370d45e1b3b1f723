// Signing in and out once the database file was found deleted or replaced under a running server. Deleted, a session is
// stored in the deleted file (or -wal) and lost at the restart, which only means signing in again: a supervisor still
// signs in to see the wall. Replaced, a session's commit went into the -wal now beside the new file, which a crash left
// to be read as that file's: the file its operator put there had the server's sessions in it.
import { mkdtempSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startServer, TEST_INGEST_TOKEN } from '../helpers/server';

const scratch = () => join(realpathSync(mkdtempSync(join(tmpdir(), 'floorboard-side-sign-in-'))), 'kpi.sqlite');

const signIn = (url: string) =>
  fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ username: 'admin', password: 'test-admin-password' }) });

const health = (url: string) => fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } });

const sessionsIn = (file: string): number => {
  const sqlite = new Database(file, { readonly: true });
  try {
    return sqlite.prepare('SELECT count(*) FROM sessions').pluck().get() as number;
  } finally {
    sqlite.close();
  }
};

describe('signing in once the database file was found gone', () => {
  it('deleted: a supervisor still signs in and sees what the server holds, and signs out', async () => {
    const path = scratch();
    const server = await startServer({ dbPath: path });
    try {
      rmSync(path);
      expect((await health(server.url)).status).toBe(503);
      await until(() => server.output().includes(`${path} is copied back`));
      const login = await signIn(server.url);
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      expect((await fetch(`${server.url}/api/kpis`, { headers: { cookie } })).status).toBe(200);
      expect((await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie, origin: server.url } })).status).toBe(200);
    } finally {
      expect(await server.kill()).toBe(0);
    }
  }, 60_000);

  it('replaced: sign-in and sign-out answer 503 with Retry-After, saying so and to restart; a crash then leaves the new file as it was put there', async () => {
    const path = scratch();
    const server = await startServer({ dbPath: path });
    try {
      const login = await signIn(server.url);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      // A copy with no session in it, put in the database's place by hand.
      const live = new Database(path);
      await live.backup(`${path}.restored`);
      live.close();
      const restored = new Database(`${path}.restored`);
      restored.exec('DELETE FROM sessions');
      restored.close();
      renameSync(`${path}.restored`, path);
      expect((await health(server.url)).status).toBe(503);
      await until(() => server.output().includes('is kept as'));
      for (const res of [await signIn(server.url), await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie, origin: server.url } })]) {
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        const message = ((await res.json()) as { message: string }).message;
        expect(message).toContain(`${path} was replaced by another file while the server ran`);
        expect(message).toContain('stop and start it');
      }
    } finally {
      await server.kill('SIGKILL');
    }
    expect(sessionsIn(path)).toBe(0);
  }, 60_000);
});

/** Waits for `done` to hold, looking every 100 ms, 20 s at most (the save is asynchronous). */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}
