// A person's own password change (POST /api/auth/password) once the database's -wal was found deleted under a running
// server: refused with 503 restart_needed as an admin's changes are, since a change committed then is lost at a crash
// and the person, told it was saved, would find the old password still theirs.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startServer, TEST_INGEST_TOKEN } from '../helpers/server';

it('a password change after the -wal is found deleted answers 503 restart_needed, saying so, and the old password still signs in', async () => {
  const path = join(realpathSync(mkdtempSync(join(tmpdir(), 'floorboard-side-password-'))), 'kpi.sqlite');
  const server = await startServer({ dbPath: path });
  const signIn = (password: string) =>
    fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify({ username: 'admin', password }) });
  try {
    const cookie = ((await signIn('test-admin-password')).headers.get('set-cookie') ?? '').split(';')[0]!;
    rmSync(`${path}-wal`);
    expect((await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } })).status).toBe(503);
    for (let waited = 0; !server.output().includes('Every batch acknowledged is in') && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${server.url}/api/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: server.url },
      body: JSON.stringify({ currentPassword: 'test-admin-password', newPassword: 'a-new-admin-password' })
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('restart_needed');
    expect(body.message).toContain(`${path}-wal was deleted while the server ran`);
    expect(body.message).toContain('your password was not changed');
    expect((await signIn('test-admin-password')).status).toBe(200);
  } finally {
    await server.kill('SIGKILL');
  }
}, 60_000);
