// People sign in with a password and get a session cookie (SPEC.md, Roles); these are the endpoints behind it.
import { afterEach, describe, expect, it } from 'vitest';
import { users } from '../../db/index';
import { hashPassword } from '../../api/auth/credentials';
import { testApp } from '../helpers/app';

const NOW = Date.parse('2026-11-24T12:00:00Z');
let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

function withManager() {
  t = testApp({ now: () => NOW });
  t.rt.db.insert(users).values({ username: 'mei', passwordHash: hashPassword('wallet-floor-7'), role: 'manager', createdAt: NOW }).run();
  return t;
}

const login = (body: string, contentType = 'application/json') =>
  t.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': contentType }, body });
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0];

describe('POST /api/auth/login', () => {
  it('signs a person in with a session cookie that their role can use, until they sign out', async () => {
    withManager();
    const res = await login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ username: 'mei', role: 'manager' });
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    const cookie = cookieOf(res);
    const me = await t.app.request('/api/auth/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ role: 'manager' });
    expect((await t.app.request('/api/kpis', { headers: { cookie } })).status).toBe(200);

    expect((await t.app.request('/api/auth/logout', { method: 'POST', headers: { cookie } })).status).toBe(200);
    expect((await t.app.request('/api/auth/me', { headers: { cookie } })).status).toBe(401);
    expect((await t.app.request('/api/kpis', { headers: { cookie } })).status).toBe(401);
  });

  it('refuses a wrong password or an unknown user with 401 and sets no cookie', async () => {
    withManager();
    for (const body of [{ username: 'mei', password: 'wallet-floor-8' }, { username: 'nobody', password: 'wallet-floor-7' }]) {
      const res = await login(JSON.stringify(body));
      expect(res.status).toBe(401);
      expect((await res.json()).message).toMatch(/wrong username or password/i);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('answers a body that is not JSON, or lacks a field, with 400 saying what is wrong', async () => {
    withManager();
    const notJson = await login('username=mei&password=x', 'application/x-www-form-urlencoded');
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).errors[0].message).toMatch(/JSON body/);
    const missing = await login(JSON.stringify({ username: 'mei' }));
    expect(missing.status).toBe(400);
    expect((await missing.json()).errors[0].path).toBe('password');
  });

  it('does not take a made-up or mangled session cookie', async () => {
    withManager();
    for (const cookie of ['floorboard_session=not-a-session', 'floorboard_session=%ZZ'])
      expect((await t.app.request('/api/auth/me', { headers: { cookie } })).status).toBe(401);
  });
});

describe('POST /api/events with a byte-order mark', () => {
  it('reads the JSON after it, as senders on Windows write it', async () => {
    t = testApp({ now: () => NOW });
    const event = { id: 'bom-1', type: 'ticket.created', at: NOW - 60_000, ticket: 'T-bom', channel: 'email' };
    const r = await t.post(`\uFEFF${JSON.stringify(event)}`, { raw: true });
    expect(r).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
  });
});
