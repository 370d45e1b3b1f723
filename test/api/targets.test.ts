// Admins set the KPI targets that colour every screen (SPEC.md, Roles: admin "+ targets"): GET /api/targets for
// anyone who sees the numbers, PUT /api/targets for admins, a partial map of KPI path → {warn, critical}.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { users } from '../../db/index';
import { hashPassword } from '../../api/auth/credentials';
import { DEFAULT_KPI_TARGETS } from '../../api/kpi/targets';
import { testApp } from '../helpers/app';
import { en } from '../../web/lib/i18n/en';
import { zhCN } from '../../web/lib/i18n/zh-cn';

const NOW = Date.parse('2026-11-24T12:00:00Z');
let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

const put = (body: unknown, headers?: Record<string, string>) => t.send('PUT', '/api/targets', body, headers);
const targets = async () => (await t.get('/api/targets', t.tokens.display)).body.targets;

describe('GET /api/targets', () => {
  it('answers every KPI with its target, its direction and default, and that it is the default', async () => {
    t = testApp({ now: () => NOW });
    const got = await targets();
    expect(Object.keys(got)).toEqual(Object.keys(DEFAULT_KPI_TARGETS));
    for (const [kpi, d] of Object.entries(DEFAULT_KPI_TARGETS))
      expect(got[kpi], kpi).toEqual({ ...d, isDefault: true, default: { warn: d.warn, critical: d.critical } });
  });
});

describe('PUT /api/targets', () => {
  it('sets the KPIs named, keeps the rest, and null puts one back to its default', async () => {
    t = testApp({ now: () => NOW });
    const set = await put({ 'csat.pct': { warn: 85, critical: 75 }, 'backlog.unattended': { warn: 10, critical: 25 } });
    expect(set.status).toBe(200);
    expect(set.body.targets['csat.pct']).toEqual({ higherIsBetter: true, warn: 85, critical: 75, isDefault: false, default: { warn: 80, critical: 70 } });
    const after = await targets();
    expect(after).toEqual(set.body.targets);
    expect(after['backlog.unattended']).toMatchObject({ warn: 10, critical: 25, isDefault: false });
    expect(after['firstResponse.p90Sec']).toMatchObject({ warn: 1800, critical: 7200, isDefault: true });

    const reset = await put({ 'csat.pct': null });
    expect(reset.status).toBe(200);
    expect(reset.body.targets['csat.pct']).toMatchObject({ warn: 80, critical: 70, isDefault: true });
    expect(reset.body.targets['backlog.unattended']).toMatchObject({ warn: 10, critical: 25, isDefault: false });
  });

  it('refuses an unknown KPI, a non-number, a negative or a threshold on the wrong side with a 400 naming the KPI and field, and stores nothing of it', async () => {
    t = testApp({ now: () => NOW });
    expect((await put({ 'csat.pct': { warn: 85, critical: 75 } })).status).toBe(200);
    const before = await targets();
    const good = { 'backlog.unattended': { warn: 5, critical: 9 } };
    const cases: [unknown, string, RegExp][] = [
      [{ ...good, 'csat.pcnt': { warn: 1, critical: 0 } }, 'csat.pcnt', /unknown KPI "csat\.pcnt"; expected one of .*csat\.pct/],
      [{ ...good, 'csat.pct': { warn: '90', critical: 80 } }, 'csat.pct.warn', /expected a number, got the text "90"/],
      [{ ...good, 'csat.pct': { warn: 90 } }, 'csat.pct.critical', /required/],
      [{ ...good, 'backlog.oldestUnattendedSec': { warn: -60, critical: 600 } }, 'backlog.oldestUnattendedSec.warn', /at least 0/],
      [{ ...good, 'callbacks.onTimePct': { warn: 120, critical: 90 } }, 'callbacks.onTimePct.warn', /at most 100/],
      [{ ...good, 'csat.pct': { warn: 101, critical: 90 } }, 'csat.pct.warn', /at most 100/],
      // The wall writes counts whole and durations to the second: 2.5 read "target ≤ 3" on a tile amber at 3.
      [{ ...good, 'backlog.unattended': { warn: 2.5, critical: 5 } }, 'backlog.unattended.warn', /whole number/],
      [{ ...good, 'firstResponse.p50Sec': { warn: 90.5, critical: 1800 } }, 'firstResponse.p50Sec.warn', /whole number of seconds/],
      [{ ...good, 'firstResponse.p90Sec': { warn: 1800, critical: 1e308 } }, 'firstResponse.p90Sec.critical', /at most/],
      // Higher is better: red (critical) comes below amber (warn).
      [{ ...good, 'csat.pct': { warn: 70, critical: 80 } }, 'csat.pct.critical', /csat\.pct: critical \(80\) must be at most warn \(70\)/],
      // Lower is better: red comes above amber.
      [{ ...good, 'firstResponse.p90Sec': { warn: 600, critical: 300 } }, 'firstResponse.p90Sec.critical', /firstResponse\.p90Sec: critical \(300\) must be at least warn \(600\)/],
      [{ ...good, 'csat.pct': { warn: 90, critical: 80, red: 50 } }, 'csat.pct', /unknown field "red"; a target is {"warn","critical"}/],
      [[good], '', /expected a JSON object/],
      ['{"csat.pct":', '', /not JSON/]
    ];
    for (const [body, path, message] of cases) {
      const res = await put(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors, JSON.stringify(body)).toContainEqual({ path, message: expect.stringMatching(message) });
      expect(await targets()).toEqual(before);
    }
  });

  it('answers only once the targets are committed: another connection to the file reads them at once', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-targets-api-')), 'floor.sqlite');
    t = testApp({ now: () => NOW, path });
    expect((await put({ 'tickets.abandonedPct': { warn: 3, critical: 6 } })).status).toBe(200);
    const other = new Database(path, { readonly: true });
    expect(other.prepare('SELECT kpi, warn, critical FROM kpi_targets').all()).toEqual([{ kpi: 'tickets.abandonedPct', warn: 3, critical: 6 }]);
    other.close();
  });

  it('waits its turn while another connection writes (ingest, a backup), and the server answers others meanwhile', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-targets-api-')), 'floor.sqlite');
    t = testApp({ now: () => NOW, path });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    let answered = false;
    const saving = put({ 'csat.pct': { warn: 85, critical: 75 } }).then((res) => ((answered = true), res));
    // A turn of the event loop: the change has reached the database and found it held.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await t.get('/api/targets', t.tokens.display)).status).toBe(200);
    expect(answered).toBe(false);
    other.exec('COMMIT');
    other.close();
    expect((await saving).status).toBe(200);
    expect((await targets())['csat.pct']).toMatchObject({ warn: 85, critical: 75, isDefault: false });
  });

  it('says no target was changed, and to save again, when the database stays busy past its wait', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-targets-api-')), 'floor.sqlite');
    t = testApp({ now: () => NOW, path });
    t.rt.db.$client.pragma('busy_timeout = 100');
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const res = await put({ 'csat.pct': { warn: 85, critical: 75 } });
    other.exec('ROLLBACK');
    other.close();
    expect(res.status).toBe(503);
    expect(res.body.message).toMatch(/no target was changed.*save again/);
    expect((await targets())['csat.pct'].isDefault).toBe(true);
  });

  it('is refused below admin (403), without credentials (401), and from another site\'s page with an admin\'s session', async () => {
    t = testApp({ now: () => NOW });
    const change = { 'csat.pct': { warn: 95, critical: 90 } };
    expect((await put(change, { authorization: `Bearer ${t.tokens.manager}` })).status).toBe(403);
    expect((await put(change, {})).status).toBe(401);
    t.rt.db.insert(users).values({ username: 'ada', passwordHash: hashPassword('targets-admin-1'), role: 'admin', createdAt: NOW }).run();
    const login = await t.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ada', password: 'targets-admin-1' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const crossSite = await put(change, { cookie, host: 'floor.example', origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    expect((await targets())['csat.pct'].isDefault).toBe(true);
    const own = await put(change, { cookie, host: 'floor.example', origin: 'http://floor.example' });
    expect(own.status).toBe(200);
    expect((await targets())['csat.pct']).toMatchObject({ warn: 95, critical: 90, isDefault: false });
  });

  it('lists only KPIs a screen colours, each named in English and Chinese, so an admin knows what each row changes', async () => {
    t = testApp({ now: () => NOW });
    const listed = Object.keys(await targets());
    expect(listed.length).toBeGreaterThan(0);
    const unnamed = listed.filter((kpi) => !(`kpi.${kpi}` in en) || !(`kpi.${kpi}` in zhCN));
    expect(unnamed).toEqual([]);
  });
});

describe('PUT /api/targets from targets another admin has since changed (If-Match)', () => {
  it('refuses a save made from what was read before another admin saved with 412, answering the targets in force, and stores nothing', async () => {
    t = testApp({ now: () => NOW });
    const admin = { authorization: `Bearer ${t.tokens.admin}` };
    const read = await t.send('GET', '/api/targets', undefined, admin);
    const opened = read.headers.get('etag')!;
    expect(opened).toMatch(/^"[\w-]{22}"$/);

    const theirs = await put({ 'csat.pct': { warn: 85, critical: 75 } });
    expect(theirs.status).toBe(200);
    const current = theirs.headers.get('etag')!;
    expect(current).not.toBe(opened);

    const mine = await put({ 'backlog.unattended': { warn: 10, critical: 30 } }, { ...admin, 'if-match': opened });
    expect(mine.status).toBe(412);
    expect(mine.body.error).toBe('precondition_failed');
    expect(mine.body.message).toBe(
      `The KPI targets changed since they were read (If-Match): admin token saved them at ${new Date(NOW).toISOString()}. No target was changed; read GET /api/targets again and save again.`
    );
    expect(mine.body).toMatchObject({ savedBy: 'admin token', savedAt: NOW });
    expect(mine.body.targets).toEqual(theirs.body.targets);
    expect(mine.headers.get('etag')).toBe(current);
    expect((await t.get('/api/targets')).body.targets).toEqual(theirs.body.targets);

    // Read again (or with no If-Match, as a script sends), it is taken.
    const again = await put({ 'backlog.unattended': { warn: 10, critical: 30 } }, { ...admin, 'if-match': current });
    expect(again.status).toBe(200);
    expect(again.body.targets['backlog.unattended']).toMatchObject({ warn: 10, critical: 30 });
    expect(again.body.targets['csat.pct']).toMatchObject({ warn: 85, critical: 75 });
    expect((await put({ 'csat.pct': null })).status).toBe(200);
  });
});

describe('PUT /api/targets refused from older targets: who saved since, and when', () => {
  it('names the admin who saved last and when, a reset to the default too, and a second save from the newest stands', async () => {
    let clock = NOW;
    t = testApp({ now: () => clock });
    const [ada, bea] = [await t.signedIn('ada'), await t.signedIn('bea')];
    const opened = (await t.send('GET', '/api/targets', undefined, ada)).headers.get('etag')!;
    clock = NOW + 20_000;
    expect((await put({ 'csat.pct': { warn: 85, critical: 75 } }, { ...bea, 'if-match': opened })).status).toBe(200);
    const afterBea = (await t.send('GET', '/api/targets', undefined, ada)).headers.get('etag')!;
    // ada, whose page was opened first, saves: refused, naming bea and when.
    clock = NOW + 40_000;
    const refused = await put({ 'backlog.unattended': { warn: 10, critical: 30 } }, { ...ada, 'if-match': opened });
    expect(refused.status).toBe(412);
    expect(refused.body.message).toBe(
      `The KPI targets changed since they were read (If-Match): bea saved them at ${new Date(NOW + 20_000).toISOString()}. No target was changed; read GET /api/targets again and save again.`
    );
    expect(refused.body).toMatchObject({ savedBy: 'bea', savedAt: NOW + 20_000 });

    // A reset deletes the KPI's row; who reset it is named all the same.
    clock = NOW + 60_000;
    expect((await put({ 'csat.pct': null }, { ...bea, 'if-match': afterBea })).status).toBe(200);
    clock = NOW + 80_000;
    const again = await put({ 'backlog.unattended': { warn: 10, critical: 30 } }, { ...ada, 'if-match': afterBea });
    expect(again.status).toBe(412);
    expect(again.body).toMatchObject({ savedBy: 'bea', savedAt: NOW + 60_000 });
    expect(again.body.message).toMatch(`bea saved them at ${new Date(NOW + 60_000).toISOString()}.`);
    expect((await targets())['backlog.unattended'].isDefault).toBe(true);

    // From the tag the 412 gave, ada's save stands, and is the one named next.
    const stands = await put({ 'backlog.unattended': { warn: 10, critical: 30 } }, { ...ada, 'if-match': again.headers.get('etag')! });
    expect(stands.status).toBe(200);
    expect((await put({ 'csat.pct': { warn: 90, critical: 80 } }, { ...bea, 'if-match': afterBea })).body).toMatchObject({ savedBy: 'ada', savedAt: NOW + 80_000 });
  });

  it('names who set the targets from their rows where they were changed before the server kept its history', async () => {
    t = testApp({ now: () => NOW });
    const opened = (await t.send('GET', '/api/targets')).headers.get('etag')!;
    // As a release before migration 0020 left a save: its rows, and no change in the history.
    t.rt.db.$client.prepare("INSERT INTO kpi_targets (kpi, warn, critical, set_by, set_at) VALUES ('csat.pct', 85, 75, 'admin', ?)").run(NOW - 86_400_000);
    const res = await put({ 'backlog.unattended': { warn: 10, critical: 30 } }, { authorization: `Bearer ${t.tokens.admin}`, 'if-match': opened });
    expect(res.status).toBe(412);
    expect(res.body).toMatchObject({ savedBy: 'admin', savedAt: NOW - 86_400_000 });
    expect((await targets())['backlog.unattended'].isDefault).toBe(true);
  });

  it('says plainly that no one was recorded for targets put back to their defaults before the server kept its history', async () => {
    t = testApp({ now: () => NOW });
    t.rt.db.$client.prepare("INSERT INTO kpi_targets (kpi, warn, critical, set_by, set_at) VALUES ('csat.pct', 85, 75, 'admin', ?)").run(NOW - 86_400_000);
    const opened = (await t.send('GET', '/api/targets')).headers.get('etag')!;
    // As a release before migration 0020 left a reset: the row gone, and no change in the history.
    t.rt.db.$client.prepare("DELETE FROM kpi_targets WHERE kpi = 'csat.pct'").run();
    const res = await put({ 'backlog.unattended': { warn: 10, critical: 30 } }, { authorization: `Bearer ${t.tokens.admin}`, 'if-match': opened });
    expect(res.status).toBe(412);
    expect(res.body.message).toBe(
      'The KPI targets changed since they were read (If-Match): who saved them was not recorded (they were saved before this server kept it). No target was changed; read GET /api/targets again and save again.'
    );
    expect(res.body).toMatchObject({ savedBy: null, savedAt: null });
    expect((await targets())['backlog.unattended'].isDefault).toBe(true);
  });

  it('names the save that changed the targets, not a later one that saved them again as they were', async () => {
    let clock = NOW;
    t = testApp({ now: () => clock });
    const opened = (await t.send('GET', '/api/targets')).headers.get('etag')!;
    const change = { 'csat.pct': { warn: 85, critical: 75 } };
    expect((await put(change)).status).toBe(200);
    // A minute on, a second admin's page, read after the change, saves the same targets again: nothing moves, and their
    // tag stays.
    clock += 60_000;
    const theirs = (await t.send('GET', '/api/targets')).headers.get('etag')!;
    const again = await put(change, { authorization: `Bearer ${t.tokens.admin}`, 'if-match': theirs });
    expect(again.status).toBe(200);
    expect(again.headers.get('etag')).toBe(theirs);
    const res = await put({ 'backlog.unattended': { warn: 10, critical: 30 } }, { authorization: `Bearer ${t.tokens.admin}`, 'if-match': opened });
    expect(res.status).toBe(412);
    expect(res.body).toMatchObject({ savedBy: 'admin token', savedAt: NOW });
  });
});
