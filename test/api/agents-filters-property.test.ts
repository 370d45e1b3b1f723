// GET /api/agents narrowed by channel, priority or category: every agent's blocks are those of /api/kpis with
// `agent=` it, the same team and the same filters, for random events and several filter choices; read in one
// scan of the window's facts, on the main thread or the scan thread alike.
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { loadConfig } from '../../api/config';
import { ScanThread } from '../../api/queries/scans';
import { testApp } from '../helpers/app';
import { BASE, NOW, agent, team, ticketEvent, time } from '../helpers/random-events';

const RUNS = Number(process.env.FC_RUNS ?? 25);

const callbackEvent = fc.oneof(
  fc.record({ type: fc.constant('callback.scheduled'), at: time, reason: fc.constant('pre_approval'), due: time, agent, team }),
  fc.record({ type: fc.constant('callback.attempted'), at: time, agent, result: fc.constantFrom('connected', 'busy') }),
  fc.record({ type: fc.constant('callback.completed'), at: time, outcome: fc.constantFrom('confirmed', 'declined'), agent })
);

const eventSet = fc
  .tuple(
    fc.array(fc.array(ticketEvent, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 8 }),
    fc.array(fc.array(callbackEvent, { minLength: 1, maxLength: 4 }), { maxLength: 3 })
  )
  .map(([tickets, callbacks]) => {
    const all: Record<string, unknown>[] = [];
    tickets.forEach((evs, i) => evs.forEach((e) => all.push({ ...e, ticket: `T${i}` })));
    callbacks.forEach((evs, i) => evs.forEach((e) => all.push({ ...e, callback: `C${i}` })));
    return all.map((e, i) => ({ id: `ev-${i}`, ...e }) as Record<string, unknown> & { id: string; at: number });
  });

const WINDOWS = [
  { from: BASE - 3_600_000, to: NOW },
  { from: BASE + 17 * 60_000, to: BASE + 3 * 3_600_000 + 5 * 60_000 }
];
const NARROW: Record<string, string>[] = [
  { channel: 'chat' },
  { priority: 'urgent' },
  { category: 'refund' },
  { channel: 'phone', priority: 'high' },
  { channel: 'chat', priority: 'normal', category: 'other' }
];
const TEAMS: Record<string, string>[] = [{}, { team: 'wallet' }, { team: 'risk' }];

const iso = (w: { from: number; to: number }) => ({ from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString() });

/** An agent's row as /api/kpis gives it for `agent=` it: the figures the row must equal. */
const blocksOf = (k: any) => ({ open: k.backlog.open, firstResponse: k.firstResponse, resolution: k.resolution, csat: k.csat, callbacks: k.callbacks });
const rowBlocks = (a: any) => ({ open: a.open, firstResponse: a.firstResponse, resolution: a.resolution, csat: a.csat, callbacks: a.callbacks });

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('GET /api/agents with channel, priority and category', () => {
  it("gives every agent the blocks /api/kpis gives with agent= it and the same team and filters", async () => {
    await fc.assert(
      fc.asyncProperty(eventSet, fc.constantFrom(...WINDOWS), fc.subarray(NARROW, { minLength: 1, maxLength: 3 }), async (events, window, narrows) => {
        const t = testApp({ now: () => NOW });
        try {
          expect((await t.post(events)).status).toBe(200);
          for (const teamFilter of TEAMS)
            for (const narrow of narrows) {
              const q = { ...iso(window), ...teamFilter, ...narrow };
              const res = await t.get(`/api/agents?${new URLSearchParams(q)}`);
              expect(res.status, JSON.stringify(res.body)).toBe(200);
              for (const a of res.body.agents)
                expect(rowBlocks(a), `${a.agent} ${JSON.stringify(q)}`).toEqual(blocksOf(await t.kpis({ ...q, agent: a.agent })));
              // Every agent with a figure under the filters is a row: none is left out.
              const listed = new Set(res.body.agents.map((a: any) => a.agent));
              for (const name of ['ann', 'bob', 'cy'].filter((n) => !listed.has(n))) {
                const k = await t.kpis({ ...q, agent: name });
                expect(k.firstResponse.count + k.resolution.count + k.csat.responses + k.callbacks.attempts + k.callbacks.scheduled, `${name} ${JSON.stringify(q)}`).toBe(0);
              }
            }
        } finally {
          t.close();
        }
      }),
      { numRuns: RUNS }
    );
  }, 120_000 + RUNS * 2000);

  it('answers the same from the scan thread as on the main thread, and a channel leaves callbacks at 0', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'floorboard-agents-scan-')), 'kpi.sqlite');
    const t = testApp({ now: () => NOW, path });
    cleanup.push(() => void t.close());
    const scans = new ScanThread(path);
    cleanup.push(() => scans.close());
    let asked = 0;
    const counted = { kpis: scans.kpis.bind(scans), trend: scans.trend.bind(scans), agents: (...a: Parameters<ScanThread['agents']>) => (asked++, scans.agents(...a)) };
    const threaded = createApp({ db: t.rt.db, config: loadConfig({ DATABASE_PATH: path, KPI_TIMEZONE: 'UTC' }), commits: t.rt.commits, now: () => NOW, scans: counted });
    const at = BASE + 3_600_000;
    expect(
      (
        await t.post([
          { id: 'c1', type: 'ticket.created', ticket: 'T1', at, channel: 'chat', priority: 'high', category: 'refund', team: 'wallet' },
          { id: 'a1', type: 'ticket.assigned', ticket: 'T1', at: at + 1000, agent: 'ann', team: 'wallet' },
          { id: 'r1', type: 'ticket.replied', ticket: 'T1', at: at + 60_000, agent: 'ann' },
          { id: 'c2', type: 'ticket.created', ticket: 'T2', at, channel: 'email', priority: 'high', category: 'refund', team: 'wallet' },
          { id: 'r2', type: 'ticket.replied', ticket: 'T2', at: at + 120_000, agent: 'bob' },
          { id: 'k1', type: 'callback.scheduled', callback: 'K1', at, reason: 'other', due: at + 3_600_000, agent: 'ann', team: 'wallet' }
        ])
      ).status
    ).toBe(200);
    const q = new URLSearchParams({ ...iso(WINDOWS[0]), team: 'wallet', channel: 'chat' });
    const res = await threaded.request(`/api/agents?${q}`, { headers: { authorization: `Bearer ${t.tokens.supervisor}` } });
    expect(res.status).toBe(200);
    const agents = ((await res.json()) as any).agents;
    expect(asked).toBe(1);
    expect(agents).toEqual((await t.get(`/api/agents?${q}`)).body.agents);
    const ann = agents.find((a: any) => a.agent === 'ann');
    expect([ann.open, ann.firstResponse.count, ann.callbacks.scheduled]).toEqual([1, 1, 0]);
    expect(agents.find((a: any) => a.agent === 'bob')?.firstResponse.count ?? 0).toBe(0);
    // Unfiltered, the callback counts and bob's email reply too.
    const all = (await t.agents({ ...iso(WINDOWS[0]), team: 'wallet' })).agents;
    expect(all.find((a: any) => a.agent === 'ann').callbacks.scheduled).toBe(1);
    expect(all.find((a: any) => a.agent === 'bob').firstResponse.count).toBe(1);
  });

  it('refuses a bad channel or priority, an empty category and agent= with a 400 naming it', async () => {
    const t = testApp({ now: () => NOW });
    cleanup.push(() => void t.close());
    const errors = async (q: string) => {
      const r = await t.get(`/api/agents?${q}`);
      expect(r.status, q).toBe(400);
      return r.body.errors;
    };
    expect(await errors('channel=fax')).toEqual([{ path: 'channel', message: 'not a channel; expected one of phone, chat, email, social, app, web' }]);
    expect((await errors('priority=soon'))[0].path).toBe('priority');
    expect((await errors('category=%01x'))[0]).toEqual({ path: 'category', message: 'control characters are not allowed; no event can hold one' });
    expect(await errors('agent=ann')).toEqual([{ path: 'agent', message: 'unknown parameter; expected from, to, team, channel, priority, category' }]);
    expect((await errors('channel=chat&channel=phone'))[0]).toEqual({ path: 'channel', message: 'given 2 times; give it once' });
  });
});
