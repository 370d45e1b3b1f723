// Admins manage the people who sign in (SPEC.md, Roles: admin "+ users"): GET and POST /api/users, PATCH and
// DELETE /api/users/:username. A user's role and sessions are read by their next request.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapCredentials } from '../../api/auth/credentials';
import { testApp } from '../helpers/app';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const ADMIN_PASSWORD = 'admin-password-0123';
let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

/** A fresh server with user admin, as a first start makes it. */
function start(path?: string) {
  t = testApp({ now: () => NOW, path });
  bootstrapCredentials(t.rt.db, { adminPassword: ADMIN_PASSWORD, now: NOW });
}

const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => t.send(method, path, body, headers);
const listed = async () => (await call('GET', '/api/users')).body.users;
const login = async (username: string, password: string) => {
  const res = await call('POST', '/api/auth/login', { username, password }, {});
  return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] };
};
const as = (cookie: string) => ({ cookie });

describe('GET /api/users', () => {
  it('lists every user with their role and when they were added, never a password hash', async () => {
    start();
    const res = await call('GET', '/api/users');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ users: [{ username: 'admin', role: 'admin', createdAt: NOW }] });
  });
});

describe('POST /api/users', () => {
  it('adds a supervisor who can sign in and read /api/kpis, but not change targets', async () => {
    start();
    const res = await call('POST', '/api/users', { username: '  mei ', password: 'floor-supervisor-1', role: 'supervisor' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ username: 'mei', role: 'supervisor', createdAt: NOW });
    expect(await listed()).toContainEqual({ username: 'mei', role: 'supervisor', createdAt: NOW });
    const mei = await login('Mei', 'floor-supervisor-1');
    expect(mei.status).toBe(200);
    expect((await call('GET', '/api/kpis', undefined, as(mei.cookie))).status).toBe(200);
    expect((await call('PUT', '/api/targets', { 'csat.pct': { warn: 85, critical: 75 } }, as(mei.cookie))).status).toBe(403);
  });

  it('refuses every fault with a 400 naming its field, and adds nobody', async () => {
    start();
    const good = { username: 'lin', password: 'long-enough-pw', role: 'manager' };
    const cases: [unknown, string, RegExp][] = [
      [{ ...good, username: undefined }, 'username', /required/],
      [{ ...good, username: '   ' }, 'username', /empty/],
      [{ ...good, username: 'x'.repeat(65) }, 'username', /at most 64 characters/],
      [{ ...good, username: 'li\nn' }, 'username', /control characters/],
      [{ ...good, username: 42 }, 'username', /expected a string/],
      [{ ...good, password: 'short-pw' }, 'password', /at least 12 characters/],
      [{ ...good, password: undefined }, 'password', /required/],
      [{ ...good, password: 'p'.repeat(1025) }, 'password', /at most 1024 characters/],
      [{ ...good, role: 'boss' }, 'role', /"boss" is not one of display, supervisor, manager, admin/],
      [{ ...good, role: 'ingest' }, 'role', /token's role.*POST \/api\/tokens/],
      [{ ...good, role: undefined }, 'role', /required: one of display/],
      [{ ...good, team: 'payments' }, '', /unknown field "team"/],
      [[good], '', /expected a JSON object/],
      ['{"username":', '', /not JSON/]
    ];
    for (const [body, path, message] of cases) {
      const res = await call('POST', '/api/users', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors, JSON.stringify(body)).toContainEqual({ path, message: expect.stringMatching(message) });
    }
    // Every fault at once, each named.
    const all = await call('POST', '/api/users', { username: '', password: 'short', role: 'boss' });
    expect(all.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['password', 'role', 'username']);
    expect((await listed()).map((u: { username: string }) => u.username)).toEqual(['admin']);
  });

  it('refuses a name stored already, in any capitals, with a 409, and keeps the user stored', async () => {
    start();
    expect((await call('POST', '/api/users', { username: 'mei', password: 'first-password-1', role: 'supervisor' })).status).toBe(201);
    for (const username of ['mei', 'MEI', 'Admin']) {
      const res = await call('POST', '/api/users', { username, password: 'second-password-2', role: 'admin' });
      expect(res.status, username).toBe(409);
      expect(res.body.message, username).toMatch(/exists: a sign-in reads names in any capitals/);
    }
    expect(await listed()).toEqual([
      { username: 'admin', role: 'admin', createdAt: NOW },
      { username: 'mei', role: 'supervisor', createdAt: NOW }
    ]);
    expect((await login('mei', 'first-password-1')).status).toBe(200);
    expect((await login('admin', ADMIN_PASSWORD)).status).toBe(200);
  });

  it('says the user was not added, and to try again, while another process holds the database', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-users-api-')), 'floor.sqlite');
    start(path);
    t.rt.db.$client.pragma('busy_timeout = 100');
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const res = await call('POST', '/api/users', { username: 'mei', password: 'floor-supervisor-1', role: 'supervisor' });
    other.exec('ROLLBACK');
    other.close();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.body.message).toMatch(/no user was added; try again/);
    expect((await listed()).map((u: { username: string }) => u.username)).toEqual(['admin']);
  });

  it('is refused from another site\'s page with an admin\'s session, as are a change and a deletion', async () => {
    start();
    const { cookie } = await login('admin', ADMIN_PASSWORD);
    const user = { username: 'mei', password: 'floor-supervisor-1', role: 'admin' };
    const crossSite = await call('POST', '/api/users', user, { cookie, host: 'floor.example', origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    expect((await listed()).map((u: { username: string }) => u.username)).toEqual(['admin']);
    expect((await call('POST', '/api/users', user, { cookie, host: 'floor.example', origin: 'http://floor.example' })).status).toBe(201);
    const before = await listed();
    const evil = { cookie, host: 'floor.example', origin: 'http://evil.example' };
    expect((await call('PATCH', '/api/users/admin', { password: 'chosen-by-evil-1' }, evil)).status).toBe(403);
    expect((await call('PATCH', '/api/users/mei', { role: 'display' }, evil)).status).toBe(403);
    expect((await call('DELETE', '/api/users/mei', undefined, evil)).status).toBe(403);
    expect(await listed()).toEqual(before);
    expect((await login('admin', ADMIN_PASSWORD)).status).toBe(200);
  });
});

describe('PATCH /api/users/:username', () => {
  it('changes a role, which the user\'s next request is judged by', async () => {
    start();
    await call('POST', '/api/users', { username: 'lin', password: 'floor-manager-1', role: 'manager' });
    const lin = (await login('lin', 'floor-manager-1')).cookie;
    expect((await call('GET', '/api/kpis', undefined, as(lin))).status).toBe(200);
    const res = await call('PATCH', '/api/users/LIN', { role: 'display' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ username: 'lin', role: 'display', createdAt: NOW });
    expect((await call('GET', '/api/kpis', undefined, as(lin))).status).toBe(403);
    expect((await call('GET', '/api/auth/me', undefined, as(lin))).body).toEqual({ username: 'lin', role: 'display' });
  });

  it('changes a password: the old one no longer signs in, and the user\'s sessions end', async () => {
    start();
    await call('POST', '/api/users', { username: 'lin', password: 'floor-manager-1', role: 'manager' });
    const desk = (await login('lin', 'floor-manager-1')).cookie;
    const phone = (await login('lin', 'floor-manager-1')).cookie;
    expect((await call('PATCH', '/api/users/lin', { password: 'a-new-password-2' })).status).toBe(200);
    for (const cookie of [desk, phone]) expect((await call('GET', '/api/kpis', undefined, as(cookie))).status).toBe(401);
    expect((await login('lin', 'floor-manager-1')).status).toBe(401);
    expect((await login('lin', 'a-new-password-2')).status).toBe(200);
  });

  it('lifts the sign-in hold the old password\'s wrong tries earned: the user signs in with the new one at once', async () => {
    start();
    await call('POST', '/api/users', { username: 'lin', password: 'floor-manager-1', role: 'manager' });
    for (let i = 0; i < 5; i++) expect((await login('lin', `forgotten-${i}`)).status).toBe(401);
    expect((await login('lin', 'floor-manager-1')).status).toBe(429);
    expect((await call('PATCH', '/api/users/lin', { password: 'a-new-password-2' })).status).toBe(200);
    expect((await login('Lin', 'a-new-password-2')).status).toBe(200);
    // Another user's hold is theirs still.
    await call('POST', '/api/users', { username: 'mei', password: 'floor-supervisor-1', role: 'supervisor' });
    for (let i = 0; i < 5; i++) await login('mei', `guess-${i}`);
    expect((await call('PATCH', '/api/users/lin', { password: 'a-third-password-3' })).status).toBe(200);
    expect((await login('mei', 'floor-supervisor-1')).status).toBe(429);
  });

  it('keeps the session of admins who change their own password, and ends their others', async () => {
    start();
    const here = (await login('admin', ADMIN_PASSWORD)).cookie;
    const elsewhere = (await login('admin', ADMIN_PASSWORD)).cookie;
    expect((await call('PATCH', '/api/users/admin', { password: 'admins-new-password' }, as(here))).status).toBe(200);
    expect((await call('GET', '/api/users', undefined, as(here))).status).toBe(200);
    expect((await call('GET', '/api/users', undefined, as(elsewhere))).status).toBe(401);
  });

  it('refuses a bad change with a 400 naming the field, an unknown user with a 404, and changes nothing', async () => {
    start();
    await call('POST', '/api/users', { username: 'lin', password: 'floor-manager-1', role: 'manager' });
    const before = await listed();
    const cases: [unknown, string, RegExp][] = [
      [{}, '', /nothing to change/],
      [{ role: 'boss' }, 'role', /"boss" is not one of/],
      [{ password: 'short' }, 'password', /at least 12 characters/],
      [{ username: 'lina' }, '', /name cannot be changed/],
      [{ role: 'display', extra: 1 }, '', /unknown field "extra"/],
      ['[]', '', /expected a JSON object/]
    ];
    for (const [body, path, message] of cases) {
      const res = await call('PATCH', '/api/users/lin', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors, JSON.stringify(body)).toContainEqual({ path, message: expect.stringMatching(message) });
    }
    const unknown = await call('PATCH', '/api/users/nobody', { role: 'admin' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/No user "nobody"/);
    expect(await listed()).toEqual(before);
    expect((await login('lin', 'floor-manager-1')).status).toBe(200);
  });

  it('refuses to demote the last admin (409, saying why), and demotes one of two', async () => {
    start();
    const res = await call('PATCH', '/api/users/admin', { role: 'manager' });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/"admin" is the only admin: demoted, nobody could manage users, tokens/);
    expect(await listed()).toEqual([{ username: 'admin', role: 'admin', createdAt: NOW }]);
    await call('POST', '/api/users', { username: 'ada', password: 'second-admin-pw', role: 'admin' });
    expect((await call('PATCH', '/api/users/admin', { role: 'manager' })).status).toBe(200);
    expect((await call('PATCH', '/api/users/ada', { role: 'supervisor' })).status).toBe(409);
  });
});

describe('DELETE /api/users/:username', () => {
  it('deletes the user, whose next request is refused and who cannot sign in again', async () => {
    start();
    await call('POST', '/api/users', { username: 'mei', password: 'floor-supervisor-1', role: 'supervisor' });
    const mei = (await login('mei', 'floor-supervisor-1')).cookie;
    const res = await call('DELETE', '/api/users/Mei');
    expect(res.status).toBe(204);
    expect((await call('GET', '/api/kpis', undefined, as(mei))).status).toBe(401);
    expect((await login('mei', 'floor-supervisor-1')).status).toBe(401);
    expect((await listed()).map((u: { username: string }) => u.username)).toEqual(['admin']);
    const again = await call('DELETE', '/api/users/mei');
    expect(again.status).toBe(404);
    expect(again.body.message).toMatch(/No user "mei"/);
  });

  it('refuses to delete the last admin (409, saying why), and deletes one of two', async () => {
    start();
    const res = await call('DELETE', '/api/users/admin');
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/"admin" is the only admin: deleted, nobody could manage/);
    expect((await login('admin', ADMIN_PASSWORD)).status).toBe(200);
    await call('POST', '/api/users', { username: 'ada', password: 'second-admin-pw', role: 'admin' });
    expect((await call('DELETE', '/api/users/admin')).status).toBe(204);
    expect((await call('DELETE', '/api/users/ada')).status).toBe(409);
  });
});

describe('/api/users/:username', () => {
  it('answers a method it does not take with 405 and Allow, not "no endpoint"', async () => {
    start();
    for (const method of ['GET', 'PUT', 'POST']) {
      const res = await call(method, '/api/users/admin', method === 'GET' ? undefined : { role: 'manager' });
      expect([method, res.status, res.headers.get('allow'), res.body.message]).toEqual([method, 405, 'PATCH, DELETE', `/api/users/admin takes PATCH or DELETE, not ${method}.`]);
    }
    expect((await call('PATCH', '/api/users/admin/role', { role: 'manager' })).status).toBe(404);
    expect(await listed()).toEqual([{ username: 'admin', role: 'admin', createdAt: NOW }]);
  });
});

