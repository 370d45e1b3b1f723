// Events may be stamped up to 5 minutes ahead of the server's clock (SPEC). Facts count at their own time; the
// backlog and an agent's status are the state now, so such an event counts there once its time has come, as a
// replay in time order would have it — also on a server restarted meanwhile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app';
import { derivedTables } from '../helpers/derived';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const MIN = 60_000;
let n = 0;
const e = (type: string, at: number, fields: Record<string, unknown>) => ({ id: `a${++n}`, type, at, ...fields });

let t: ReturnType<typeof testApp> | null = null;
/** Random cases of the property below; FC_RUNS=1000 for a longer search. */
const RUNS = Number(process.env.FC_RUNS ?? 30);
afterEach(() => t?.close());

/** T1 open since 11:50, resolved at 12:03; T2 created at 12:02; C1 scheduled at 12:01; ann busy, in risk and renamed, from 12:04. */
const ahead = () => [
  e('ticket.created', NOW - 10 * MIN, { ticket: 'T1', channel: 'chat', team: 'wallet' }),
  e('ticket.resolved', NOW + 3 * MIN, { ticket: 'T1', agent: 'ann' }),
  e('ticket.created', NOW + 2 * MIN, { ticket: 'T2', channel: 'app', team: 'wallet' }),
  e('callback.scheduled', NOW + MIN, { callback: 'C1', reason: 'pre_approval', due: NOW + 30 * MIN, agent: 'ann', team: 'wallet' }),
  e('agent.status', NOW - 20 * MIN, { agent: 'ann', status: 'available', team: 'wallet', name: 'Ann' }),
  e('agent.status', NOW + 4 * MIN, { agent: 'ann', status: 'busy', team: 'risk', name: 'Ann Lee' })
];

describe('events stamped ahead of the clock', () => {
  it('count in facts at their own time, and in the backlog and agent status once their time comes', async () => {
    let clock = NOW;
    t = testApp({ now: () => clock });
    expect((await t.post(ahead())).status).toBe(200);
    const window = { from: NOW - 60 * MIN, to: NOW + 10 * MIN };
    const at = async () => ({ k: await t!.kpis(window), ann: (await t!.agents(window)).agents[0] });

    let { k, ann } = await at();
    expect(k.tickets).toMatchObject({ created: 2, resolved: 1 });
    expect(k.backlog).toMatchObject({ open: 1, unattended: 1, oldestUnattendedSec: 600, callbacksPending: 0 });
    expect(ann).toMatchObject({ status: 'available', team: 'wallet', name: 'Ann' });

    // 12:01:30: the callback is pending. 12:02:30: T2 is open too. 12:03:30: T1 is resolved. 12:04:30: ann is
    // busy, in her new team and under her new name.
    const wallet = { status: 'available', team: 'wallet', name: 'Ann' };
    const steps = [
      { open: 1, callbacksPending: 1, ...wallet },
      { open: 2, callbacksPending: 1, ...wallet },
      { open: 1, callbacksPending: 1, ...wallet },
      { open: 1, callbacksPending: 1, status: 'busy', team: 'risk', name: 'Ann Lee' }
    ];
    for (const [i, want] of steps.entries()) {
      clock = NOW + (i + 1.5) * MIN;
      t.rt.ingest.replayDue(clock);
      ({ k, ann } = await at());
      expect({ open: k.backlog.open, callbacksPending: k.backlog.callbacksPending, status: ann.status, team: ann.team, name: ann.name }).toEqual(want);
    }
    expect(ann.statusSince).toBe(new Date(NOW + 4 * MIN).toISOString());
    // Nothing is left to wait for, and the facts never moved.
    expect(t.rt.ingest.replayDue(clock + 60 * MIN)).toBe(0);
    expect(k.tickets).toMatchObject({ created: 2, resolved: 1 });
  });

  it('are found again by a server restarted before their time', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'floorboard-ahead-')), 'kpi.sqlite');
    let clock = NOW;
    t = testApp({ now: () => clock, path });
    // And a reply at 12:01 to a ticket whose creation has not come in at all.
    await t.post([...ahead(), e('ticket.replied', NOW + MIN, { ticket: 'T9', agent: 'ann' })]);
    t.close();
    // Restarted at 12:02:30: T2's creation, C1 and the reply have come, T1's resolution has not.
    clock = NOW + 2.5 * MIN;
    t = testApp({ now: () => clock, path });
    expect(t.rt.ingest.replayDue(clock)).toBe(3);
    // Each is replayed once, T9 too, though it has nothing to show yet.
    expect(t.rt.ingest.replayDue(clock + 1_000)).toBe(0);
    expect((await t.kpis()).backlog).toMatchObject({ open: 2, callbacksPending: 1 });
    clock = NOW + 3.5 * MIN;
    t.rt.ingest.replayDue(clock);
    expect((await t.kpis()).backlog).toMatchObject({ open: 1, callbacksPending: 1 });
    const window = { from: NOW - 60 * MIN, to: NOW + 10 * MIN };
    expect((await t.agents(window)).agents[0]).toMatchObject({ status: 'available', team: 'wallet', name: 'Ann' });
    clock = NOW + 4.5 * MIN;
    t.rt.ingest.replayDue(clock);
    expect((await t.agents(window)).agents[0]).toMatchObject({ status: 'busy', team: 'risk', name: 'Ann Lee' });
  });

  // The clock moves in steps. Each event arrives between 5 minutes before its time (the most the spec allows)
  // and half an hour after, in any order and any batches, and the server may restart between steps. At every
  // step the answers equal those of a server handed, at that moment, every event received so far in time order,
  // and a rebuild (`npm run rebuild`) at any step changes nothing, then or later.
  it('give the same answers at every moment as the same events handed over in time order, however they arrive', async () => {
    const at = fc.integer({ min: -20 * 60, max: 40 * 60 }).map((s) => NOW + s * 1000);
    const lag = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30 * 60 }));
    const agent = fc.constantFrom('ann', 'bob');
    const team = fc.constantFrom('wallet', 'risk');
    const ticket = fc.oneof(
      fc.record({ type: fc.constant('ticket.created'), channel: fc.constantFrom('chat', 'app'), team }),
      fc.record({ type: fc.constant('ticket.assigned'), agent, team }),
      fc.record({ type: fc.constant('ticket.replied'), agent }),
      fc.record({ type: fc.constant('ticket.replied'), author: fc.constant('bot') }),
      fc.record({ type: fc.constant('ticket.customer_replied') }),
      fc.record({ type: fc.constant('ticket.escalated'), team, priority: fc.constantFrom('high', 'urgent') }),
      fc.record({ type: fc.constant('ticket.resolved'), agent }),
      fc.record({ type: fc.constant('ticket.reopened') }),
      fc.record({ type: fc.constant('ticket.abandoned') }),
      fc.record({ type: fc.constant('ticket.rated'), score: fc.integer({ min: 1, max: 5 }) })
    );
    const callback = fc.oneof(
      fc.record({ type: fc.constant('callback.scheduled'), reason: fc.constant('pre_approval'), due: at, agent, team }),
      fc.record({ type: fc.constant('callback.attempted'), agent, result: fc.constantFrom('connected', 'busy') }),
      fc.record({ type: fc.constant('callback.completed'), outcome: fc.constantFrom('confirmed', 'declined'), agent }),
      fc.record({ type: fc.constant('callback.cancelled') })
    );
    const status = fc.record({ type: fc.constant('agent.status'), agent, status: fc.constantFrom('available', 'busy', 'away', 'offline'), team, name: fc.constantFrom('Ann', 'Ann Lee') });
    const subject = fc.oneof(
      fc.tuple(fc.constantFrom('T1', 'T2', 'T3'), ticket).map(([t, f]) => ({ ...f, ticket: t })),
      fc.tuple(fc.constantFrom('C1', 'C2'), callback).map(([c, f]) => ({ ...f, callback: c })),
      status
    );
    const arrival = fc.record({ fields: subject, at, lag, batch: fc.integer({ min: 0, max: 2 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(arrival, { minLength: 1, maxLength: 24 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.integer({ min: 0, max: 12 }), async (list, stepMin, restart, rebuildAt) => {
        const events = list.map((a, i) => ({ ...e(a.fields.type, a.at, a.fields), id: `p${i}`, arrives: Math.max(NOW - 20 * MIN, a.at - 5 * MIN + a.lag), batch: a.batch }));
        const dir = mkdtempSync(join(tmpdir(), 'floorboard-ahead-'));
        const path = join(dir, 'kpi.sqlite');
        let clock = NOW - 20 * MIN;
        let app = testApp({ now: () => clock, path });
        const received: typeof events = [];
        const window = { from: NOW - 60 * MIN, to: NOW + 60 * MIN };
        const answers = async (x: ReturnType<typeof testApp>) => ({
          kpis: await x.kpis(window),
          wallet: await x.kpis({ ...window, team: 'wallet' }),
          agents: await x.agents(window),
          tables: derivedTables(x.rt.db.$client)
        });
        try {
          for (let step = 0; clock <= NOW + 75 * MIN; step++, clock += stepMin * MIN) {
            if (restart && step === 3) {
              app.close();
              app = testApp({ now: () => clock, path });
            }
            app.rt.ingest.replayDue(clock);
            const arriving = events.filter((x) => x.arrives <= clock && !received.includes(x));
            for (const b of [0, 1, 2]) {
              const batch = arriving.filter((x) => x.batch === b).map(({ arrives: _, batch: __, ...x }) => x);
              if (batch.length) expect((await app.post(batch)).status).toBe(200);
            }
            received.push(...arriving);
            const sorted = testApp({ now: () => clock });
            const inTimeOrder = [...received].sort((a, b) => a.at - b.at).map(({ arrives: _, batch: __, ...x }) => x);
            if (inTimeOrder.length) expect((await sorted.post(inTimeOrder)).status).toBe(200);
            sorted.rt.ingest.replayDue(clock);
            expect(await answers(app)).toEqual(await answers(sorted));
            sorted.close();
            if (step === rebuildAt) {
              const incremental = derivedTables(app.rt.db.$client);
              app.rt.ingest.rebuild();
              expect(derivedTables(app.rt.db.$client)).toEqual(incremental);
            }
          }
        } finally {
          app.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS }
    );
  }, 30_000 + RUNS * 2_000);
});
