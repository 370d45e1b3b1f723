// A plain model of SPEC.md's replay rules and KPI definitions, written from the spec's text without the
// product's code (no rollups, no histograms, no memo): what GET /api/kpis and /api/agents must answer.
import { expect } from 'vitest';
import type { Fact as ProductFact } from '../../api/kpi/replay';

const TARGET_SEC: Record<string, number> = { urgent: 300, high: 1800, normal: 7200, low: 28800 };
export type Ev = Record<string, any> & { id: string; type: string; at: number };
/** A counted fact with its attributes at its time (the product's fields; the model's own plain values). */
export type Fact = Omit<ProductFact, 'kind' | 'value' | 'flag' | 'flag2'> & { kind: string; value: number; flag: boolean; flag2: boolean };
export interface Open {
  team: string | null;
  channel: string;
  priority: string;
  category: string;
  assignee: string | null;
  waitFrom: number | null;
}

const inOrder = (a: Ev, b: Ev) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** "Sorting each ticket's events by (at, id) and replaying them." */
export function ticketModel(events: Ev[]): { facts: Fact[]; open: Open | null } {
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

export function callbackModel(events: Ev[]): { facts: Fact[]; pendingDue: number | null; team: string | null; agent: string | null } {
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

export type Filters = { team?: string; channel?: string; priority?: string; category?: string; agent?: string };
export const matches = (f: Fact, w: { from: number; to: number }, q: Filters) =>
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

export function windowModel(facts: Fact[]) {
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
export function expectNear(got: any, want: ReturnType<typeof windowModel>, { agentRow = false } = {}) {
  // An agent's row (/api/agents) has the other blocks, not `tickets`.
  if (!agentRow) expect(got.tickets).toEqual(want.tickets);
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

/**
 * The backlog now, with the same filters: a ticket's team, channel, priority and category now, and its
 * assignee for `agent`; a callback's team and first schedule's agent (it has no channel, priority or category,
 * so those filters match none).
 */
export function backlogModel(tickets: ReturnType<typeof ticketModel>[], callbacks: ReturnType<typeof callbackModel>[], filters: Filters, now: number) {
  const open = tickets.flatMap((m) => (m.open ? [m.open] : []));
  const shown = open.filter((o) => (Object.keys(filters) as (keyof Filters)[]).every((k) => (k === 'agent' ? o.assignee : o[k]) === filters[k]));
  const waits = shown.filter((o) => o.waitFrom !== null).map((o) => now - o.waitFrom!);
  const pending = callbacks.filter((m) => m.pendingDue !== null);
  const byTicketField = filters.channel !== undefined || filters.priority !== undefined || filters.category !== undefined;
  const pendingShown = byTicketField
    ? []
    : pending.filter((c) => (filters.team === undefined || c.team === filters.team) && (filters.agent === undefined || c.agent === filters.agent));
  return {
    open: shown.length,
    unassigned: shown.filter((o) => o.assignee === null).length,
    unattended: waits.length,
    oldestUnattendedSec: waits.length ? Math.max(...waits) / 1000 : null,
    callbacksPending: pendingShown.length,
    callbacksOverdue: pendingShown.filter((c) => c.pendingDue! < now).length
  };
}

/** Every subject's model from a set of events, each id once (a repeated id is a retry, ignored). */
export function modelOf(events: Ev[]) {
  const seen = new Set<string>();
  const bySubject = new Map<string, Ev[]>();
  for (const e of events) {
    if (seen.has(e.id) || (e.ticket === undefined && e.callback === undefined)) continue;
    seen.add(e.id);
    const key = e.callback !== undefined ? `c:${e.callback}` : `t:${e.ticket}`;
    bySubject.set(key, [...(bySubject.get(key) ?? []), e]);
  }
  const subjects = [...bySubject.entries()];
  const tickets = subjects.filter(([key]) => key[0] === 't').map(([, evs]) => ticketModel(evs));
  const callbacks = subjects.filter(([key]) => key[0] === 'c').map(([, evs]) => callbackModel(evs));
  return { tickets, callbacks, facts: [...tickets, ...callbacks].flatMap((m) => m.facts) };
}
