// An admin's change (PUT /api/targets, PUT /api/sla-policies, a team's names, a user or a token added) once the database file or its -wal was found deleted under a
// running server: what the server held is saved, and a change committed after that went into the deleted file (or
// -wal), answered 200 and, the -wal deleted, gone after a crash. It is refused with 503, saying what happened and to
// restart the server.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedToken, startServer, TEST_INGEST_TOKEN } from '../helpers/server';

const SAVED = { '': 'is copied back', '-wal': 'Every batch acknowledged is in' };

describe("an admin's change once the database's files were found deleted", () => {
  for (const side of ['', '-wal'] as const)
    it(`${side || 'the database file'}: PUT /api/targets, PUT /api/sla-policies, PUT /api/team-names/:team, POST /api/users and POST /api/tokens answer 503 with Retry-After, saying so and to restart; nothing is changed, before a crash or after`, async () => {
      const path = join(realpathSync(mkdtempSync(join(tmpdir(), 'floorboard-side-admin-'))), 'kpi.sqlite');
      const admin = seedToken(path, 'admin');
      const put = (url: string, what: string, body: unknown, method = 'PUT') =>
        fetch(`${url}/api/${what}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const get = async (url: string, what: string) => (await fetch(`${url}/api/${what}`, { headers: { authorization: `Bearer ${admin}` } })).json();
      const server = await startServer({ dbPath: path });
      try {
        rmSync(`${path}${side}`);
        expect((await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } })).status).toBe(503);
        await until(() => server.output().includes(SAVED[side]));
        for (const [what, body, nothing, method] of [
          ['targets', { 'csat.pct': { warn: 85, critical: 75 } }, 'no target was changed', 'PUT'],
          ['sla-policies', { rules: [{ priority: 'high', targetSec: 900 }] }, 'no SLA policy was changed', 'PUT'],
          ['users', { username: 'mei', password: 'a-long-enough-password', role: 'supervisor' }, 'no user was added', 'POST'],
          ['tokens', { role: 'display', label: 'wall, 3rd floor' }, 'no token was created', 'POST'],
          ['team-names/payments', { names: { en: 'Payments' } }, 'no team name was changed', 'PUT']
        ] as const) {
          const res = await put(server.url, what, body, method);
          expect(res.status).toBe(503);
          expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
          const message = ((await res.json()) as { message: string }).message;
          expect(message).toContain(`${path}${side} was deleted while the server ran`);
          expect(message).toContain(nothing);
          expect(message).toContain('Stop and start the server');
        }
        expect((await get(server.url, 'targets')).targets['csat.pct'].isDefault).toBe(true);
        expect((await get(server.url, 'sla-policies')).versions).toEqual([]);
        expect((await get(server.url, 'users')).users.map((u: { username: string }) => u.username)).not.toContain('mei');
        expect((await get(server.url, 'team-names')).teams).toEqual([]);
      } finally {
        // A crash: what the deleted -wal holds goes with it, and nothing acknowledged may.
        await server.kill('SIGKILL');
      }
      const again = await startServer({ dbPath: path });
      try {
        // Restarted, the files are whole again and the change is taken.
        expect((await get(again.url, 'targets')).targets['csat.pct'].isDefault).toBe(true);
        expect((await get(again.url, 'sla-policies')).versions).toEqual([]);
        expect((await get(again.url, 'users')).users.map((u: { username: string }) => u.username)).not.toContain('mei');
        expect((await get(again.url, 'tokens')).tokens.map((t: { label: string }) => t.label)).not.toContain('wall, 3rd floor');
        expect((await get(again.url, 'team-names')).teams).toEqual([]);
        expect((await put(again.url, 'targets', { 'csat.pct': { warn: 85, critical: 75 } })).status).toBe(200);
      } finally {
        await again.kill();
      }
    }, 60_000);
});

/** Waits for `done` to hold, looking every 100 ms, 20 s at most (the save is asynchronous). */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}
