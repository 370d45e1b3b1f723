// People sign in with a password and get a session cookie (SPEC.md, Roles); these are the endpoints behind it.
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sessions, users } from '../../db/index';
import { bootstrapCredentials, hashPassword } from '../../api/auth/credentials';
import { configWarnings, loadConfig } from '../../api/config';
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

    const logout = (headers: Record<string, string>) => t.app.request('/api/auth/logout', { method: 'POST', headers });
    expect((await logout({ cookie })).status).toBe(200);
    expect((await t.app.request('/api/auth/me', { headers: { cookie } })).status).toBe(401);
    expect((await t.app.request('/api/kpis', { headers: { cookie } })).status).toBe(401);
    // Like every endpoint, logout answers 401 without credentials: the session is gone, or there never was one.
    expect((await logout({ cookie })).status).toBe(401);
    expect((await logout({})).status).toBe(401);
    expect((await logout({})).headers.get('www-authenticate')).toBe('Bearer realm="floorboard"');
  });

  it('ends the session the browser held when it signs in again: the old cookie opens nothing, so a feed or tab on it cannot outlive the next sign-out', async () => {
    withManager();
    const credentials = JSON.stringify({ username: 'mei', password: 'wallet-floor-7' });
    const first = cookieOf(await login(credentials));
    const again = await t.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', cookie: first }, body: credentials });
    expect(again.status).toBe(200);
    const second = cookieOf(again);
    expect(second).not.toBe(first);
    expect((await t.app.request('/api/auth/me', { headers: { cookie: first } })).status).toBe(401);
    expect((await t.app.request('/api/auth/me', { headers: { cookie: second } })).status).toBe(200);
    // Another desk's session, signed in as the same name from another browser, goes on.
    const elsewhere = cookieOf(await login(credentials));
    await t.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', cookie: second }, body: credentials });
    expect((await t.app.request('/api/auth/me', { headers: { cookie: elsewhere } })).status).toBe(200);
  });

  it('reads the name as the sign-in page does, without spaces around it (pasted, or typed by a script), and the password exactly', async () => {
    withManager();
    const res = await login(JSON.stringify({ username: ' mei\t', password: 'wallet-floor-7' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ username: 'mei', role: 'manager' });
    const wrong = await login(JSON.stringify({ username: 'mei', password: ' wallet-floor-7' }));
    expect([wrong.status, wrong.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="floorboard"']);
  });

  it('reads the name in any capitals, as a phone\'s keyboard writes it ("Admin"): signed in as the name stored', async () => {
    withManager();
    for (const username of ['Mei', 'MEI']) {
      const res = await login(JSON.stringify({ username, password: 'wallet-floor-7' }));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ username: 'mei', role: 'manager' });
      const me = await t.app.request('/api/auth/me', { headers: { cookie: cookieOf(res) } });
      expect(await me.json()).toEqual({ username: 'mei', role: 'manager' });
    }
    expect((await login(JSON.stringify({ username: 'Mei', password: 'Wallet-floor-7' }))).status).toBe(401);
  });

  it('stores no second user whose name is one already stored in other capitals, so no sign-in can be ambiguous', async () => {
    withManager();
    const add = (username: string) => () => t.rt.db.insert(users).values({ username, passwordHash: hashPassword('other-pass-1'), role: 'admin', createdAt: NOW }).run();
    const rename = (from: string, to: string) => () => t.rt.db.update(users).set({ username: to }).where(eq(users.username, from)).run();
    expect(add('Mei')).toThrow(/other capitals/);
    expect(add('MEI')).toThrow(/other capitals/);
    add('ada')();
    expect(rename('ada', 'Mei')).toThrow(/other capitals/);
    // A name written in other capitals of its own is no second user.
    rename('mei', 'Mei')();
    const res = await login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }));
    expect(await res.json()).toEqual({ username: 'Mei', role: 'manager' });
    // Such a pair stored before migration 0013 refused it (by hand): each signs in by its name as stored, and the
    // name in capitals of neither names neither.
    t.rt.db.$client.exec('DROP TRIGGER users_name_in_other_capitals_insert');
    add('MEI')();
    const as = (username: string, password: string) => login(JSON.stringify({ username, password }));
    expect(await (await as('MEI', 'other-pass-1')).json()).toEqual({ username: 'MEI', role: 'admin' });
    expect(await (await as('Mei', 'wallet-floor-7')).json()).toEqual({ username: 'Mei', role: 'manager' });
    expect((await as('mei', 'wallet-floor-7')).status).toBe(401);
    expect((await as('mei', 'other-pass-1')).status).toBe(401);
  });

  it('marks the session cookie Secure when the browser reached the server over HTTPS (a proxy in front), so it never goes out over plain HTTP', async () => {
    withManager();
    const body = JSON.stringify({ username: 'mei', password: 'wallet-floor-7' });
    const viaProxy = await t.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' }, body });
    expect(viaProxy.headers.get('set-cookie')).toMatch(/; Secure/);
    const direct = await t.app.request('https://floor.example.com/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(direct.headers.get('set-cookie')).toMatch(/; Secure/);
    // Over plain HTTP (a server on the floor's own network) the browser would drop a Secure cookie: it is not marked so.
    expect((await login(body)).headers.get('set-cookie')).not.toMatch(/Secure/);
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
    expect((await missing.json()).errors).toEqual([{ path: 'password', message: 'required' }]);
    const odd = await login(JSON.stringify({ username: '', password: 7 }));
    expect((await odd.json()).errors).toEqual([
      { path: 'username', message: 'is empty' },
      { path: 'password', message: 'expected a string' }
    ]);
  });

  it('answers JSON that is not an object with 400 naming what came, and takes a body after a byte-order mark', async () => {
    withManager();
    for (const [body, got] of [['null', 'null'], ['[]', 'a list'], ['"mei"', '"mei"'], ['7', '7']]) {
      const res = await login(body);
      expect(res.status).toBe(400);
      expect((await res.json()).errors).toEqual([{ path: '', message: `expected a JSON object {"username","password"}, got ${got}` }]);
    }
    expect((await login('\uFEFF' + JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }))).status).toBe(200);
  });

  it('reads a login body no further than 16 KB: 413, and the person can still sign in', async () => {
    withManager();
    const huge = await login(JSON.stringify({ username: 'mei', password: 'x'.repeat(20_000) }));
    expect(huge.status).toBe(413);
    expect((await huge.json()).errors[0].message).toMatch(/larger than 16 KB/);
    expect((await login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }))).status).toBe(200);
  });

  it('does not take a made-up or mangled session cookie', async () => {
    withManager();
    for (const cookie of ['floorboard_session=not-a-session', 'floorboard_session=%ZZ'])
      expect((await t.app.request('/api/auth/me', { headers: { cookie } })).status).toBe(401);
  });

  it('ends a session 12 hours after sign-in: the cookie says so, and the server refuses it from then on', async () => {
    let clock = NOW;
    t = testApp({ now: () => clock });
    t.rt.db.insert(users).values({ username: 'mei', passwordHash: hashPassword('wallet-floor-7'), role: 'manager', createdAt: NOW }).run();
    const res = await login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }));
    expect(res.headers.get('set-cookie')).toMatch(/Max-Age=43200/);
    const cookie = cookieOf(res);
    const me = () => t.app.request('/api/auth/me', { headers: { cookie } });
    clock = NOW + 12 * 3_600_000 - 1;
    expect((await me()).status).toBe(200);
    clock = NOW + 12 * 3_600_000;
    expect((await me()).status).toBe(401);
    expect((await t.app.request('/api/kpis', { headers: { cookie } })).status).toBe(401);
    // The ended session is not kept: the next sign-in clears it from the table.
    await login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }));
    expect(t.rt.db.select().from(sessions).all()).toHaveLength(1);
  });

  it('holds a guesser back: after 5 wrong passwords for a name, 429 with Retry-After, doubling with each wrong try, without checking the password', async () => {
    let clock = NOW;
    t = testApp({ now: () => clock });
    t.rt.db.insert(users).values({ username: 'mei', passwordHash: hashPassword('wallet-floor-7'), role: 'manager', createdAt: NOW }).run();
    const as = (password: string, username = 'mei') => login(JSON.stringify({ username, password }));
    for (let i = 0; i < 5; i++) expect((await as(`guess-${i}`)).status).toBe(401);
    // Even the right password waits: a guesser must not learn that a held try would have been right.
    const held = await as('wallet-floor-7');
    expect(held.status).toBe(429);
    expect(held.headers.get('retry-after')).toBe('30');
    expect(await held.json()).toMatchObject({ error: 'too_many_attempts', retryAfterSec: 30, message: expect.stringMatching(/too many wrong passwords for "mei".*30 s/i) });
    // Another name is not held.
    expect((await as('x', 'admin')).status).toBe(401);
    // After the hold one more try; wrong again, the hold doubles.
    clock += 30_000;
    expect((await as('guess-5')).status).toBe(401);
    expect((await as('wallet-floor-7')).headers.get('retry-after')).toBe('60');
    clock += 60_000;
    // Right at last: signed in, and the count starts afresh.
    expect((await as('wallet-floor-7')).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await as(`typo-${i}`)).status).toBe(401);
    expect((await as('wallet-floor-7')).status).toBe(200);
  });

  it('holds a guesser who writes the name in other capitals as it holds the name: "Mei" and "MEI" are mei', async () => {
    t = testApp({ now: () => NOW });
    t.rt.db.insert(users).values({ username: 'mei', passwordHash: hashPassword('wallet-floor-7'), role: 'manager', createdAt: NOW }).run();
    const names = ['mei', 'Mei', 'MEI', 'mEi', 'meI'];
    for (const username of names) expect((await login(JSON.stringify({ username, password: 'guess' }))).status).toBe(401);
    for (const username of [...names, 'MeI']) expect((await login(JSON.stringify({ username, password: 'wallet-floor-7' }))).status).toBe(429);
  });

  it('counts no right password as wrong when its session could not be stored (a full disk): never "too many wrong passwords", and signed in once it can be', async () => {
    withManager();
    // The sessions table refuses every row, as a full disk refuses the sign-in's write.
    t.rt.db.$client.exec("CREATE TRIGGER full_disk BEFORE INSERT ON sessions BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
    const right = () => login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }));
    for (let i = 0; i < 7; i++) {
      const res = await right();
      expect(res.status, `try ${i + 1}`).toBeGreaterThanOrEqual(500);
      expect(JSON.stringify(await res.json())).not.toMatch(/wrong password/i);
    }
    t.rt.db.$client.exec('DROP TRIGGER full_disk');
    expect((await right()).status).toBe(200);
  });

  it('holds guesses sent all at once as it holds them one by one: no more than 5 wrong passwords are checked before the hold', async () => {
    withManager();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(JSON.stringify({ username: 'mei', password: `guess-${i}` }))));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    expect((await login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }))).status).toBe(429);
  });

  it('lets the right password through among wrong ones sent at once, and counts afresh after it', async () => {
    withManager();
    const tries = ['typo-1', 'typo-2', 'wallet-floor-7', 'typo-3'].map((password) => login(JSON.stringify({ username: 'mei', password })));
    expect((await Promise.all(tries)).map((r) => r.status)).toEqual([401, 401, 200, 401]);
    for (let i = 0; i < 4; i++) expect((await login(JSON.stringify({ username: 'mei', password: `again-${i}` }))).status).toBe(401);
    expect((await login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }))).status).toBe(200);
  });

  it('holds no right password: several desks signing in as one name at once, or a double click after four typos, are all let in', async () => {
    withManager();
    const right = () => login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }));
    expect((await Promise.all(Array.from({ length: 8 }, right))).map((r) => r.status)).toEqual(Array(8).fill(200));
    for (let i = 0; i < 4; i++) expect((await login(JSON.stringify({ username: 'mei', password: `typo-${i}` }))).status).toBe(401);
    expect((await Promise.all([right(), right()])).map((r) => r.status)).toEqual([200, 200]);
  });

  it('holds a name no longer than its hold when NTP sets the clock back by hours', async () => {
    let clock = NOW;
    t = testApp({ now: () => clock });
    t.rt.db.insert(users).values({ username: 'mei', passwordHash: hashPassword('wallet-floor-7'), role: 'manager', createdAt: NOW }).run();
    const as = (password: string) => login(JSON.stringify({ username: 'mei', password }));
    for (let i = 0; i < 5; i++) expect((await as(`guess-${i}`)).status).toBe(401);
    clock -= 3 * 3_600_000;
    const held = await as('wallet-floor-7');
    expect(held.status).toBe(429);
    expect(Number(held.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    clock += 30_000;
    expect((await as('wallet-floor-7')).status).toBe(200);
  });
});

describe('POST /api/auth/password', () => {
  const change = (cookie: string, body: unknown, headers: Record<string, string> = {}) => t.send('POST', '/api/auth/password', body, { cookie, ...headers });
  const signIn = async (password: string) => cookieOf(await login(JSON.stringify({ username: 'mei', password })));

  it('lets a signed-in person change their own password: their other sessions end, this one stays, and only the new one signs in', async () => {
    withManager();
    const desk = await signIn('wallet-floor-7');
    const phone = await signIn('wallet-floor-7');
    const res = await change(desk, { currentPassword: 'wallet-floor-7', newPassword: 'a-new-floor-password' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, username: 'mei' });
    expect((await t.app.request('/api/auth/me', { headers: { cookie: desk } })).status).toBe(200);
    expect((await t.app.request('/api/auth/me', { headers: { cookie: phone } })).status).toBe(401);
    expect((await login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }))).status).toBe(401);
    expect((await login(JSON.stringify({ username: 'mei', password: 'a-new-floor-password' }))).status).toBe(200);
  });

  it('refuses a wrong current password with a 400 at that field, changing nothing, and holds it with the sign-ins: five wrong, and both are held', async () => {
    withManager();
    const desk = await signIn('wallet-floor-7');
    const wrong = await change(desk, { currentPassword: 'guess-0', newPassword: 'a-new-floor-password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ path: 'currentPassword', message: expect.stringMatching(/is not your current password/) }]);
    for (let i = 1; i < 5; i++) expect((await change(desk, { currentPassword: `guess-${i}`, newPassword: 'a-new-floor-password' })).status).toBe(400);
    // Held, even the right one: a session left open is no way round the sign-in's hold.
    const held = await change(desk, { currentPassword: 'wallet-floor-7', newPassword: 'a-new-floor-password' });
    expect(held.status).toBe(429);
    expect(held.headers.get('retry-after')).toBe('30');
    expect((await login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }))).status).toBe(429);
    expect((await t.app.request('/api/auth/me', { headers: { cookie: desk } })).status).toBe(200);
  });

  it('holds a sign-in guesser\'s wrong tries against a password change too', async () => {
    withManager();
    const desk = await signIn('wallet-floor-7');
    for (let i = 0; i < 5; i++) expect((await login(JSON.stringify({ username: 'mei', password: `guess-${i}` }))).status).toBe(401);
    expect((await change(desk, { currentPassword: 'wallet-floor-7', newPassword: 'a-new-floor-password' })).status).toBe(429);
  });

  it('takes a new password by the rules an admin\'s takes, says each fault at its field, and changes nothing', async () => {
    withManager();
    const desk = await signIn('wallet-floor-7');
    const cases: [unknown, string, RegExp][] = [
      [{ currentPassword: 'wallet-floor-7', newPassword: 'short' }, 'newPassword', /at least 12 characters/],
      [{ currentPassword: 'wallet-floor-7', newPassword: 'p'.repeat(1025) }, 'newPassword', /at most 1024 characters/],
      [{ currentPassword: 'wallet-floor-7', newPassword: 'wallet-floor-7' }, 'newPassword', /is the password you have now/],
      [{ currentPassword: '', newPassword: 'a-new-floor-password' }, 'currentPassword', /is empty/],
      [{ newPassword: 'a-new-floor-password' }, 'currentPassword', /required/],
      [{ currentPassword: 'wallet-floor-7', newPassword: 'a-new-floor-password', username: 'admin' }, '', /unknown field "username"/],
      ['[]', '', /expected a JSON object/]
    ];
    for (const [body, path, message] of cases) {
      const res = await change(desk, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors, JSON.stringify(body)).toContainEqual({ path, message: expect.stringMatching(message) });
    }
    expect((await login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }))).status).toBe(200);
  });

  it('is for people only: a token is a 403, no credentials a 401, another site\'s page a 403', async () => {
    withManager();
    const body = { currentPassword: 'wallet-floor-7', newPassword: 'a-new-floor-password' };
    for (const role of ['admin', 'display'] as const) {
      const res = await t.send('POST', '/api/auth/password', body, { authorization: `Bearer ${t.tokens[role]}` });
      expect(res.status, role).toBe(403);
      expect(res.body.message).toMatch(/A token has no password to change/);
    }
    expect((await t.send('POST', '/api/auth/password', body, {})).status).toBe(401);
    const desk = await signIn('wallet-floor-7');
    expect((await change(desk, body, { host: 'floor.example', origin: 'http://evil.example' })).status).toBe(403);
    expect((await login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }))).status).toBe(200);
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

describe('where a token may be sent', () => {
  it('takes ?token= only for the live WebSocket, so tokens stay out of other addresses and their logs', async () => {
    t = testApp({ now: () => NOW });
    const event = { id: 'q-1', type: 'ticket.created', at: NOW - 60_000, ticket: 'T-q', channel: 'email' };
    const viaQuery = await t.app.request(`/api/events?token=${t.tokens.ingest}`, { method: 'POST', body: JSON.stringify(event) });
    expect(viaQuery.status).toBe(401);
    expect((await t.app.request(`/api/kpis?token=${t.tokens.manager}`)).status).toBe(401);
    expect((await t.kpis()).tickets.created).toBe(0);
  });

  it('takes the Bearer scheme in any case, as HTTP reads authentication schemes', async () => {
    t = testApp({ now: () => NOW });
    for (const scheme of ['bearer', 'BEARER'])
      expect((await t.app.request('/api/kpis', { headers: { authorization: `${scheme} ${t.tokens.supervisor}` } })).status, scheme).toBe(200);
    const event = { id: 'lc-1', type: 'ticket.created', at: NOW - 60_000, ticket: 'T-lc', channel: 'email' };
    const posted = await t.app.request('/api/events', { method: 'POST', headers: { authorization: `bearer ${t.tokens.ingest}` }, body: JSON.stringify(event) });
    expect(posted.status).toBe(200);
  });

  it('answers a plain GET /api/live with 401, 403 or 426 Upgrade Required, never 404', async () => {
    t = testApp({ now: () => NOW });
    expect((await t.app.request('/api/live')).status).toBe(401);
    expect((await t.app.request(`/api/live?token=${t.tokens.ingest}`)).status).toBe(403);
    const wall = await t.app.request(`/api/live?token=${t.tokens.display}`);
    expect(wall.status).toBe(426);
    expect((await wall.json()).message).toMatch(/WebSocket/);
  });

  // The wall asks a plain GET /api/live why its handshake failed: with two different ?token= it was told of the
  // first token's role, as if the second were not there.
  it('answers GET /api/live with two different ?token= 400, saying so, and takes the same token twice', async () => {
    t = testApp({ now: () => NOW });
    const two = await t.app.request(`/api/live?token=${t.tokens.display}&token=${t.tokens.ingest}`);
    expect([two.status, await two.json()]).toEqual([400, { error: 'bad_request', message: expect.stringMatching(/\?token= 2 times, with different tokens/) }]);
    expect((await t.app.request(`/api/live?token=${t.tokens.display}&token=${t.tokens.display}`)).status).toBe(426);
  });
});

describe('ADMIN_PASSWORD and INGEST_TOKEN', () => {
  it('are taken however short (the spec sets no minimum), with a warning for the operator', async () => {
    const config = loadConfig({ DATABASE_PATH: './data/kpi.sqlite', ADMIN_PASSWORD: 'admin', INGEST_TOKEN: 'abc', KPI_TIMEZONE: 'UTC' });
    expect(configWarnings(config)).toEqual([expect.stringMatching(/^INGEST_TOKEN is shorter/), expect.stringMatching(/^ADMIN_PASSWORD is shorter/)]);
    t = testApp({ now: () => NOW });
    bootstrapCredentials(t.rt.db, { adminPassword: config.ADMIN_PASSWORD, ingestToken: config.INGEST_TOKEN, now: NOW });
    expect((await login(JSON.stringify({ username: 'admin', password: 'admin' }))).status).toBe(200);
    const event = { id: 'short-1', type: 'ticket.created', at: NOW - 60_000, ticket: 'T-s', channel: 'chat' };
    expect(await t.post(event, { token: 'abc' })).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    expect(configWarnings(loadConfig({ ADMIN_PASSWORD: 'a-long-enough-one', INGEST_TOKEN: 'another-long-token', KPI_TIMEZONE: 'UTC' }))).toEqual([]);
  });

  it('INGEST_TOKEN given a new value cuts off the old one (a leaked token replaced); ADMIN_PASSWORD changed later says it is not read', async () => {
    let clock = NOW;
    t = testApp({ now: () => clock });
    const event = (id: string) => ({ id, type: 'ticket.created', at: NOW - 60_000, ticket: `T-${id}`, channel: 'chat' });
    expect(bootstrapCredentials(t.rt.db, { adminPassword: 'first-password', ingestToken: 'leaked-token-AAAA', now: NOW }).notices).toEqual([]);
    expect((await t.post(event('r1'), { token: 'leaked-token-AAAA' })).status).toBe(200);
    // The same value again at the next start changes nothing.
    expect(bootstrapCredentials(t.rt.db, { adminPassword: 'first-password', ingestToken: 'leaked-token-AAAA', now: NOW }).notices).toEqual([]);
    const next = bootstrapCredentials(t.rt.db, { adminPassword: 'second-password', ingestToken: 'fresh-token-BBBB', now: NOW + 6_000 });
    expect(next.notices).toEqual([expect.stringMatching(/^INGEST_TOKEN has a new value/), expect.stringMatching(/^ADMIN_PASSWORD is read only when the database is new/)]);
    // Past the token cache's few seconds.
    clock = NOW + 6_000;
    expect((await t.post(event('r2'), { token: 'leaked-token-AAAA' })).status).toBe(401);
    expect((await t.post(event('r3'), { token: 'fresh-token-BBBB' })).status).toBe(200);
    // Tokens made otherwise (the test's own) are not touched.
    expect((await t.post(event('r4'))).status).toBe(200);
    expect((await login(JSON.stringify({ username: 'admin', password: 'first-password' }))).status).toBe(200);
  });
  it('INGEST_TOKEN set after a first start without it cuts off the token printed then; the wall\'s display token stays', async () => {
    let clock = NOW;
    t = testApp({ now: () => clock });
    const event = (id: string) => ({ id, type: 'ticket.created', at: NOW - 60_000, ticket: `T-${id}`, channel: 'chat' });
    // A first start makes an ingest token only where none exists: not even the test's own.
    t.rt.db.$client.exec("DELETE FROM api_tokens WHERE role = 'ingest'");
    const first = bootstrapCredentials(t.rt.db, { now: NOW });
    expect(first.ingestToken).toEqual(expect.any(String));
    expect((await t.post(event('p1'), { token: first.ingestToken })).status).toBe(200);
    const next = bootstrapCredentials(t.rt.db, { ingestToken: 'chosen-token-CCCC', now: NOW + 6_000 });
    expect(next.notices).toEqual(['INGEST_TOKEN is set: the ingest token printed at first start is no longer accepted.']);
    clock = NOW + 6_000;
    expect((await t.post(event('p2'), { token: first.ingestToken })).status).toBe(401);
    expect((await t.post(event('p3'), { token: 'chosen-token-CCCC' })).status).toBe(200);
    expect((await t.app.request('/api/kpis', { headers: { authorization: `Bearer ${first.displayToken}` } })).status).not.toBe(401);
  });
});

describe('a session cookie on a state-changing request', () => {
  it('is refused from a page of another site (or another port of this host), which the browser sends the cookie from: 403, nothing stored', async () => {
    t = testApp({ now: () => NOW });
    t.rt.db.insert(users).values({ username: 'ada', passwordHash: hashPassword('floor-admin-1'), role: 'admin', createdAt: NOW }).run();
    const cookie = cookieOf(await login(JSON.stringify({ username: 'ada', password: 'floor-admin-1' })));
    const event = { id: 'csrf-1', type: 'ticket.created', at: NOW - 60_000, ticket: 'T-csrf', channel: 'email' };
    // What a page's fetch(…, { credentials: 'include' }) sends: text/plain needs no preflight.
    const post = (origin: string) =>
      t.app.request('/api/events', { method: 'POST', headers: { cookie, origin, host: 'floor.example.com', 'content-type': 'text/plain' }, body: JSON.stringify(event) });
    for (const origin of ['http://evil.example.com', 'http://floor.example.com:8080', 'null']) {
      const res = await post(origin);
      expect(res.status, origin).toBe(403);
      expect((await res.json()).message, origin).toMatch(/another site/);
    }
    expect((await t.kpis()).tickets.created).toBe(0);
    const logout = await t.app.request('/api/auth/logout', { method: 'POST', headers: { cookie, origin: 'http://evil.example.com', host: 'floor.example.com' } });
    expect(logout.status).toBe(403);
    expect((await t.app.request('/api/auth/me', { headers: { cookie } })).status).toBe(200);
    // The dashboard's own pages, and a client that sends no Origin (curl), are served.
    expect((await post('http://floor.example.com')).status).toBe(200);
    expect((await t.kpis()).tickets.created).toBe(1);
  });
});

describe('a sign-in from a page of another site', () => {
  it('is refused, so a page on another port or subdomain cannot swap the session of a wall or desk for one of its choosing', async () => {
    withManager();
    const body = JSON.stringify({ username: 'mei', password: 'wallet-floor-7' });
    const signIn = (origin?: string) =>
      t.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'text/plain', host: 'floor.example.com', ...(origin ? { origin } : {}) }, body });
    for (const origin of ['http://evil.example.com', 'http://floor.example.com:8080', 'null']) {
      const res = await signIn(origin);
      expect([origin, res.status, res.headers.get('set-cookie')]).toEqual([origin, 403, null]);
      expect((await res.json()).message, origin).toMatch(/another site/);
    }
    // The start page's own sign-in, and a client that sends no Origin (curl), are served.
    for (const origin of ['http://floor.example.com', undefined]) expect((await signIn(origin)).status, origin).toBe(200);
  });
});

describe('a page of this site behind a proxy', () => {
  it('is served when the proxy names the host with its scheme\'s own port (nginx: $host:$server_port) or in capitals, as the browser\'s Origin does not', async () => {
    withManager();
    const body = JSON.stringify({ username: 'mei', password: 'wallet-floor-7' });
    const signIn = (headers: Record<string, string>) => t.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const served: Record<string, string>[] = [
      { origin: 'https://floor.example.com', host: '10.0.0.5:3000', 'x-forwarded-host': 'floor.example.com:443' },
      { origin: 'http://floor.example.com', host: 'floor.example.com:80' },
      { origin: 'http://floor.example.com', host: 'Floor.Example.COM' }
    ];
    for (const headers of served) expect((await signIn(headers)).status, JSON.stringify(headers)).toBe(200);
    // Another port is another page's, whatever the scheme's own port.
    const refused: Record<string, string>[] = [
      { origin: 'http://floor.example.com', host: '10.0.0.5:3000', 'x-forwarded-host': 'floor.example.com:443' },
      { origin: 'https://floor.example.com', host: 'floor.example.com:80' }
    ];
    for (const headers of refused) expect((await signIn(headers)).status, JSON.stringify(headers)).toBe(403);
  });
});

describe('a refusal of another site\'s page', () => {
  it('is logged once a minute with the host the server was asked for, so an operator behind a proxy that rewrites Host can see why', async () => {
    withManager();
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const body = JSON.stringify({ username: 'mei', password: 'wallet-floor-7' });
      // A proxy at floor.example.com:8443 that passes Host on as the server's own address.
      const headers = { 'content-type': 'application/json', host: '10.0.0.5:3000', origin: 'https://floor.example.com:8443' };
      for (let i = 0; i < 3; i++) expect((await t.app.request('/api/auth/login', { method: 'POST', headers, body })).status).toBe(403);
      const lines = warnings.mock.calls.map((call) => String(call[0]));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/sign you in.*floor\.example\.com:8443.*10\.0\.0\.5:3000.*X-Forwarded-Host/);
    } finally {
      warnings.mockRestore();
    }
  });
});

describe('a 401', () => {
  it('says what was wrong: no credentials, a token the server does not accept, or a session that has ended', async () => {
    withManager();
    const cookie = cookieOf(await login(JSON.stringify({ username: 'mei', password: 'wallet-floor-7' })));
    await t.app.request('/api/auth/logout', { method: 'POST', headers: { cookie } });
    const why = async (headers: Record<string, string>) => (await (await t.app.request('/api/kpis', { headers })).json()).message as string;
    expect(await why({})).toBe('Sign in, or send Authorization: Bearer <token>.');
    expect(await why({ authorization: 'Bearer revoked-or-mistyped' })).toMatch(/^The token sent is not one this server accepts \(mistyped, or revoked\)/);
    expect(await why({ cookie })).toMatch(/^Your session has ended \(signed out, or 12 hours after signing in\): sign in again\.$/);
    const event = { id: 'u-1', type: 'ticket.created', at: NOW - 60_000, ticket: 'T-u', channel: 'email' };
    expect((await t.post(event, { token: 'revoked-or-mistyped' })).body.message).toMatch(/^The token sent is not one this server accepts/);
  });
});
