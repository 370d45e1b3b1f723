import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../api/app';
import { loadConfig } from '../../api/config';
import { testApp } from '../helpers/app';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const m = (minutes: number) => NOW - 6 * 3_600_000 + minutes * 60_000; // 06:00Z + minutes
let n = 0;
const e = (type: string, minutes: number, fields: Record<string, unknown>) => ({ id: `k${++n}`, type, at: m(minutes), ...fields });

/** Five chat tickets answered after 1..5 minutes by ann/bob, two resolved, ratings 5 and 2, one waiting, one abandoned. */
function scenario() {
  const evs: Record<string, unknown>[] = [];
  for (let i = 1; i <= 5; i++) {
    const ticket = `T${i}`;
    evs.push(e('ticket.created', i * 10, { ticket, channel: i === 5 ? 'email' : 'chat', team: 'wallet', priority: i === 1 ? 'urgent' : 'normal', category: 'refund' }));
    evs.push(e('ticket.assigned', i * 10, { ticket, agent: i % 2 ? 'ann' : 'bob' }));
    evs.push(e('ticket.replied', i * 10 + i + (i === 1 ? 5 : 0), { ticket, agent: i % 2 ? 'ann' : 'bob' }));
  }
  evs.push(e('ticket.resolved', 100, { ticket: 'T1' }), e('ticket.rated', 101, { ticket: 'T1', score: 5 }));
  evs.push(e('ticket.resolved', 120, { ticket: 'T2' }), e('ticket.rated', 125, { ticket: 'T2', score: 2 }));
  evs.push(e('ticket.customer_replied', 300, { ticket: 'T3' }));
  evs.push(e('ticket.created', 200, { ticket: 'T6', channel: 'phone', team: 'risk' }), e('ticket.abandoned', 203, { ticket: 'T6' }));
  evs.push(e('ticket.created', 330, { ticket: 'T7', channel: 'chat', team: 'risk' }));
  evs.push(
    e('callback.scheduled', 50, { callback: 'C1', reason: 'pre_approval', due: m(90), agent: 'ann', team: 'wallet', ticket: 'T1' }),
    e('callback.attempted', 60, { callback: 'C1', agent: 'ann', result: 'no_answer' }),
    e('callback.attempted', 70, { callback: 'C1', agent: 'ann', result: 'connected' }),
    e('callback.completed', 71, { callback: 'C1', outcome: 'confirmed' }),
    e('callback.scheduled', 60, { callback: 'C2', reason: 'unconfirmed_payment', due: m(120), agent: 'bob', team: 'wallet' })
  );
  evs.push(e('agent.status', 0, { agent: 'ann', status: 'available', name: 'Ann Lee', team: 'wallet' }), e('agent.status', 200, { agent: 'ann', status: 'busy' }));
  return evs;
}

let t: ReturnType<typeof testApp>;
const expectNear = (actual: number | null, exact: number) => expect(Math.abs(actual! - exact)).toBeLessThanOrEqual(Math.max(1, 0.02 * exact));
afterEach(() => t.close());

describe('GET /api/kpis', () => {
  it('computes the spec blocks for today in the configured timezone', async () => {
    t = testApp({ now: () => NOW, timezone: 'UTC' });
    expect((await t.post(scenario())).status).toBe(200);
    const k = await t.kpis();
    expect(k.from).toBe('2026-11-24T00:00:00.000Z');
    expect(k.to).toBe('2026-11-25T00:00:00.000Z');
    expect(k.tickets).toEqual({ created: 7, resolved: 2, reopened: 0, escalated: 0, abandoned: 1 });
    // FRTs: 360 s (urgent: breached, target 300), 120, 180, 240, 300 s.
    // Whole hours come from rollup histograms: percentiles within the spec's 2 % / 1 s, averages exact.
    expect(k.firstResponse).toMatchObject({ count: 5, avgSec: 240, withinTarget: 4, breached: 1 });
    expectNear(k.firstResponse.p50Sec, 240);
    expectNear(k.firstResponse.p90Sec, 360);
    expect(k.resolution).toMatchObject({ count: 2, avgSec: (90 * 60 + 100 * 60) / 2 });
    expectNear(k.resolution.p50Sec, 5400);
    expectNear(k.resolution.p90Sec, 6000);
    expect(k.csat).toEqual({ responses: 2, positive: 1, pct: 50, avg: 3.5 });
    expect(k.callbacks).toEqual({ scheduled: 2, attempts: 2, connected: 1, completed: 1, completedOnTime: 1, confirmed: 1 });
    // Open: T3 (waiting since 11:00), T4, T5, T7 (no reply since 11:30). Oldest unattended: T3, 60 min.
    expect(k.backlog).toEqual({ open: 4, unassigned: 1, unattended: 2, oldestUnattendedSec: 3600, callbacksPending: 1, callbacksOverdue: 1 });
  });

  it('filters by team, channel, priority, category and agent, and by two at once', async () => {
    t = testApp({ now: () => NOW });
    await t.post(scenario());
    expect((await t.kpis({ team: 'risk' })).tickets).toMatchObject({ created: 2, abandoned: 1 });
    expect((await t.kpis({ channel: 'email' })).firstResponse.count).toBe(1);
    expect((await t.kpis({ priority: 'urgent' })).firstResponse).toMatchObject({ count: 1, breached: 1 });
    expect((await t.kpis({ category: 'refund' })).tickets.created).toBe(5);
    const ann = await t.kpis({ agent: 'ann' });
    expect(ann.firstResponse.count).toBe(3);
    expect(ann.callbacks).toMatchObject({ scheduled: 1, attempts: 2, completed: 1 });
    expect(ann.backlog.open).toBe(2); // T3 and T5 are assigned to ann
    expect(ann.backlog.callbacksPending).toBe(0); // C1 is completed; C2, pending and past due, is bob's
    expect((await t.kpis({ agent: 'bob' })).backlog).toMatchObject({ callbacksPending: 1, callbacksOverdue: 1 });
    expect((await t.kpis({ team: 'risk' })).backlog).toMatchObject({ open: 1, callbacksPending: 0 }); // T7
    const two = await t.kpis({ team: 'wallet', channel: 'chat', priority: 'normal' });
    expect(two.firstResponse.count).toBe(3);
    expect(two.callbacks.scheduled).toBe(0); // callbacks carry team and agent only
  });

  it('answers any window length and offset, counting facts by their own time', async () => {
    t = testApp({ now: () => NOW });
    await t.post(scenario());
    const k = await t.kpis({ from: new Date(m(15)).toISOString(), to: m(45) });
    expect(k.tickets.created).toBe(3); // T2 at 06:20, T3 at 06:30, T4 at 06:40
    expect(k.firstResponse.count).toBe(4); // T1 at 06:16, T2 06:22, T3 06:33, T4 06:44
    expectNear(k.firstResponse.p50Sec, 180);
    expectNear(k.firstResponse.p90Sec, 360);
    // A window within one 5-minute bucket is read from facts alone, so its percentiles are exact.
    const narrow = await t.kpis({ from: m(16) - 1000, to: m(16) + 1000 });
    expect(narrow.firstResponse).toMatchObject({ count: 1, p50Sec: 360, p90Sec: 360 });
    const long = await t.kpis({ from: '2026-08-01T00:00:00+08:00', to: '2026-11-30T00:00:00Z' });
    expect(long.tickets.created).toBe(7);
    const empty = await t.kpis({ from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z' });
    expect(empty.firstResponse).toEqual({ count: 0, avgSec: null, p50Sec: null, p90Sec: null, withinTarget: 0, breached: 0 });
    expect(empty.backlog.open).toBe(4); // backlog is now, whatever the window
  });

  it("reads an empty parameter as one not given, as a form's empty field means any: SPEC.md's own address answers today, unfiltered", async () => {
    t = testApp({ now: () => NOW });
    await t.post(scenario());
    const whole = await t.get('/api/kpis');
    const spelled = await t.get('/api/kpis?from=&to=&team=&channel=&priority=&category=&agent=');
    expect(spelled.status).toBe(200);
    expect(spelled.body).toEqual(whole.body);
    expect(spelled.body.tickets.created).toBe(7);
    const agents = await t.get('/api/agents?from=&to=&team=');
    expect(agents.status).toBe(200);
    expect(agents.body).toEqual((await t.get('/api/agents')).body);
    // One bound empty and the other given is still half a window; an empty one beside a name is that name alone.
    expect((await t.get('/api/kpis?team=&team=wallet')).body).toEqual((await t.get('/api/kpis?team=wallet')).body);
    expect((await t.get('/api/kpis?from=&to=2026-11-25')).body.errors).toEqual([{ path: 'from', message: 'from is missing: give both from and to, or neither (today)' }]);
    // Blank is empty too, but a name with spaces around it is that name.
    expect((await t.get('/api/kpis?team=%20%20&channel=chat')).body).toEqual((await t.get('/api/kpis?channel=chat')).body);
  });

  it('uses midnight of KPI_TIMEZONE for today', async () => {
    t = testApp({ now: () => NOW, timezone: 'Asia/Shanghai' });
    const k = await t.kpis();
    expect([k.from, k.to]).toEqual(['2026-11-23T16:00:00.000Z', '2026-11-24T16:00:00.000Z']);
  });

  it('reads a date alone in from and to as that day’s midnight in KPI_TIMEZONE, as a manager picking days means it', async () => {
    t = testApp({ now: () => NOW, timezone: 'Asia/Shanghai' });
    const chat = (id: string, at: string) => ({ id, type: 'ticket.created', at, ticket: id, channel: 'chat' });
    // 23:30 on 22 November and 00:30 on the 23rd in Shanghai (UTC+8).
    expect((await t.post([chat('d-22nd', '2026-11-22T15:30:00Z'), chat('d-23rd', '2026-11-22T16:30:00Z')])).status).toBe(200);
    const day = await t.kpis({ from: '2026-11-23', to: '2026-11-24' });
    expect([day.from, day.to, day.tickets.created]).toEqual(['2026-11-22T16:00:00.000Z', '2026-11-23T16:00:00.000Z', 1]);
    expect((await t.kpis({ from: '2026-11-22', to: '2026-11-24' })).tickets.created).toBe(2);
    // A date alone and an instant mix; the same day through /api/agents.
    expect((await t.kpis({ from: '2026-11-22', to: '2026-11-22T16:00:00Z' })).tickets.created).toBe(1);
    expect((await t.get('/api/agents?from=2026-11-23&to=2026-11-24')).status).toBe(200);
  });

  it('starts today at the day’s first instant where DST skips midnight (Santiago: 01:00 on 6 September 2026)', async () => {
    const noon = Date.parse('2026-09-06T16:00:00Z');
    t = testApp({ now: () => noon, timezone: 'America/Santiago' });
    const chat = (id: string, at: string) => ({ id, type: 'ticket.created', at, ticket: id, channel: 'chat' });
    // 23:30 on 5 September in Santiago (UTC−4), then 01:30 on the 6th (UTC−3 from the gap on).
    expect((await t.post([chat('late-5th', '2026-09-06T03:30:00Z'), chat('early-6th', '2026-09-06T04:30:00Z')])).status).toBe(200);
    const k = await t.kpis();
    expect([k.from, k.to]).toEqual(['2026-09-06T04:00:00.000Z', '2026-09-07T03:00:00.000Z']);
    expect(k.tickets.created).toBe(1);
  });

  it('starts today at the first of two midnights where DST repeats midnight (Havana: 00:00–01:00 twice on 1 November 2026)', async () => {
    const noon = Date.parse('2026-11-01T17:00:00Z');
    t = testApp({ now: () => noon, timezone: 'America/Havana' });
    const chat = (id: string, at: string) => ({ id, type: 'ticket.created', at, ticket: id, channel: 'chat' });
    // 23:30 on 31 October (UTC−4), then 00:30 on 1 November twice: first in UTC−4, then in UTC−5 after the clocks go back.
    expect((await t.post([chat('h-31st', '2026-11-01T03:30:00Z'), chat('h-1st-first', '2026-11-01T04:30:00Z'), chat('h-1st-again', '2026-11-01T05:30:00Z')])).status).toBe(200);
    const k = await t.kpis();
    expect([k.from, k.to, k.tickets.created]).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 2]);
    // The same day picked by dates alone; and 31 October ends where 1 November begins.
    expect((await t.kpis({ from: '2026-11-01', to: '2026-11-02' })).tickets.created).toBe(2);
    const day31 = await t.kpis({ from: '2026-10-31', to: '2026-11-01' });
    expect([day31.to, day31.tickets.created]).toEqual(['2026-11-01T04:00:00.000Z', 1]);
  });

  it('reads negative epoch ms in from and to: a window before 1970, as history has no lower bound', async () => {
    t = testApp({ now: () => NOW });
    const chat = (id: string, at: number) => ({ id, type: 'ticket.created', at, ticket: id, channel: 'chat' });
    expect((await t.post([chat('neg-1', -3_600_000), chat('neg-2', -90_000_000)])).status).toBe(200);
    const k = await t.kpis({ from: -86_400_000, to: 0 });
    expect([k.from, k.to, k.tickets.created]).toEqual(['1969-12-31T00:00:00.000Z', '1970-01-01T00:00:00.000Z', 1]);
  });

  it('rejects bad parameters with 400 and says which', async () => {
    t = testApp({ now: () => NOW });
    const refused = async (endpoint: string, cases: string[][]) => {
      for (const [q, path] of cases) {
        const r = await t.get(`${endpoint}?${q}`);
        expect(r.status, q).toBe(400);
        expect(r.body.errors[0].path, q).toBe(path);
      }
    };
    await refused('/api/kpis', [
      ['from=yesterday&to=2026-11-24T00:00:00Z', 'from'],
      ['from=2026-11-24T00:00:00&to=2026-11-25T00:00:00Z', 'from'],
      ['from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z', 'to'],
      ['from=2026-11-24T00:00:00Z', 'to'],
      ['to=2026-11-24', 'from'],
      // Beyond what a Date can hold: answered 500 before, from the response's own toISOString.
      ['from=99999999999999999999&to=999999999999999999999', 'from'],
      ['from=2026-02-30T00:00:00Z&to=2026-03-05T00:00:00Z', 'from'],
      ['from=2026-02-30&to=2026-03-05', 'from'],
      ['from=2026-11-24&to=2026-11-24', 'to'],
      // Filters that no event can match: ingest refuses such a channel or priority.
      ['channel=fax', 'channel'],
      ['priority=URGENT', 'priority'],
      ['team=%01', 'team'],
      // Which of two would count? And a misspelt filter would show the whole centre as if filtered.
      ['team=risk&team=wallet', 'team'],
      ['tema=payments', 'tema'],
      // Names an object has from its prototype are parameter names like any other (they were answered 500).
      ['constructor=x', 'constructor'],
      ['__proto__=x', '__proto__'],
      ['from=2026-11-24&to=2026-11-25&toString=1', 'toString'],
      // A lenient decoder keeps a broken escape as typed: a filter of "%FF" would show zeros as if filtered.
      ['team=%FF', 'team'],
      ['team=%', 'team'],
      ['team=%ED%A0%80', 'team'],
      ['agent=a%00b', 'agent'],
      ['from=0999-12-31&to=2026-11-24', 'from'],
      ['from=2026-11-24T00:00:00+08:00&to=2026-11-25', 'from']
    ]);
    expect((await t.get('/api/kpis?team=%FF')).body.errors[0].message).toMatch(/^the value is not valid in an address: write % as %25/);
    expect((await t.get('/api/kpis?agent=a%00b')).body.errors[0].message).toMatch(/^control characters are not allowed/);
    // The year 999 is a day of the calendar: what is refused is reading it as a date alone.
    expect((await t.get('/api/kpis?from=0999-12-31&to=2026-11-24')).body.errors[0].message).toMatch(/from the year 1000 on; give 0999-12-31T00:00:00Z/);
    // An unescaped + reads as a space, which left an offset that looked missing.
    expect((await t.get('/api/kpis?from=2026-11-24T00:00:00+08:00&to=2026-11-25')).body.errors[0].message).toMatch(/write the offset's \+ as %2B \(2026-11-24T00:00:00%2B08:00\)/);
    expect((await t.get('/api/kpis?from=yesterday&to=2026-11-24')).body.errors[0].message).toMatch(/^expected a date \(2026-11-24, from midnight/);
    expect((await t.get('/api/kpis?from=2026-02-30&to=2026-03-05')).body.errors[0].message).toBe('2026-02-30 is not a day of the calendar');
    // Which bound is missing; and, for a window that ends before it begins, the instants as read (a date alone is
    // midnight in the configured timezone, which the dates typed do not show).
    expect((await t.get('/api/kpis?to=2026-11-24')).body.errors[0].message).toBe('from is missing: give both from and to, or neither (today)');
    expect((await t.get('/api/kpis?from=2026-11-24&to=2026-11-24T00:00:00Z')).body.errors[0].message).toMatch(
      /^from must be before to: from is 2026-11-2\dT\d\d:00:00\.000Z, to is 2026-11-24T00:00:00\.000Z$/
    );
    expect((await t.get(`/api/kpis?agent=${'a'.repeat(129)}`)).body.errors).toEqual([{ path: 'agent', message: 'must be at most 128 characters' }]);
    // /api/agents is per agent: an agent there would be ignored, so it is refused; a channel narrows each row, so a bad one is refused too.
    await refused('/api/agents', [
      ['channel=fax', 'channel'],
      ['agent=ann', 'agent'],
      ['hasOwnProperty=1', 'hasOwnProperty'],
      ['from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z', 'to']
    ]);
    expect((await t.get('/api/agents?agent=ann')).body.errors[0].message).toBe('unknown parameter; expected from, to, team, channel, priority, category');
    // A value with no name is said to be one: an "unknown parameter" of path "" said neither what nor where.
    expect((await t.get('/api/kpis?from=2026-11-24&to=2026-11-25&=wallet')).body.errors).toEqual([
      { path: '', message: "a value with no parameter's name before its =; expected from, to, team, channel, priority, category, agent" }
    ]);
  });

  it('lists every fault of a query in one 400: a misspelt or repeated parameter, or a bad filter, does not hide a bad window', async () => {
    t = testApp({ now: () => NOW });
    const paths = async (q: string, endpoint = '/api/kpis') => {
      const r = await t.get(`${endpoint}?${q}`);
      expect(r.status, q).toBe(400);
      return (r.body.errors as { path: string }[]).map((e) => e.path);
    };
    expect(await paths('tema=wallet&from=2026-11-24T00:00:00&to=2026-11-25')).toEqual(['tema', 'from']);
    expect(await paths('channel=chat&channel=email&priority=URGENT')).toEqual(['channel', 'priority']);
    expect(await paths('team=%00&to=2026-11-25')).toEqual(['from', 'team']);
    expect(await paths('agent=a%00b&from=2026-11-25&to=2026-11-24')).toEqual(['to', 'agent']);
    expect(await paths('agent=ann&channel=fax&team=a&team=b&from=2026-11-30T00:00:00Z', '/api/agents')).toEqual(['agent', 'team', 'to', 'channel']);
    // A bound given twice is not also said to be missing.
    expect((await t.get('/api/kpis?from=2026-11-24&from=2026-11-25')).body.errors).toEqual([
      { path: 'from', message: 'given 2 times; give it once' }
    ]);
  });

  it('answers a method an endpoint does not take with 405 and Allow', async () => {
    t = testApp({ now: () => NOW });
    const get = await t.app.request('/api/events');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const del = await t.app.request('/api/kpis', { method: 'DELETE' });
    expect([del.status, del.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    expect((await t.app.request('/api/nothing')).status).toBe(404);
    // A trailing slash is the same endpoint, not a method it "does not take".
    const slash = await t.app.request('/api/kpis/', { headers: { authorization: `Bearer ${t.tokens.supervisor}` } });
    expect([slash.status, await slash.json()]).toEqual([200, (await t.get('/api/kpis')).body]);
    const post = await t.app.request('/api/kpis/', { method: 'POST' });
    expect([post.status, ((await post.json()) as { message: string }).message]).toEqual([405, '/api/kpis takes GET or HEAD, not POST.']);
    expect((await t.app.request('/api/kpis//')).status).toBe(404);
  });

  it('serves the dashboard\'s pages to GET and HEAD only: another method is a 405, not the page as if it had worked', async () => {
    t = testApp({ now: () => NOW });
    const site = mkdtempSync(join(tmpdir(), 'floorboard-site-'));
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>Floorboard</title>');
    const app = createApp({ db: t.rt.db, config: loadConfig({ DATABASE_PATH: ':memory:', KPI_TIMEZONE: 'UTC' }), commits: t.rt.commits, now: () => NOW, staticDir: site });
    expect((await app.request('/wall')).status).toBe(200);
    expect((await app.request('/', { method: 'HEAD' })).status).toBe(200);
    for (const [method, path] of [['POST', '/'], ['PUT', '/index.html'], ['DELETE', '/wall']]) {
      const res = await app.request(path, { method });
      expect([res.status, res.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
      expect(((await res.json()) as { message: string }).message).toBe(`${path} is a page of the dashboard: GET it, not ${method}.`);
    }
    // The API's own answers are unchanged.
    expect((await app.request('/api/kpis', { method: 'DELETE' })).headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 401 without credentials and 403 below supervisor', async () => {
    t = testApp({ now: () => NOW });
    expect((await t.get('/api/kpis', null)).status).toBe(401);
    expect((await t.get('/api/kpis', 'wrong')).status).toBe(401);
    expect((await t.get('/api/kpis', t.tokens.display)).status).toBe(403);
    expect((await t.get('/api/kpis', t.tokens.ingest)).status).toBe(403);
    expect((await t.get('/api/agents', null)).status).toBe(401);
    expect((await t.get('/api/kpis', t.tokens.manager)).status).toBe(200);
    // A good token in the address, as the wall's is given: read by the live feed alone, and the 401 says so.
    for (const path of ['/api/kpis', '/api/agents']) {
      const r = await t.get(`${path}?token=${t.tokens.supervisor}`, null);
      expect(r.status).toBe(401);
      expect(r.body.message).toMatch(/^\?token= is read only by the live feed \(\/api\/live\).*send it as Authorization: Bearer <token>/);
    }
  });
});

describe('GET /api/agents', () => {
  it('lists agents from status events and from events naming them, with credited blocks', async () => {
    t = testApp({ now: () => NOW });
    await t.post(scenario());
    const { agents } = await t.agents();
    expect(agents.map((a: { agent: string }) => a.agent)).toEqual(['ann', 'bob']);
    const [ann, bob] = agents;
    expect(ann).toMatchObject({ name: 'Ann Lee', team: 'wallet', status: 'busy', statusSince: new Date(m(200)).toISOString(), open: 2 });
    expect(ann.firstResponse).toMatchObject({ count: 3, withinTarget: 2 });
    expect(ann.resolution.count).toBe(1); // T1, credited to the assignee
    expect(ann.csat).toEqual({ responses: 1, positive: 1, pct: 100, avg: 5 });
    expect(ann.callbacks).toEqual({ scheduled: 1, attempts: 2, connected: 1, completed: 1, completedOnTime: 1, confirmed: 1 });
    expect(bob).toMatchObject({ name: null, team: 'wallet', status: null, open: 1 }); // team seen on callback C2
    expect(bob.csat).toMatchObject({ responses: 1, positive: 0 });
    expect((await t.agents({ team: 'risk' })).agents).toEqual([]);
  });

  it('does not list a bot as an agent when the helpdesk names it in a bot reply', async () => {
    t = testApp({ now: () => NOW });
    await t.post([
      { id: 'b1', type: 'ticket.created', at: m(0), ticket: 'B1', channel: 'chat' },
      { id: 'b2', type: 'ticket.replied', at: m(1), ticket: 'B1', author: 'bot', agent: 'wallet-bot' },
      { id: 'b3', type: 'ticket.replied', at: m(2), ticket: 'B1', agent: 'ann' }
    ]);
    expect((await t.agents()).agents.map((a: { agent: string }) => a.agent)).toEqual(['ann']);
  });
});
