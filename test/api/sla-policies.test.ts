// Admins set the SLA policies (SPEC.md, Roles: admin "+ SLA policies"): GET /api/sla-policies for supervisors and
// above, PUT /api/sla-policies for admins, the whole policy as a new version that takes effect a little ahead.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { users } from '../../db/index';
import { hashPassword } from '../../api/auth/credentials';
import { testApp } from '../helpers/app';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const MIN = 60_000;
const DEFAULTS = { urgent: 300, high: 1800, normal: 7200, low: 28800 };
let clock = NOW;
let t: ReturnType<typeof testApp>;
afterEach(() => {
  t?.close();
  clock = NOW;
});

const put = (body: unknown, headers?: Record<string, string>) => t.send('PUT', '/api/sla-policies', body, headers);
const policies = async (token = t.tokens.supervisor) => (await t.get('/api/sla-policies', token)).body;

describe('GET /api/sla-policies', () => {
  it("answers SPEC's defaults, the server's time and no versions before an admin saved one", async () => {
    t = testApp({ now: () => clock });
    expect(await policies()).toEqual({ defaults: DEFAULTS, now: NOW, versions: [] });
  });
});

describe('PUT /api/sla-policies', () => {
  it('saves the whole policy as a version taking effect at the next whole minute after 5 min, answered as GET answers, newest first', async () => {
    t = testApp({ now: () => clock });
    const saved = await put({ rules: [{ priority: 'urgent', channel: 'chat', targetSec: 120 }, { priority: 'high', targetSec: 900 }] });
    expect(saved.status).toBe(200);
    const first = {
      effectiveFrom: NOW + 6 * MIN,
      setBy: 'admin token',
      setAt: NOW,
      rules: [
        { priority: 'urgent', channel: 'chat', targetSec: 120 },
        { priority: 'high', channel: null, targetSec: 900 }
      ]
    };
    expect(saved.body).toEqual({ defaults: DEFAULTS, now: NOW, versions: [first] });
    clock = NOW + 10 * MIN + 1;
    expect((await put({ rules: [] })).body.versions).toEqual([{ effectiveFrom: NOW + 16 * MIN, setBy: 'admin token', setAt: clock, rules: [] }, first]);
    expect(await policies()).toEqual({ defaults: DEFAULTS, now: clock, versions: [{ effectiveFrom: NOW + 16 * MIN, setBy: 'admin token', setAt: clock, rules: [] }, first] });
  });

  it('replaces the pending version of the same minute (a typo corrected), and shows the 50 newest versions', async () => {
    t = testApp({ now: () => clock });
    await put({ rules: [{ priority: 'low', targetSec: 3600 }] });
    clock = NOW + 40_000;
    const corrected = await put({ rules: [{ priority: 'low', targetSec: 36000 }] });
    expect(corrected.body.versions).toEqual([{ effectiveFrom: NOW + 6 * MIN, setBy: 'admin token', setAt: NOW + 40_000, rules: [{ priority: 'low', channel: null, targetSec: 36000 }] }]);
    for (let i = 1; i <= 55; i++) {
      clock = NOW + i * MIN;
      expect((await put({ rules: [{ priority: 'low', targetSec: 100 + i }] })).status).toBe(200);
    }
    const { versions } = await policies();
    expect(versions).toHaveLength(50);
    expect(versions.map((v: { rules: { targetSec: number }[] }) => v.rules[0].targetSec)).toEqual(Array.from({ length: 50 }, (_, i) => 155 - i));
  });

  it('judges first responses from effectiveFrom by the saved rules, in /api/kpis', async () => {
    t = testApp({ now: () => clock });
    expect((await put({ rules: [{ priority: 'urgent', channel: 'chat', targetSec: 120 }] })).status).toBe(200);
    clock = NOW + 60 * MIN;
    const ticket = (id: string, created: number, frtSec: number) => [
      { id: `${id}-c`, type: 'ticket.created', at: created, ticket: id, channel: 'chat', priority: 'urgent' },
      { id: `${id}-r`, type: 'ticket.replied', at: created + frtSec * 1000, ticket: id, agent: 'ann' }
    ];
    // 200 s: within the default 300 s before 12:06, breached against 120 s from then on.
    expect((await t.post([...ticket('T1', NOW + 2 * MIN, 200), ...ticket('T2', NOW + 6 * MIN, 200)])).status).toBe(200);
    expect((await t.kpis()).firstResponse).toMatchObject({ count: 2, withinTarget: 1, breached: 1 });
  });

  it('names every fault at its path, and stores nothing', async () => {
    t = testApp({ now: () => clock });
    await put({ rules: [{ priority: 'high', targetSec: 900 }] });
    const before = await policies();
    const bad = await put({
      rules: [
        { priority: 'critical', channel: 'chat', targetSec: 60 },
        { priority: 'urgent', channel: 'fax', targetSec: 60 },
        { priority: 'urgent', targetSec: 1.5 },
        { priority: 'urgent', channel: null, targetSec: 0 },
        { priority: 'normal', targetSec: 2_592_001 },
        { priority: 'normal', targetSec: '60' },
        { priority: 'low', channel: 'email', targetSec: 60 },
        { priority: 'low', channel: 'email', targetSec: 90 },
        { priority: 'high', targetSec: 60, target: 5 },
        { priority: 'high', channel: 'web' },
        7
      ]
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'rules.0.priority',
      'rules.1.channel',
      'rules.2.targetSec',
      'rules.3.targetSec',
      'rules.4.targetSec',
      'rules.5.targetSec',
      'rules.7',
      'rules.8',
      'rules.9.targetSec',
      'rules.10'
    ]);
    const message = (path: string) => bad.body.errors.find((e: { path: string }) => e.path === path).message;
    expect(message('rules.0.priority')).toMatch(/"critical".*"urgent"/);
    expect(message('rules.1.channel')).toMatch(/"fax"/);
    expect(message('rules.2.targetSec')).toMatch(/whole number/);
    expect(message('rules.3.targetSec')).toMatch(/at least 1/);
    expect(message('rules.4.targetSec')).toMatch(/at most 2592000/);
    expect(message('rules.7')).toMatch(/low on email.*rules\.6/);
    expect(message('rules.8')).toMatch(/"target"/);
    expect(message('rules.9.targetSec')).toMatch(/required/);

    const many = await put({ rules: Array.from({ length: 101 }, (_, i) => ({ priority: 'low', channel: i ? 'chat' : null, targetSec: 60 })) });
    expect(many.status).toBe(400);
    expect(many.body.errors[0]).toMatchObject({ path: 'rules', message: expect.stringMatching(/101 rules; at most 100/) });
    for (const body of ['{"rules": [', '[]', '{}', '{"rules": {}}', '{"rules": [], "note": "x"}', 'null']) {
      const res = await put(body);
      expect(res.status, body).toBe(400);
      expect(res.body.errors, body).toEqual([{ path: '', message: expect.stringMatching(/expected .*"rules"/) }]);
    }
    expect(await policies()).toEqual(before);
  });

  it('tells an admin who typed a huge targetSec only that it is over 30 days, not that it is no whole number', async () => {
    t = testApp({ now: () => clock });
    for (const huge of ['1e20', '99999999999999999999', '9007199254740993']) {
      const res = await put(`{"rules":[{"priority":"low","targetSec":${huge}}]}`);
      expect(res.status, huge).toBe(400);
      expect(res.body.errors, huge).toEqual([{ path: 'rules.0.targetSec', message: 'must be at most 2592000 seconds (30 days)' }]);
    }
    expect((await policies()).versions).toEqual([]);
  });

  it('says no SLA policy was changed, and to save again, when the database stays busy past its wait (503, Retry-After)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-sla-api-')), 'floor.sqlite');
    t = testApp({ now: () => clock, path });
    t.rt.db.$client.pragma('busy_timeout = 100');
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const res = await put({ rules: [{ priority: 'urgent', targetSec: 60 }] });
    other.exec('ROLLBACK');
    other.close();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.body.message).toMatch(/no SLA policy was changed.*save again/);
    expect((await policies()).versions).toEqual([]);
  });

  it("is refused below admin (403), without credentials (401), and from another site's page with an admin's session", async () => {
    t = testApp({ now: () => clock });
    const policy = { rules: [{ priority: 'urgent', targetSec: 60 }] };
    expect((await put(policy, { authorization: `Bearer ${t.tokens.manager}` })).status).toBe(403);
    expect((await put(policy, {})).status).toBe(401);
    expect((await t.get('/api/sla-policies', t.tokens.display)).status).toBe(403);
    expect((await t.get('/api/sla-policies', null)).status).toBe(401);
    t.rt.db.insert(users).values({ username: 'ada', passwordHash: hashPassword('sla-admin-1'), role: 'admin', createdAt: NOW }).run();
    const login = await t.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ada', password: 'sla-admin-1' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    expect((await put(policy, { cookie, host: 'floor.example', origin: 'http://evil.example' })).status).toBe(403);
    expect((await policies()).versions).toEqual([]);
    const own = await put(policy, { cookie, host: 'floor.example', origin: 'http://floor.example' });
    expect(own.status).toBe(200);
    expect(own.body.versions[0]).toMatchObject({ setBy: 'ada', rules: [{ priority: 'urgent', channel: null, targetSec: 60 }] });
  });
});

describe('PUT /api/sla-policies from a policy another admin has since replaced (If-Match)', () => {
  const admin = () => ({ authorization: `Bearer ${t.tokens.admin}` });

  it('refuses a save made from an older version with 412, naming who saved since, and stores nothing; a save from the newest goes through', async () => {
    t = testApp({ now: () => clock });
    const read = await t.send('GET', '/api/sla-policies', undefined, admin());
    const opened = read.headers.get('etag')!;
    expect(opened).toBe('"none"');

    // Another admin saves first; their save answers the tag of the version it made.
    clock = NOW + 20_000;
    const theirs = await put({ rules: [{ priority: 'urgent', channel: 'chat', targetSec: 120 }] });
    expect(theirs.status).toBe(200);
    const current = theirs.headers.get('etag')!;
    expect(current).toBe(`"${NOW + 6 * MIN}.${NOW + 20_000}"`);

    // The first admin's page still shows what it opened: their save is refused, and the other admin's policy stands.
    clock = NOW + 40_000;
    const mine = await put({ rules: [{ priority: 'high', targetSec: 900 }] }, { ...admin(), 'if-match': opened });
    expect(mine.status).toBe(412);
    expect(mine.headers.get('etag')).toBe(current);
    expect(mine.body.error).toBe('precondition_failed');
    expect(mine.body.message).toBe(
      `The SLA policy changed since it was read (If-Match): admin token saved a new version at ${new Date(NOW + 20_000).toISOString()}. No SLA policy was changed; read GET /api/sla-policies again and save again.`
    );
    expect((await policies()).versions).toEqual([theirs.body.versions[0]]);

    // Read again, the save names the newest version and is taken; as is one with no If-Match (a script's), or `*`.
    const again = await put({ rules: [{ priority: 'high', targetSec: 900 }] }, { ...admin(), 'if-match': current });
    expect(again.status).toBe(200);
    expect(again.body.versions[0].rules).toEqual([{ priority: 'high', channel: null, targetSec: 900 }]);
    expect((await put({ rules: [] }, { ...admin(), 'if-match': '*' })).status).toBe(200);
    expect((await put({ rules: [{ priority: 'low', targetSec: 600 }] })).status).toBe(200);
  });
});
