// The numbers against SPEC.md read literally: a plain model of its replay rules and KPI definitions, written
// from the spec's text without the product's code (no rollups, no histograms, no memo), computes what
// GET /api/kpis and /api/agents must answer for random tickets and callbacks, windows and filters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fact as ProductFact } from '../../api/kpi/replay';
import { testApp } from '../helpers/app';

const BASE = Date.parse('2026-11-23T22:10:00Z');
const NOW = BASE + 9 * 3_600_000;
const MIN = 60_000;
const TARGET_SEC: Record<string, number> = { urgent: 300, high: 1800, normal: 7200, low: 28800 };
const RUNS = Number(process.env.FC_RUNS ?? 60);

type Ev = Record<string, any> & { id: string; type: string; at: number };
/** A counted fact with its attributes at its time (the product's fields; the model's own plain values). */
type Fact = Omit<ProductFact, 'kind' | 'value' | 'flag' | 'flag2'> & { kind: string; value: number; flag: boolean; flag2: boolean };
interface Open {
  team: string | null;
  channel: string;
  priority: string;
  category: string;
  assignee: string | null;
  waitFrom: number | null;
}

const inOrder = (a: Ev, b: Ev) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** "Sorting each ticket's events by (at, id) and replaying them." */
function ticketModel(events: Ev[]): { facts: Fact[]; open: Open | null } {
  const sorted = [...events].sort(inOrder);
  const creation = sorted.find((e) => e.type === 'ticket.created');
  if (!creation) return { facts: [], open: null };
  const t0 = creation.at;
  const skewed = sorted.map((e): Ev => ({ ...e, at: Math.max(e.at, t0) }));
  const rest = skewed.filter((e) => e.id !== creation.id);
  // "Team and priority at time t are the latest set by created/assigned/escalated at or before t", each event
  // in its (at, id) place. Where an event skewed to t0 sorts before the creation, the creation's value is the
  // later one: the spec leaves the order within one instant to the (at, id) sort, and this reads it so.
  const latest = (set: (e: Ev) => string | undefined, t: number) => {
    let v: string | null = null;
    for (const e of skewed) if (e.at <= t && set(e) !== undefined) v = set(e)!;
    return v;
  };
  const teamAt = (t: number) => latest((e) => (['ticket.created', 'ticket.assigned', 'ticket.escalated'].includes(e.type) ? e.team : undefined), t);
  const priorityAt = (t: number) =>
    latest((e) => (e.type === 'ticket.created' ? (e.priority ?? 'normal') : e.type === 'ticket.escalated' ? e.priority : undefined), t)!;
  const assigneeAt = (t: number) => latest((e) => (e.type === 'ticket.assigned' ? e.agent : undefined), t);
  const facts: Fact[] = [];
  const fact = (kind: string, at: number, agent: string | null, value = 0, flag = false) =>
    facts.push({ kind, at, team: teamAt(at), channel: creation.channel, priority: priorityAt(at), category: creation.category ?? 'other', agent, value, flag, flag2: false });

  fact('created', t0, null);
  let state = 'open';
  let firstResponse: number | null = null;
  let waitingSince: number | null = null;
  let lastResolver: string | null = null;
  let rating: Ev | null = null;
  let ratedAgent: string | null = null;
  for (const e of rest) {
    if (e.type === 'ticket.replied' && (e.author ?? 'agent') === 'agent') {
      if (firstResponse === null) {
        firstResponse = e.at;
        fact('first_response', e.at, e.agent, e.at - t0, e.at - t0 <= TARGET_SEC[priorityAt(e.at)] * 1000);
      }
      waitingSince = null;
    } else if (e.type === 'ticket.customer_replied') {
      if (firstResponse !== null && waitingSince === null) waitingSince = e.at;
    } else if (e.type === 'ticket.resolved' && state === 'open') {
      state = 'resolved';
      lastResolver = e.agent ?? assigneeAt(e.at);
      fact('resolved', e.at, lastResolver, e.at - t0);
    } else if (e.type === 'ticket.reopened' && state === 'resolved') {
      state = 'open';
      fact('reopened', e.at, null);
    } else if (e.type === 'ticket.abandoned' && state === 'open' && firstResponse === null) {
      state = 'abandoned';
      fact('abandoned', e.at, null);
    } else if (e.type === 'ticket.escalated') {
      fact('escalated', e.at, null);
    } else if (e.type === 'ticket.rated') {
      rating = e;
      ratedAgent = lastResolver ?? assigneeAt(e.at);
    }
  }
  if (rating) fact('rated', rating.at, ratedAgent, rating.score, rating.score >= 4);
  const open =
    state !== 'open'
      ? null
      : {
          team: teamAt(Infinity),
          channel: creation.channel,
          priority: priorityAt(Infinity),
          category: creation.category ?? 'other',
          assignee: assigneeAt(Infinity),
          waitFrom: firstResponse === null ? t0 : waitingSince
        };
  return { facts, open };
}

function callbackModel(events: Ev[]): { facts: Fact[]; pendingDue: number | null; team: string | null; agent: string | null } {
  const sorted = [...events].sort(inOrder);
  const schedules = sorted.filter((e) => e.type === 'callback.scheduled');
  if (!schedules.length) return { facts: [], pendingDue: null, team: null, agent: null };
  const first = schedules[0];
  const due = schedules[schedules.length - 1].due;
  const team = first.team ?? null;
  const facts: Fact[] = [];
  const fact = (kind: string, at: number, agent: string | null, flag = false, flag2 = false) =>
    facts.push({ kind, at, team, channel: null, priority: null, category: null, agent, value: 0, flag, flag2 });
  fact('callback_scheduled', first.at, first.agent ?? null);
  let state = 'pending';
  for (const e of sorted) {
    if (e.type === 'callback.attempted') fact('callback_attempt', e.at, e.agent, e.result === 'connected');
    else if (e.type === 'callback.completed' && state === 'pending') {
      state = 'completed';
      fact('callback_completed', e.at, e.agent ?? first.agent ?? null, e.at <= due, e.outcome === 'confirmed');
    } else if (e.type === 'callback.cancelled' && state === 'pending') state = 'cancelled';
  }
  return { facts, pendingDue: state === 'pending' ? due : null, team, agent: first.agent ?? null };
}

type Filters = { team?: string; channel?: string; priority?: string; category?: string; agent?: string };
const matches = (f: Fact, w: { from: number; to: number }, q: Filters) =>
  f.at >= w.from &&
  f.at < w.to &&
  (q.team === undefined || f.team === q.team) &&
  (q.channel === undefined || f.channel === q.channel) &&
  (q.priority === undefined || f.priority === q.priority) &&
  (q.category === undefined || f.category === q.category) &&
  (q.agent === undefined || f.agent === q.agent);

/** Nearest rank: the ⌈q·n⌉-th smallest. */
const rank = (values: number[], q: number) => (values.length ? [...values].sort((a, b) => a - b)[Math.ceil(q * values.length) - 1] / 1000 : null);
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length / 1000 : null);

function windowModel(facts: Fact[]) {
  const of = (kind: string) => facts.filter((f) => f.kind === kind);
  const durations = (kind: string) => {
    const v = of(kind).map((f) => f.value);
    return { count: v.length, avgSec: mean(v), p50Sec: rank(v, 0.5), p90Sec: rank(v, 0.9) };
  };
  const fr = of('first_response');
  const rated = of('rated');
  const positive = rated.filter((f) => f.flag).length;
  const done = of('callback_completed');
  return {
    tickets: { created: of('created').length, resolved: of('resolved').length, reopened: of('reopened').length, escalated: of('escalated').length, abandoned: of('abandoned').length },
    firstResponse: { ...durations('first_response'), withinTarget: fr.filter((f) => f.flag).length, breached: fr.filter((f) => !f.flag).length },
    resolution: durations('resolved'),
    csat: {
      responses: rated.length,
      positive,
      pct: rated.length ? (100 * positive) / rated.length : null,
      avg: rated.length ? rated.reduce((a, f) => a + f.value, 0) / rated.length : null
    },
    callbacks: {
      scheduled: of('callback_scheduled').length,
      attempts: of('callback_attempt').length,
      connected: of('callback_attempt').filter((f) => f.flag).length,
      completed: done.length,
      completedOnTime: done.filter((f) => f.flag).length,
      confirmed: done.filter((f) => f.flag2).length
    }
  };
}

/** Exact where the spec says exact; percentiles within 1 s or 2 %, averages within 1e-6 relative. */
function expectNear(got: any, want: ReturnType<typeof windowModel>) {
  expect(got.tickets).toEqual(want.tickets);
  expect(got.csat.responses).toBe(want.csat.responses);
  expect(got.csat.positive).toBe(want.csat.positive);
  for (const k of ['pct', 'avg'] as const) expect(close(got.csat[k], want.csat[k])).toBe(true);
  expect(got.callbacks).toEqual(want.callbacks);
  expect(got.firstResponse.withinTarget).toBe(want.firstResponse.withinTarget);
  expect(got.firstResponse.breached).toBe(want.firstResponse.breached);
  for (const k of ['firstResponse', 'resolution'] as const) {
    expect(got[k].count).toBe(want[k].count);
    expect(close(got[k].avgSec, want[k].avgSec)).toBe(true);
    for (const p of ['p50Sec', 'p90Sec'] as const) {
      const [g, w] = [got[k][p], want[k][p]];
      expect(w === null ? g === null : g !== null && Math.abs(g - w) <= Math.max(1, 0.02 * w), `${k}.${p}: ${g} against ${w}`).toBe(true);
    }
  }
}
const close = (a: number | null, b: number | null) => (b === null ? a === null : a !== null && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)));

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
        async (tickets, callbacks, windows) => {
          const events = eventsOf(tickets, callbacks);
          const t = testApp({ now: () => NOW });
          expect((await t.post(events)).status).toBe(200);
          const bySubject = new Map<string, Ev[]>();
          for (const e of events) {
            const key = e.ticket !== undefined ? `t:${e.ticket}` : `c:${e.callback}`;
            bySubject.set(key, [...(bySubject.get(key) ?? []), e]);
          }
          const subjects = [...bySubject.entries()];
          const ticketModels = subjects.filter(([key]) => key[0] === 't').map(([, evs]) => ticketModel(evs));
          const callbackModels = subjects.filter(([key]) => key[0] === 'c').map(([, evs]) => callbackModel(evs));
          const facts = [...ticketModels, ...callbackModels].flatMap((m) => m.facts);
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

          // The backlog is the state now, with the same filters: a ticket's team, channel, priority and category now,
          // and its assignee for `agent`; a callback's team and first schedule's agent (it has no channel,
          // priority or category, so those filters match none).
          for (const filters of [...FILTERS, { team: 'risk', agent: 'bob' }] as Filters[]) {
            const open = ticketModels.flatMap((m) => (m.open ? [m.open] : []));
            const shown = open.filter(
              (o) =>
                (Object.keys(filters) as (keyof Filters)[]).every((k) => (k === 'agent' ? o.assignee : o[k]) === filters[k])
            );
            const waits = shown.filter((o) => o.waitFrom !== null).map((o) => NOW - o.waitFrom!);
            const pending = callbackModels.filter((m) => m.pendingDue !== null);
            const byTicketField = filters.channel !== undefined || filters.priority !== undefined || filters.category !== undefined;
            const pendingShown = byTicketField
              ? []
              : pending.filter((c) => (filters.team === undefined || c.team === filters.team) && (filters.agent === undefined || c.agent === filters.agent));
            expect((await t.kpis(filters)).backlog).toEqual({
              open: shown.length,
              unassigned: shown.filter((o) => o.assignee === null).length,
              unattended: waits.length,
              oldestUnattendedSec: waits.length ? Math.max(...waits) / 1000 : null,
              callbacksPending: pendingShown.length,
              callbacksOverdue: pendingShown.filter((c) => c.pendingDue! < NOW).length
            });
          }
          t.close();
        }
      ),
      { numRuns: RUNS }
    );
  }, 60_000 + RUNS * 1_000);
});
