// A sign-in hold is per address and name (api/auth/throttle.ts): a person who changes their own password at one desk
// must not stay held at another, where wrong tries of the old password earned it. Sent from two loopback addresses
// (127.0.0.1 and 127.0.0.2) to a real server, whose hold reads the socket's address. Nor may a guesser held at another
// address be given fresh tries by it.
import { request } from 'node:http';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startServer } from '../helpers/server';

/** POSTs `body` as JSON from `localAddress`; the status, the session cookie set, if any, and Retry-After. */
function post(url: string, path: string, body: unknown, localAddress: string, cookie?: string): Promise<{ status: number; cookie: string; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...(cookie && { cookie }) } }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode!, cookie: String(res.headers['set-cookie']?.[0] ?? '').split(';')[0]!, retryAfter: res.headers['retry-after'] as string | undefined })
      );
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

it('a password changed by its owner at one desk lifts the hold that wrong tries of the old one earned at another', async () => {
  const server = await startServer({ dbPath: join(realpathSync(mkdtempSync(join(tmpdir(), 'floorboard-holds-'))), 'kpi.sqlite') });
  try {
    const signIn = (password: string, from: string) => post(server.url, '/api/auth/login', { username: 'admin', password }, from);
    const desk = await signIn('test-admin-password', '127.0.0.1');
    expect(desk.status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await signIn(`typo-${i}`, '127.0.0.2')).status).toBe(401);
    expect((await signIn('test-admin-password', '127.0.0.2')).status).toBe(429);
    const changed = await post(server.url, '/api/auth/password', { currentPassword: 'test-admin-password', newPassword: 'a-new-admin-password' }, '127.0.0.1', desk.cookie);
    expect(changed.status).toBe(200);
    expect((await signIn('a-new-admin-password', '127.0.0.2')).status).toBe(200);
  } finally {
    await server.kill();
  }
}, 60_000);

it('a password changed by its owner gives a guesser held at another address one try of the new one, then holds it again, longer', async () => {
  const server = await startServer({ dbPath: join(realpathSync(mkdtempSync(join(tmpdir(), 'floorboard-holds-'))), 'kpi.sqlite') });
  try {
    const signIn = (password: string, from: string) => post(server.url, '/api/auth/login', { username: 'admin', password }, from);
    const desk = await signIn('test-admin-password', '127.0.0.1');
    expect(desk.status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await signIn(`guess-${i}`, '127.0.0.2')).status).toBe(401);
    const held = await signIn('guess-5', '127.0.0.2');
    expect([held.status, held.retryAfter]).toEqual([429, '30']);
    const changed = await post(server.url, '/api/auth/password', { currentPassword: 'test-admin-password', newPassword: 'a-new-admin-password' }, '127.0.0.1', desk.cookie);
    expect(changed.status).toBe(200);
    // Lifted (the owner might have been the one there), but no five fresh tries: the next wrong one holds it for twice as long.
    expect((await signIn('guess-6', '127.0.0.2')).status).toBe(401);
    const again = await signIn('guess-7', '127.0.0.2');
    expect([again.status, again.retryAfter]).toEqual([429, '60']);
    // The owner, at their desk, signs in with the new password.
    expect((await signIn('a-new-admin-password', '127.0.0.1')).status).toBe(200);
  } finally {
    await server.kill();
  }
}, 60_000);
