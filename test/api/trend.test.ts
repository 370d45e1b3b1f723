// GET /api/trend: the reports' chart of a range day by day (hour by hour for one day), in the centre's zone.
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../api/app';
import { loadConfig } from '../../api/config';
import { ScanThread } from '../../api/queries/scans';
import { testApp } from '../helpers/app';
import { AGENTS, TEAMS, ticketEvent } from '../helpers/random-events';

const RUNS = Number(process.env.FC_RUNS ?? 20);
let open: ReturnType<typeof testApp>[] = [];
afterEach(() => {
  for (const t of open) t.close();
  open = [];
});
function app(timezone: string, now = Date.parse('2026-11-24T12:00:00Z')) {
  const t = testApp({ timezone, now: () => now });
  open.push(t);
  return t;
}
const trend = async (t: ReturnType<typeof testApp>, q: string, token = t.tokens.manager) => t.get(`/api/trend?${q}`, token);

const eventSet = fc
  .array(fc.array(ticketEvent, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 8 })
  .map((tickets) => tickets.flatMap((evs, i) => evs.map((e) => ({ ...e, ticket: `T${i}` }))).map((e, i) => ({ id: `ev-${i}`, ...e })));

describe('each bucket is what /api/kpis says of it', () => {
  // Kolkata's hours start at :30 UTC and its midnight at 18:30, so no bucket is a whole UTC hour or day; the Azores'
  // midnight is 01:00 UTC, inside the events' four hours.
  const ZONES = ['UTC', 'Asia/Kolkata', 'Atlantic/Azores'];
  const RANGES = [
    { from: '2026-11-22', to: '2026-11-26', step: 'day' },
    { from: '2026-11-24', to: '2026-11-25', step: 'hour' },
    { from: '2026-11-23', to: '2026-11-24', step: 'hour' }
  ];
  // A team or none, and at most one of agent, channel, priority, category (what the rollups answer); values the events
  // never hold (email, high on a created ticket) among them, so a filter that matches nothing is drawn too.
  const one = fc.oneof(
    fc.constant({}),
    fc.constantFrom(...AGENTS).map((agent) => ({ agent })),
    fc.constantFrom('chat', 'phone', 'email').map((channel) => ({ channel })),
    fc.constantFrom('urgent', 'normal', 'high').map((priority) => ({ priority })),
    fc.constantFrom('refund', 'other').map((category) => ({ category }))
  );
  const filterSet = fc.record({ team: fc.constantFrom(undefined, ...TEAMS), one }).map(({ team, one }) => ({ ...(team ? { team } : {}), ...one }) as Record<string, string>);
  const filterSets = fc.uniqueArray(filterSet, { minLength: 1, maxLength: 4, selector: (f) => JSON.stringify(f) });
  // Two or three of agent, channel, priority and category, a team or none: past what the rollups hold, a scan of facts.
  const several = fc
    .record({
      team: fc.constantFrom(undefined, ...TEAMS),
      agent: fc.constantFrom(...AGENTS),
      channel: fc.constantFrom('chat', 'phone', 'email'),
      priority: fc.constantFrom('urgent', 'normal', 'high'),
      category: fc.constantFrom('refund', 'other'),
      keep: fc.subarray(['agent', 'channel', 'priority', 'category'] as const, { minLength: 2, maxLength: 3 })
    })
    .map(({ team, keep, ...values }) => ({ ...(team ? { team } : {}), ...Object.fromEntries(keep.map((k) => [k, values[k]])) }) as Record<string, string>);
  const severalSets = fc.uniqueArray(several, { minLength: 1, maxLength: 3, selector: (f) => JSON.stringify(f) });

  /** Holds every bucket of `answer` to /api/kpis (on `t`, the main thread's own scan) for its window and the filters. */
  async function expectBucketsAreKpis(t: ReturnType<typeof testApp>, answer: { status: number; body: any }, range: (typeof RANGES)[number], filters: Record<string, string>) {
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.step).toBe(range.step);
    const buckets = answer.body.buckets as any[];
    expect(buckets[0].from).toBe(answer.body.from);
    expect(buckets.at(-1).to).toBe(answer.body.to);
    for (const [i, b] of buckets.entries()) {
      if (i > 0) expect(b.from).toBe(buckets[i - 1].to);
      const kpis = await t.kpis({ from: b.from, to: b.to, ...filters });
      expect({ at: b.from, filters, tickets: b.tickets, firstResponse: b.firstResponse }).toEqual({ at: b.from, filters, tickets: kpis.tickets, firstResponse: kpis.firstResponse });
    }
  }

  // A thread whose file holds no tables: its every scan fails, and the route answers on the main thread.
  const broken = new ScanThread(join(mkdtempSync(join(tmpdir(), 'floorboard-trend-broken-')), 'empty.sqlite'));
  afterAll(() => broken.close());

  it('for random events, every zone, range and filter', async () => {
    await fc.assert(
      fc.asyncProperty(eventSet, fc.constantFrom(...ZONES), filterSets, async (events, zone, FILTERS) => {
        const t = app(zone);
        expect((await t.post(events)).status).toBe(200);
        for (const range of RANGES)
          for (const filters of FILTERS) {
            const q = new URLSearchParams({ ...range, ...filters });
            q.delete('step');
            const res = await trend(t, q.toString());
            expect(res.status, JSON.stringify(res.body)).toBe(200);
            expect(res.body.step).toBe(range.step);
            const buckets = res.body.buckets as any[];
            expect(buckets[0].from).toBe(res.body.from);
            expect(buckets.at(-1).to).toBe(res.body.to);
            for (const [i, b] of buckets.entries()) {
              if (i > 0) expect(b.from).toBe(buckets[i - 1].to);
              const kpis = await t.kpis({ from: b.from, to: b.to, ...filters });
              expect({ at: b.from, tickets: b.tickets, firstResponse: b.firstResponse }).toEqual({ at: b.from, tickets: kpis.tickets, firstResponse: kpis.firstResponse });
            }
            const created = buckets.reduce((n, b) => n + b.tickets.created, 0);
            expect(created).toBe((await t.kpis({ from: res.body.from, to: res.body.to, ...filters })).tickets.created);
          }
        t.close();
        open = open.filter((o) => o !== t);
      }),
      { numRuns: RUNS }
    );
  }, 120_000);

  it('for random events and two or three filters, through the scan thread and, when it fails, the main thread', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    let failed = 0;
    try {
      await fc.assert(
        fc.asyncProperty(eventSet, fc.constantFrom(...ZONES), severalSets, async (events, zone, FILTERS) => {
          const path = join(mkdtempSync(join(tmpdir(), 'floorboard-trend-')), 'kpi.sqlite');
          const t = testApp({ timezone: zone, now: () => Date.parse('2026-11-24T12:00:00Z'), path });
          const scans = new ScanThread(path);
          try {
            expect((await t.post(events)).status).toBe(200);
            let asked = 0;
            const counted = { kpis: scans.kpis.bind(scans), agents: scans.agents.bind(scans), trend: (...a: Parameters<ScanThread['trend']>) => (asked++, scans.trend(...a)) };
            const deps = { db: t.rt.db, config: loadConfig({ DATABASE_PATH: path, KPI_TIMEZONE: zone }), commits: t.rt.commits, now: () => Date.parse('2026-11-24T12:00:00Z') };
            const threaded = createApp({ ...deps, scans: counted });
            const fallback = createApp({ ...deps, scans: broken });
            const ask = async (app: ReturnType<typeof createApp>, q: string) => {
              const res = await app.request(`/api/trend?${q}`, { headers: { authorization: `Bearer ${t.tokens.manager}` } });
              return { status: res.status, body: (await res.json()) as any };
            };
            for (const range of RANGES)
              for (const filters of FILTERS) {
                const q = new URLSearchParams({ from: range.from, to: range.to, ...filters }).toString();
                const before = asked;
                const onThread = await ask(threaded, q);
                expect(asked, 'asked of the scan thread').toBe(before + 1);
                await expectBucketsAreKpis(t, onThread, range, filters);
                const failedBefore = errors.mock.calls.filter((c) => String(c[0]).includes('GET /api/trend: the scan thread could not answer')).length;
                const here = await ask(fallback, q);
                failed = errors.mock.calls.filter((c) => String(c[0]).includes('GET /api/trend: the scan thread could not answer')).length;
                expect(failed, 'the failed thread is logged').toBe(failedBefore + 1);
                expect(here.body).toEqual(onThread.body);
                expect((await trend(t, q)).body).toEqual(onThread.body);
              }
          } finally {
            await scans.close();
            t.close();
          }
        }),
        { numRuns: RUNS }
      );
    } finally {
      errors.mockRestore();
    }
  }, 240_000);
});

describe('buckets are the centre\'s days', () => {
  // New York's clocks went back at 02:00 on 1 November 2026: that day is 25 hours long.
  const at = (iso: string) => Date.parse(iso);
  const created = (id: string, when: string) => ({ id, type: 'ticket.created', at: when, ticket: id, channel: 'chat' });

  it('start at local midnights over the November DST change, a ticket counted on its local day', async () => {
    const t = app('America/New_York', at('2026-11-05T12:00:00Z'));
    // 23:30 on 1 November in New York, already 2 November in UTC; and 00:30 on 2 November in New York.
    await t.post([created('late-on-the-1st', '2026-11-02T04:30:00Z'), created('early-on-the-2nd', '2026-11-02T05:30:00Z')]);
    const res = await trend(t, 'from=2026-10-31&to=2026-11-03');
    expect(res.status).toBe(200);
    expect(res.body.step).toBe('day');
    expect(res.body.buckets.map((b: any) => [b.from, b.to])).toEqual([
      ['2026-10-31T04:00:00.000Z', '2026-11-01T04:00:00.000Z'],
      ['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z'],
      ['2026-11-02T05:00:00.000Z', '2026-11-03T05:00:00.000Z']
    ]);
    expect(res.body.buckets.map((b: any) => b.tickets.created)).toEqual([0, 1, 1]);
  });

  it('shows the day of the change hour by hour, its hour 01:00 twice', async () => {
    const t = app('America/New_York', at('2026-11-05T12:00:00Z'));
    const res = await trend(t, 'from=2026-11-01&to=2026-11-02');
    expect(res.status).toBe(200);
    expect(res.body.step).toBe('hour');
    const starts = res.body.buckets.map((b: any) => b.from);
    expect(starts).toHaveLength(25);
    expect(starts.slice(0, 4)).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-01T05:00:00.000Z', '2026-11-01T06:00:00.000Z', '2026-11-01T07:00:00.000Z']);
    expect(res.body.buckets.at(-1).to).toBe('2026-11-02T05:00:00.000Z');
  });

  it('the spring change leaves a 23-hour day, its hours those the clock shows', async () => {
    const t = app('America/New_York', at('2026-03-10T12:00:00Z'));
    const res = await trend(t, 'from=2026-03-08&to=2026-03-09');
    expect(res.body.buckets).toHaveLength(23);
    expect(res.body.buckets[2].from).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT, straight after 01:00 EST
  });

  it('without from and to, today in the centre\'s zone, hour by hour', async () => {
    const t = app('Asia/Shanghai', at('2026-11-24T20:00:00Z'));
    const res = await trend(t, '');
    expect(res.status).toBe(200);
    expect([res.body.from, res.body.to]).toEqual(['2026-11-24T16:00:00.000Z', '2026-11-25T16:00:00.000Z']);
    expect(res.body.buckets).toHaveLength(24);
    expect(res.body.timezone).toBe('Asia/Shanghai');
  });
});

describe('asked wrongly', () => {
  it('names the parameter it cannot take, and a range too long to chart', async () => {
    const t = app('UTC');
    const typo = await trend(t, 'from=2026-11-01&to=2026-11-02&chanel=chat');
    expect(typo.status).toBe(400);
    expect(typo.body.errors[0]).toMatchObject({ path: 'chanel', message: expect.stringContaining('unknown parameter') });
    const long = await trend(t, 'from=2020-01-01&to=2026-01-01');
    expect(long.status).toBe(400);
    expect(long.body.errors[0]).toMatchObject({ path: 'to', message: expect.stringContaining('at most 1100 days') });
    const backwards = await trend(t, 'from=2026-11-05&to=2026-11-01');
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].path).toBe('to');
  });

  it('checks channel, priority and category as /api/kpis does, saying which is wrong', async () => {
    const t = app('UTC');
    const res = await trend(t, 'from=2026-11-01&to=2026-11-02&channel=fax&priority=soon');
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.path).sort()).toEqual(['channel', 'priority']);
    expect(res.body.errors.find((e: any) => e.path === 'channel').message).toContain('not a channel; expected one of');
    expect((await trend(t, 'from=2026-11-01&to=2026-11-02&category=%20')).status).toBe(200);
  });

  it('draws a team with two more filters, each bucket counting only what matches them all', async () => {
    const t = app('UTC', Date.parse('2026-11-03T12:00:00Z'));
    const created = (id: string, at: string, channel: string, priority: string) => ({ id, type: 'ticket.created', at, ticket: id, channel, priority, team: 'wallet' });
    const replied = (id: string, at: string) => ({ id: `r-${id}`, type: 'ticket.replied', at, ticket: id, agent: 'ann' });
    await t.post([
      created('chat-urgent-1', '2026-11-01T09:00:00Z', 'chat', 'urgent'),
      replied('chat-urgent-1', '2026-11-01T09:04:00Z'),
      created('chat-urgent-2', '2026-11-02T10:00:00Z', 'chat', 'urgent'),
      replied('chat-urgent-2', '2026-11-02T10:10:00Z'),
      created('chat-urgent-3', '2026-11-02T11:00:00Z', 'chat', 'urgent'),
      created('chat-normal', '2026-11-01T09:00:00Z', 'chat', 'normal'),
      replied('chat-normal', '2026-11-01T09:01:00Z'),
      created('phone-urgent', '2026-11-02T09:00:00Z', 'phone', 'urgent')
    ]);
    const res = await trend(t, 'from=2026-11-01&to=2026-11-03&team=wallet&channel=chat&priority=urgent');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.buckets.map((b: any) => [b.from, b.tickets.created, b.firstResponse.count, b.firstResponse.p50Sec, b.firstResponse.withinTarget])).toEqual([
      ['2026-11-01T00:00:00.000Z', 1, 1, 240, 1],
      ['2026-11-02T00:00:00.000Z', 2, 1, 600, 0]
    ]);
  });

  it('is for managers: a supervisor is refused, no credentials is 401', async () => {
    const t = app('UTC');
    expect((await trend(t, '', t.tokens.supervisor)).status).toBe(403);
    expect((await t.get('/api/trend', null)).status).toBe(401);
    expect((await trend(t, '', t.tokens.admin)).status).toBe(200);
  });
});
