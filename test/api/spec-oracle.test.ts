// The numbers against SPEC.md read literally: a plain model of its replay rules and KPI definitions
// (test/helpers/spec-model.ts) computes what GET /api/kpis and /api/agents must answer for random tickets and
// callbacks, windows and filters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactRollups } from '../../api/ingest/rollup-compaction';
import { testApp } from '../helpers/app';
import { backlogModel, expectNear, matches, modelOf, windowModel, type Ev, type Filters } from '../helpers/spec-model';

const BASE = Date.parse('2026-11-23T22:10:00Z');
const NOW = BASE + 9 * 3_600_000;
const MIN = 60_000;
const RUNS = Number(process.env.FC_RUNS ?? 60);

// Random tickets and callbacks. Any ticket event may be stamped before the ticket's creation (clock skew), and
// a ticket may be created twice (the earliest creates it; the other sets team and priority in its place).
const AGENTS = ['ann', 'bob', 'cy'];
const agent = fc.constantFrom(...AGENTS);
const team = fc.constantFrom('wallet', 'risk');
const skewed = fc.integer({ min: -10 * 60, max: 5 * 60 * 60 }).map((s) => s * 1000 + 3);
const ticketEvent = fc.oneof(
  fc.record({ type: fc.constant('ticket.assigned'), agent, team: fc.option(team, { nil: undefined }), d: skewed }),
  fc.record({ type: fc.constant('ticket.escalated'), team: fc.option(team, { nil: undefined }), priority: fc.option(fc.constantFrom('high', 'urgent', 'low'), { nil: undefined }), d: skewed }),
  fc.record({ type: fc.constant('ticket.created'), channel: fc.constantFrom('chat', 'app'), team: fc.option(team, { nil: undefined }), priority: fc.option(fc.constantFrom('urgent', 'low'), { nil: undefined }), d: skewed }),
  fc.record({ type: fc.constant('ticket.replied'), agent, d: skewed }),
  fc.record({ type: fc.constant('ticket.replied'), author: fc.constant('bot'), d: skewed }),
  fc.record({ type: fc.constant('ticket.customer_replied'), d: skewed }),
  fc.record({ type: fc.constant('ticket.resolved'), agent: fc.option(agent, { nil: undefined }), d: skewed }),
  fc.record({ type: fc.constant('ticket.reopened'), d: skewed }),
  fc.record({ type: fc.constant('ticket.abandoned'), d: skewed }),
  fc.record({ type: fc.constant('ticket.rated'), score: fc.integer({ min: 1, max: 5 }), d: skewed })
);
const ticket = fc.record({
  created: fc.record({
    at: fc.integer({ min: 0, max: 3 * 60 * 60 }).map((s) => BASE + s * 1000),
    channel: fc.constantFrom('chat', 'phone', 'email'),
    category: fc.option(fc.constantFrom('refund', 'frozen_account'), { nil: undefined }),
    priority: fc.option(fc.constantFrom('urgent', 'high', 'normal', 'low'), { nil: undefined }),
    team: fc.option(team, { nil: undefined })
  }),
  events: fc.array(ticketEvent, { maxLength: 8 })
});
const callbackEvent = fc.oneof(
  fc.record({ type: fc.constant('callback.scheduled'), reason: fc.constant('customer_request'), due: fc.integer({ min: 0, max: 6 * 60 }).map((m) => BASE + m * MIN), agent, d: skewed }),
  fc.record({ type: fc.constant('callback.attempted'), agent, result: fc.constantFrom('connected', 'no_answer'), d: skewed }),
  fc.record({ type: fc.constant('callback.completed'), outcome: fc.constantFrom('confirmed', 'declined'), agent: fc.option(agent, { nil: undefined }), d: skewed }),
  fc.record({ type: fc.constant('callback.cancelled'), d: skewed })
);
const callback = fc.record({
  scheduled: fc.record({ at: fc.integer({ min: 0, max: 3 * 60 * 60 }).map((s) => BASE + s * 1000), due: fc.integer({ min: 0, max: 6 * 60 }).map((m) => BASE + m * MIN), agent: fc.option(agent, { nil: undefined }), team: fc.option(team, { nil: undefined }) }),
  events: fc.array(callbackEvent, { maxLength: 5 })
});

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

function eventsOf(tickets: ValueOf<typeof ticket>[], callbacks: ValueOf<typeof callback>[]): Ev[] {
  const all: Ev[] = [];
  tickets.forEach((t, i) => {
    all.push({ id: `t${i}-c`, type: 'ticket.created', ticket: `T${i}`, ...t.created });
    t.events.forEach(({ d, ...e }, j) => all.push({ ...e, id: `t${i}-${j}`, ticket: `T${i}`, at: t.created.at + d }));
  });
  callbacks.forEach((c, i) => {
    all.push({ id: `c${i}-s`, type: 'callback.scheduled', callback: `C${i}`, reason: 'pre_approval', ...c.scheduled });
    c.events.forEach(({ d, ...e }, j) => all.push({ ...e, id: `c${i}-${j}`, callback: `C${i}`, at: c.scheduled.at + d }));
  });
  // Absent optional fields are left out of the JSON.
  return all.map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as Ev);
}

const FILTERS: Filters[] = [{}, { team: 'wallet' }, { channel: 'chat' }, { priority: 'urgent' }, { category: 'refund' }, { agent: 'ann' }, { team: 'risk', channel: 'phone' }];

describe('the numbers, against the spec read literally', () => {
  it('GET /api/kpis and /api/agents answer what a plain replay of the spec gives, for any window and filter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(ticket, { minLength: 1, maxLength: 8 }),
        fc.array(callback, { maxLength: 4 }),
        fc.array(fc.tuple(fc.integer({ min: -60, max: 8 * 60 }), fc.integer({ min: 1, max: 10 * 60 }), fc.constantFrom(...FILTERS)), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.constantFrom(undefined, 1, 3),
        async (tickets, callbacks, windows, split, maxBuckets) => {
          const events = eventsOf(tickets, callbacks);
          const t = testApp({ now: () => NOW });
          // Some events arrive after the hours, days and weeks of the others were summed (all, or the first few).
          const cut = split % (events.length + 1);
          for (const part of [events.slice(0, cut), events.slice(cut)]) {
            if (part.length) expect((await t.post(part)).status).toBe(200);
            compactRollups(t.rt.db.$client, { maxBuckets });
          }
          const { tickets: ticketModels, callbacks: callbackModels, facts } = modelOf(events);
          const named = [...new Set(events.flatMap((e) => (e.agent === undefined ? [] : [e.agent as string])))].sort();

          for (const [startMin, lenMin, filters] of [[-60, 10 * 60, {}] as const, ...windows]) {
            const w = { from: BASE + startMin * MIN + 1234, to: BASE + (startMin + lenMin) * MIN + 1234 };
            const got = await t.kpis({ ...w, ...filters });
            expectNear(got, windowModel(facts.filter((f) => matches(f, w, filters))));
            const agents = (await t.agents({ ...w, team: filters.team })).agents as any[];
            // "Agents come from agent.status and from any event naming them"; `open` is their open tickets now.
            if (filters.team === undefined) {
              expect(agents.map((a) => a.agent).sort()).toEqual(named);
              for (const a of agents) expect(a.open, a.agent).toBe(ticketModels.filter((m) => m.open?.assignee === a.agent).length);
            }
            for (const name of AGENTS) {
              const row = agents.find((a) => a.agent === name);
              const want = windowModel(facts.filter((f) => matches(f, w, { team: filters.team, agent: name })));
              if (!row) expect(want.firstResponse.count + want.resolution.count + want.csat.responses + want.callbacks.attempts).toBe(0);
              else {
                expect(row.firstResponse.count).toBe(want.firstResponse.count);
                expect(row.resolution.count).toBe(want.resolution.count);
                expect(row.csat).toMatchObject({ responses: want.csat.responses, positive: want.csat.positive });
                expect(row.callbacks).toEqual(want.callbacks);
              }
            }
          }

          // The backlog is the state now, with the same filters (backlogModel).
          for (const filters of [...FILTERS, { team: 'risk', agent: 'bob' }] as Filters[]) {
            expect((await t.kpis(filters)).backlog).toEqual(backlogModel(ticketModels, callbackModels, filters, NOW));
          }
          t.close();
        }
      ),
      { numRuns: RUNS }
    );
  }, 60_000 + RUNS * 1_000);
});
