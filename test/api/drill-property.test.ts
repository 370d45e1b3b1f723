// The drill's invariant, over random events delivered shuffled, in random batches, with retries: paging through
// every item behind a number gives exactly as many items as /api/kpis (or /api/agents) gives for that number,
// with the same window and filters; and the items are the same however the events came.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, getDrillPage, type DrillPosition, type Measure } from '../../api/queries/getDrill';
import { testApp } from '../helpers/app';
import { BASE, DRILL_MEASURES, NOW, agent, team, ticketEvent, time } from '../helpers/random-events';

const RUNS = Number(process.env.FC_RUNS ?? 25);
const MEASURES = DRILL_MEASURES;

/** The numbers of an agent's block of /api/agents (the backlog's `open` aside). */
const AGENT_MEASURES = MEASURES.filter((m) => /^(firstResponse|resolution|csat|callbacks)\./.test(m));

const callbackEvent = fc.oneof(
  fc.record({ type: fc.constant('callback.scheduled'), at: time, reason: fc.constant('pre_approval'), due: time, agent, team }),
  fc.record({ type: fc.constant('callback.scheduled'), at: time, reason: fc.constant('other'), due: time }),
  fc.record({ type: fc.constant('callback.attempted'), at: time, agent, result: fc.constantFrom('connected', 'busy') }),
  fc.record({ type: fc.constant('callback.completed'), at: time, outcome: fc.constantFrom('confirmed', 'declined') }),
  fc.record({ type: fc.constant('callback.completed'), at: time, outcome: fc.constant('confirmed'), agent }),
  fc.record({ type: fc.constant('callback.cancelled'), at: time })
);

const eventSet = fc
  .tuple(
    fc.array(fc.array(ticketEvent, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 6 }),
    fc.array(fc.array(callbackEvent, { minLength: 1, maxLength: 5 }), { maxLength: 3 })
  )
  .map(([tickets, callbacks]) => {
    const all: Record<string, unknown>[] = [];
    tickets.forEach((evs, i) => evs.forEach((e) => all.push({ ...e, ticket: `T${i}` })));
    callbacks.forEach((evs, i) => evs.forEach((e) => all.push({ ...e, callback: `C${i}`, ...(i === 0 && e.type === 'callback.scheduled' ? { ticket: 'T0' } : {}) })));
    return all.map((e, i) => ({ id: `ev-${i}`, ...e }) as Record<string, unknown> & { id: string; at: number });
  });

const delivery = (n: number) =>
  fc.record({
    order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
    cuts: fc.array(fc.integer({ min: 1, max: Math.max(1, n) }), { maxLength: 6 }),
    retries: fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 5 }),
    tailLimit: fc.constantFrom(undefined, 1, 3),
    memoSubjects: fc.constantFrom(undefined, 1)
  });

const WINDOWS = [
  { from: BASE - 3_600_000, to: NOW },
  { from: BASE + 17 * 60_000, to: BASE + 3 * 3_600_000 + 5 * 60_000 },
  { from: Date.parse('2026-11-24T00:00:00Z'), to: Date.parse('2026-11-24T02:00:00Z') }
];
const FILTERS: Record<string, string>[] = [{}, { team: 'wallet' }, { channel: 'chat' }, { agent: 'ann' }, { team: 'risk', priority: 'urgent' }, { channel: 'phone', category: 'refund' }];

const numberAt = (kpis: any, measure: string) => measure.split('.').reduce((o, k) => o[k], kpis) as number;

async function every(t: ReturnType<typeof testApp>, params: Record<string, string | number>, limit: number) {
  const items: unknown[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams(Object.entries({ ...params, limit, ...(cursor ? { cursor } : {}) }).map(([k, v]) => [k, String(v)]));
    const res = await t.get(`/api/drill?${q}`, t.tokens.manager);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.next;
  } while (cursor !== null);
  return items;
}

/** Every item, through getDrillPage with a scan budget of a few index entries a step: pages come back short or empty, and still add up. */
function everyWithin(t: ReturnType<typeof testApp>, measure: Measure, window: { from: number; to: number }, filters: Record<string, string>, limit: number, budget: { step: number; max: number }) {
  const items: unknown[] = [];
  let after: DrillPosition | null = null;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = getDrillPage(t.rt.db.$client, measure, window, filters, NOW, limit, after, budget);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    if (page.next === null) return items;
    after = decodeCursor(page.next, measure);
  }
  throw new Error('no end of pages');
}

describe('drill-through invariant', () => {
  it('paging through every item gives /api/kpis\'s and /api/agents\'s numbers, and the same items in any order of delivery', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventSet.chain((events) => fc.tuple(fc.constant(events), delivery(events.length))),
        fc.constantFrom(...WINDOWS),
        fc.subarray(FILTERS, { minLength: 1, maxLength: 2 }),
        fc.integer({ min: 1, max: 4 }),
        // fewOpen 0: the open backlog walked by its created facts, however small, to give what reading it whole gives.
        fc.record({ step: fc.integer({ min: 1, max: 4 }), max: fc.integer({ min: 1, max: 12 }), fewOpen: fc.constantFrom(0, 1000) }),
        async ([events, d], window, filterSets, limit, budget) => {
          const sorted = testApp({ now: () => NOW });
          const shuffled = testApp({ now: () => NOW, tailLimit: d.tailLimit, memoSubjects: d.memoSubjects });
          try {
            expect((await sorted.post([...events].sort((a, b) => a.at - b.at))).status).toBe(200);
            const order = d.order.map((i) => events[i]);
            let start = 0;
            for (const cut of [...new Set(d.cuts)].sort((a, b) => a - b).concat(order.length)) {
              if (cut <= start) continue;
              expect((await shuffled.post(order.slice(start, cut))).status).toBe(200);
              start = cut;
            }
            for (const r of d.retries) expect((await shuffled.post([events[r]])).body).toEqual({ accepted: 0, duplicates: 1 });

            const w = { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() };
            for (const filters of filterSets) {
              const kpis = await shuffled.kpis({ ...w, ...filters });
              for (const measure of MEASURES) {
                const items = await every(shuffled, { measure, ...w, ...filters }, limit);
                expect(items.length, `${measure} ${JSON.stringify(filters)}`).toBe(numberAt(kpis, measure));
                expect(items, `${measure} ${JSON.stringify(filters)}: same items as sorted delivery`).toEqual(await every(sorted, { measure, ...w, ...filters }, 1000));
                expect(everyWithin(shuffled, measure as Measure, window, filters, limit, budget), `${measure} ${JSON.stringify(filters)} within ${JSON.stringify(budget)}`).toEqual(items);
              }
            }
            // Each agent's block, with and without a team.
            for (const teamFilter of [{}, { team: 'wallet' }] as Record<string, string>[]) {
              const { agents } = await shuffled.agents({ ...w, ...teamFilter });
              for (const a of agents)
                for (const measure of AGENT_MEASURES)
                  expect((await every(shuffled, { measure, ...w, ...teamFilter, agent: a.agent }, 1000)).length, `${a.agent} ${measure} ${JSON.stringify(teamFilter)}`).toBe(numberAt(a, measure));
            }
          } finally {
            sorted.close();
            shuffled.close();
          }
        }
      ),
      { numRuns: RUNS }
    );
  }, 120_000 + RUNS * 2000);
});
