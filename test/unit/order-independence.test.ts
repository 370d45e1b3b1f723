// The heart of the spec: every number is a function of the set of events, never of their arrival order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyTotals, addFact, totalsToKpis } from '../../api/kpi/totals';
import { scanFacts, windowTotals } from '../../api/queries/windowTotals';
import { getAgents } from '../../api/queries/getAgents';
import { compactRollups } from '../../api/ingest/rollup-compaction';
import { testApp } from '../helpers/app';
import { derivedTables as tablesOf } from '../helpers/derived';
import { BASE, NOW, agent, team, ticketEvent, time } from '../helpers/random-events';

const derivedTables = (t: ReturnType<typeof testApp>) => tablesOf(t.rt.db.$client);

/** Random cases of each property; FC_RUNS=1000 for a longer search. */
const RUNS = Number(process.env.FC_RUNS ?? 120);

function callbackEvent(callback: string) {
  return fc.oneof(
    fc.record({ type: fc.constant('callback.scheduled'), at: time, reason: fc.constant('pre_approval'), due: time, agent, team }),
    fc.record({ type: fc.constant('callback.attempted'), at: time, agent, result: fc.constantFrom('connected', 'busy') }),
    fc.record({ type: fc.constant('callback.completed'), at: time, outcome: fc.constantFrom('confirmed', 'declined') }),
    fc.record({ type: fc.constant('callback.cancelled'), at: time })
  ).map((e) => ({ ...e, callback }));
}
const statusEvent = fc.record({ type: fc.constant('agent.status'), at: time, agent, status: fc.constantFrom('available', 'busy', 'away'), team, name: fc.constantFrom('Ann Lee', 'Ann L.') });

const eventSet = fc
  .tuple(
    fc.array(fc.array(ticketEvent, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 5 }),
    fc.array(fc.array(callbackEvent('x'), { minLength: 1, maxLength: 5 }), { maxLength: 3 }),
    fc.array(statusEvent, { maxLength: 6 })
  )
  .map(([tickets, callbacks, statuses]) => {
    const all: Record<string, unknown>[] = [];
    tickets.forEach((evs, i) => evs.forEach((e) => all.push({ ...e, ticket: `T${i}` })));
    callbacks.forEach((evs, i) => evs.forEach((e) => all.push({ ...e, callback: `C${i}` })));
    all.push(...statuses);
    return all.map((e, i) => ({ id: `ev-${i}`, ...e }) as Record<string, unknown> & { id: string; at: number });
  });

const delivery = (n: number) =>
  fc.record({
    order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
    cuts: fc.array(fc.integer({ min: 1, max: Math.max(1, n) }), { maxLength: 6 }),
    retries: fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 5 }),
    // All batches and retries posted at once: group commit folds them into shared transactions, a retry
    // perhaps in the same one as its first copy, perhaps before it.
    together: fc.boolean()
  });

const WINDOWS = [
  { from: BASE - 3_600_000, to: NOW },
  { from: BASE + 17 * 60_000, to: BASE + 3 * 3_600_000 + 5 * 60_000 },
  { from: Date.parse('2026-11-24T00:00:00Z'), to: Date.parse('2026-11-24T02:00:00Z') }
];
const FILTERS = [{}, { team: 'wallet' }, { channel: 'chat' }, { agent: 'ann' }, { team: 'risk', priority: 'urgent' }, { channel: 'phone', category: 'refund' }];

async function answers(t: ReturnType<typeof testApp>) {
  const out: unknown[] = [];
  for (const w of WINDOWS) {
    for (const f of FILTERS) out.push(await t.kpis({ ...w, ...f }));
    out.push(await t.agents(w), await t.agents({ ...w, team: 'wallet' }));
  }
  return out;
}

describe('order independence', () => {
  it('any order, batching, retries and grouping give identical KPIs and agents, and incremental equals rebuild', async () => {
    await fc.assert(
      fc.asyncProperty(eventSet.chain((events) => fc.tuple(fc.constant(events), delivery(events.length))), async ([events, d]) => {
        const sorted = testApp({ now: () => NOW });
        expect((await sorted.post([...events].sort((a, b) => a.at - b.at))).status).toBe(200);

        // Remembering one subject at a time forces the reload-from-disk path on almost every replay; a short
        // tail makes those reloads read some events from subject_events and the newest from memory.
        const shuffled = testApp({ now: () => NOW, memoSubjects: d.order.length % 2 ? 1 : undefined, tailLimit: [undefined, 1, 3][d.cuts.length % 3] });
        const order = d.order.map((i) => events[i]);
        const cuts = [...new Set(d.cuts)].sort((a, b) => a - b);
        const batches: (typeof events)[] = [];
        let start = 0;
        for (const cut of [...cuts, order.length]) {
          if (cut <= start) continue;
          batches.push(order.slice(start, cut));
          start = cut;
        }
        if (d.together) {
          const replies = await Promise.all([...batches, ...d.retries.map((r) => [events[r]])].map((b) => shuffled.post(b)));
          expect(replies.every((a) => a.status === 200)).toBe(true);
          const sum = (k: 'accepted' | 'duplicates') => replies.reduce((n, a) => n + a.body[k], 0);
          expect([sum('accepted'), sum('duplicates')]).toEqual([events.length, d.retries.length]);
        } else {
          for (const b of batches) expect((await shuffled.post(b)).status).toBe(200);
          for (const r of d.retries) expect((await shuffled.post([events[r]])).body).toEqual({ accepted: 0, duplicates: 1 });
        }

        expect(await answers(shuffled)).toEqual(await answers(sorted));
        const incremental = derivedTables(shuffled);
        expect(incremental).toEqual(derivedTables(sorted));
        shuffled.rt.ingest.rebuild();
        expect(derivedTables(shuffled)).toEqual(incremental);
        sorted.close();
        shuffled.close();
      }),
      { numRuns: RUNS }
    );
  }, 60_000 + RUNS * 500);

  // Hours and days are summed from 5-minute rows in a later transaction (rollup-compaction.ts): answers must
  // not depend on whether that ran, ran in between, or ran only partly. Windows reach whole UTC days and weeks too.
  const COMPACTION = ['never', 'between', 'end', 'partly'] as const;
  it('windows read from rollups equal a plain scan of facts, for the centre and per agent, however far compaction got', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventSet,
        // Windows within two days of the events, or over the whole 7-day bucket (Thursday 2026-11-19 to 26) they fall in.
        fc.oneof(fc.integer({ min: -1500, max: 300 }), fc.integer({ min: -9000, max: -7100 })),
        fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 10_300, max: 15_000 })),
        fc.constantFrom(...FILTERS),
        fc.constantFrom(...COMPACTION),
        fc.integer({ min: 1, max: 4 }),
        async (events, startMin, lenMin, filters, compaction, maxBuckets) => {
        const t = testApp({ now: () => NOW });
        const half = Math.max(1, Math.floor(events.length / 2));
        expect((await t.post(events.slice(0, half))).status).toBe(200);
        if (compaction === 'between') compactRollups(t.rt.db.$client);
        if (events.length > half) expect((await t.post(events.slice(half))).status).toBe(200);
        if (compaction === 'end') compactRollups(t.rt.db.$client);
        if (compaction === 'partly') compactRollups(t.rt.db.$client, { maxBuckets, endedBy: NOW - maxBuckets * 3_600_000 });
        const from = BASE + startMin * 60_000 + 1234;
        const to = from + lenMin * 60_000;
        const scanned = emptyTotals();
        const byAgent = new Map<string, ReturnType<typeof emptyTotals>>();
        for (const f of scanFacts(t.rt.db.$client, from, to, filters)) addFact(scanned, f);
        for (const f of scanFacts(t.rt.db.$client, from, to, filters.team ? { team: filters.team } : {})) {
          if (f.agent === null) continue;
          if (!byAgent.has(f.agent)) byAgent.set(f.agent, emptyTotals());
          addFact(byAgent.get(f.agent)!, f);
        }
        for (const a of getAgents(t.rt.db.$client, { from, to }, filters.team)) {
          const expected = totalsToKpis(byAgent.get(a.agent) ?? emptyTotals());
          expect(a.callbacks).toEqual(expected.callbacks);
          expect(a.csat).toEqual(expected.csat);
          expect(a.firstResponse.count).toBe(expected.firstResponse.count);
          expect(a.firstResponse.withinTarget).toBe(expected.firstResponse.withinTarget);
          expect(a.resolution.count).toBe(expected.resolution.count);
        }
        const viaRollups = totalsToKpis(windowTotals(t.rt.db.$client, from, to, filters));
        const exact = totalsToKpis(scanned);
        const near = (a: number | null, b: number | null) => (a === null ? b === null : b !== null && Math.abs(a - b) <= Math.max(1, 0.02 * b));
        expect(viaRollups.tickets).toEqual(exact.tickets);
        expect(viaRollups.callbacks).toEqual(exact.callbacks);
        expect(viaRollups.csat).toEqual(exact.csat);
        for (const k of ['firstResponse', 'resolution'] as const) {
          expect(viaRollups[k].count).toBe(exact[k].count);
          if (exact[k].avgSec === null) expect(viaRollups[k].avgSec).toBeNull();
          else expect(Math.abs(viaRollups[k].avgSec! - exact[k].avgSec!)).toBeLessThanOrEqual(1e-6 * exact[k].avgSec!);
          expect(near(viaRollups[k].p50Sec, exact[k].p50Sec)).toBe(true);
          expect(near(viaRollups[k].p90Sec, exact[k].p90Sec)).toBe(true);
        }
        t.close();
      }),
      { numRuns: RUNS }
    );
  }, 60_000 + RUNS * 500);
});
