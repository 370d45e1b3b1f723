// Admins manage the bearer tokens of machines and walls (SPEC.md, Roles: admin "+ tokens"): GET and POST
// /api/tokens, DELETE /api/tokens/:id. A token is shown once, when made; a revoked one stops at once.
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

const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => t.send(method, path, body, headers);
const listed = async () => (await call('GET', '/api/tokens')).body.tokens as { id: string; role: string; label: string; createdAt: number; lastUsedAt: number | null }[];
/** The tokens as stored, but for their last use: the admin's own listing is one. */
const kept = async () => (await listed()).map(({ lastUsedAt: _, ...k }) => k);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const event = (id: string) => ({ id, type: 'ticket.created', at: NOW - 60_000, ticket: id, channel: 'email' });

describe('GET /api/tokens', () => {
  it('lists each token by a short id, its role, label, when it was made and last used, never the token', async () => {
    t = testApp({ now: () => NOW });
    const res = await call('GET', '/api/tokens');
    expect(res.status).toBe(200);
    expect(res.body.tokens.map((k: { label: string }) => k.label).sort()).toEqual(['test admin', 'test display', 'test ingest', 'test manager', 'test supervisor']);
    for (const k of res.body.tokens) {
      expect(Object.keys(k).sort()).toEqual(['createdAt', 'id', 'label', 'lastUsedAt', 'role']);
      expect(k.id).toMatch(/^[0-9a-f]{12}$/);
    }
    expect(JSON.stringify(res.body)).not.toContain(t.tokens.admin);
  });
});

describe('POST /api/tokens', () => {
  it('makes a token, shown once, that works as a bearer for its role and no more', async () => {
    t = testApp({ now: () => NOW });
    const res = await call('POST', '/api/tokens', { role: 'ingest', label: ' dialer, building B ' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ token: expect.any(String), id: expect.stringMatching(/^[0-9a-f]{12}$/), role: 'ingest', label: 'dialer, building B', createdAt: NOW, lastUsedAt: null });
    expect(await listed()).toContainEqual({ id: res.body.id, role: 'ingest', label: 'dialer, building B', createdAt: NOW, lastUsedAt: null });
    expect(JSON.stringify(await listed())).not.toContain(res.body.token);
    expect((await t.post(event('tk-1'), { token: res.body.token })).status).toBe(200);
    expect((await t.get('/api/kpis', res.body.token)).status).toBe(403);

    const wall = await call('POST', '/api/tokens', { role: 'display', label: 'wall, 3rd floor' });
    expect(wall.status).toBe(201);
    expect((await t.get('/api/targets', wall.body.token)).status).toBe(200);
    expect((await t.post(event('tk-2'), { token: wall.body.token })).status).toBe(403);
  });

  it('refuses every fault with a 400 naming its field, and makes no token', async () => {
    t = testApp({ now: () => NOW });
    const before = await kept();
    const good = { role: 'display', label: 'wall' };
    const cases: [unknown, string, RegExp][] = [
      [{ ...good, role: 'boss' }, 'role', /"boss" is not one of ingest, display, supervisor, manager, admin/],
      [{ ...good, role: undefined }, 'role', /required: one of ingest/],
      [{ ...good, label: undefined }, 'label', /required/],
      [{ ...good, label: '  ' }, 'label', /empty: say what the token is for/],
      [{ ...good, label: 'x'.repeat(101) }, 'label', /at most 100 characters/],
      [{ ...good, label: 'wall\n2' }, 'label', /control characters/],
      [{ ...good, label: 'INGEST_TOKEN' }, 'label', /label the server gives tokens it makes itself/],
      [{ ...good, token: 'my-own' }, '', /unknown field "token"/],
      ['"wall"', '', /expected a JSON object/],
      ['{', '', /not JSON/]
    ];
    for (const [body, path, message] of cases) {
      const res = await call('POST', '/api/tokens', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors, JSON.stringify(body)).toContainEqual({ path, message: expect.stringMatching(message) });
    }
    expect(await kept()).toEqual(before);
  });

  it('says no token was made, and to try again, while another process holds the database', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-tokens-api-')), 'floor.sqlite');
    t = testApp({ now: () => NOW, path });
    const before = await kept();
    t.rt.db.$client.pragma('busy_timeout = 100');
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const res = await call('POST', '/api/tokens', { role: 'display', label: 'wall' });
    other.exec('ROLLBACK');
    other.close();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.body.message).toMatch(/no token was created; try again/);
    expect(await kept()).toEqual(before);
  });

  it('is refused from another site\'s page with an admin\'s session', async () => {
    t = testApp({ now: () => NOW });
    bootstrapCredentials(t.rt.db, { adminPassword: ADMIN_PASSWORD, now: NOW });
    const login = await call('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, {});
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const before = await kept();
    const crossSite = await call('POST', '/api/tokens', { role: 'admin', label: 'mine' }, { cookie, host: 'floor.example', origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(await kept()).toEqual(before);
    const { id } = before.find((k) => k.label === 'test display')!;
    expect((await call('DELETE', `/api/tokens/${id}`, undefined, { cookie, host: 'floor.example', origin: 'http://evil.example' })).status).toBe(403);
    expect(await kept()).toEqual(before);
    expect((await call('POST', '/api/tokens', { role: 'display', label: 'wall' }, { cookie, host: 'floor.example', origin: 'http://floor.example' })).status).toBe(201);
  });
});

describe('when each token was last used', () => {
  const lastUsed = async (label: string) => (await listed()).find((k) => k.label === label)!.lastUsedAt;

  it('shows the time of a token\'s last request, and null (never) for a token no request came with', async () => {
    let now = NOW;
    t = testApp({ now: () => now });
    const wall = (await call('POST', '/api/tokens', { role: 'display', label: 'wall, retired TV' })).body;
    expect(await lastUsed('test ingest')).toBeNull();
    now = NOW + 90_000;
    expect((await t.post(event('lu-1'))).status).toBe(200);
    expect(await lastUsed('test ingest')).toBe(NOW + 90_000);
    expect(await lastUsed('wall, retired TV')).toBeNull();
    expect(await lastUsed('test display')).toBeNull();
    // A request refused for its role is a use too: the token is still held somewhere.
    expect((await t.get('/api/kpis', wall.token)).status).toBe(403);
    expect(await lastUsed('wall, retired TV')).toBe(NOW + 90_000);
  });

  it('stores a token\'s use at most once a minute, however many requests come with it', async () => {
    let now = NOW;
    t = testApp({ now: () => now });
    const writes = () => t.rt.db.$client.prepare('SELECT total_changes()').pluck().get() as number;
    expect((await t.post(event('lu-2'))).status).toBe(200);
    expect(await lastUsed('test ingest')).toBe(NOW);
    // Past the role cache's few seconds, each request looks the token up again, within the minute.
    for (const after of [6_000, 20_000, 45_000, 59_999]) {
      now = NOW + after;
      const before = writes();
      expect((await t.get('/api/health', t.tokens.ingest)).status).toBe(200);
      expect(writes(), `${after} ms after`).toBe(before);
      expect(await lastUsed('test ingest')).toBe(NOW);
    }
    // The role looked up at 59.999 s is remembered a few seconds: the next look-up, past the minute, stores it.
    now = NOW + 65_000;
    expect((await t.get('/api/health', t.tokens.ingest)).status).toBe(200);
    expect(await lastUsed('test ingest')).toBe(NOW + 65_000);
  });

  it('keeps the last use over a restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-tokens-used-')), 'floor.sqlite');
    t = testApp({ now: () => NOW, path });
    expect((await t.post(event('lu-3'))).status).toBe(200);
    const before = await listed();
    const ingest = before.find((k) => k.label === 'test ingest')!;
    expect(ingest.lastUsedAt).toBe(NOW);
    t.close();
    t = testApp({ now: () => NOW + 3_600_000, path });
    const after = await listed();
    expect(after.find((k) => k.id === ingest.id)).toEqual(ingest);
    expect(after.find((k) => k.id === before.find((b) => b.label === 'test display')!.id)!.lastUsedAt).toBeNull();
  });
});

describe('DELETE /api/tokens/:id', () => {
  it('revokes a token, which stops at its next request though it was used a moment before', async () => {
    t = testApp({ now: () => NOW });
    const made = (await call('POST', '/api/tokens', { role: 'display', label: 'leaked wall' })).body;
    expect((await t.get('/api/health', made.token)).status).toBe(200);
    const res = await call('DELETE', `/api/tokens/${made.id.toUpperCase()}`);
    expect(res.status).toBe(204);
    const after = await t.get('/api/health', made.token);
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/not one this server accepts \(mistyped, or revoked\)/);
    expect((await listed()).map((k) => k.id)).not.toContain(made.id);
    expect((await t.get('/api/health', t.tokens.display)).status).toBe(200);
    const again = await call('DELETE', `/api/tokens/${made.id}`);
    expect(again.status).toBe(404);
    expect(again.body.message).toMatch(/No token has the id/);
  });

  it('refuses an id that is not one (the token itself, say) with a 400, and revokes nothing', async () => {
    t = testApp({ now: () => NOW });
    const before = await kept();
    for (const id of [t.tokens.display, 'abc', 'zzzzzzzzzzzz']) {
      const res = await call('DELETE', `/api/tokens/${encodeURIComponent(id)}`);
      expect(res.status, id).toBe(400);
      expect(res.body.errors, id).toContainEqual({ path: 'id', message: expect.stringMatching(/is not a token's id: expected the 12 hex characters GET \/api\/tokens lists/) });
    }
    expect(await kept()).toEqual(before);
    expect((await t.get('/api/health', t.tokens.display)).status).toBe(200);
  });

  it('refuses to revoke the last ingest token (409, saying to make another first), and revokes one of two', async () => {
    t = testApp({ now: () => NOW });
    const { id } = (await listed()).find((k) => k.role === 'ingest')!;
    const res = await call('DELETE', `/api/tokens/${id}`);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/last ingest token: revoked, every machine posting events would be refused\. Create another first/);
    expect((await t.post(event('tk-3'))).status).toBe(200);
    const other = (await call('POST', '/api/tokens', { role: 'ingest', label: 'phone system' })).body;
    expect((await call('DELETE', `/api/tokens/${id}`)).status).toBe(204);
    expect((await t.post(event('tk-4'))).status).toBe(401);
    expect((await t.post(event('tk-5'), { token: other.token })).status).toBe(200);
  });

  it('refuses to revoke the token INGEST_TOKEN names, which the next start would make again, saying how to replace it', async () => {
    t = testApp({ now: () => NOW });
    bootstrapCredentials(t.rt.db, { adminPassword: ADMIN_PASSWORD, ingestToken: 'from-the-setting-0123', now: NOW });
    const { id } = (await listed()).find((k) => k.label === 'INGEST_TOKEN')!;
    const res = await call('DELETE', `/api/tokens/${id}`);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/the INGEST_TOKEN setting names: revoked here, the next start would accept it again\. Set INGEST_TOKEN to a new value/);
    expect((await t.post(event('tk-6'), { token: 'from-the-setting-0123' })).status).toBe(200);
  });
});
