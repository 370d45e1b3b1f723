// The replay rules of SPEC.md ("Semantics"), in one place. Pure: events in, facts and current state out.
// Both the live ingest path and `npm run rebuild` call these functions, so they cannot disagree.
import type { CallbackEvent, Priority, TicketEvent } from '../events/schema';

export type FactKind =
  | 'created'
  | 'first_response'
  | 'resolved'
  | 'reopened'
  | 'escalated'
  | 'abandoned'
  | 'rated'
  | 'callback_scheduled'
  | 'callback_attempted'
  | 'callback_completed';

/**
 * One counted fact. `value` is a duration in ms (first response, resolution) or a score (rated).
 * `flag`: first response within target / attempt connected / completion on time. `flag2`: completion confirmed.
 */
export interface Fact {
  kind: FactKind;
  at: number;
  team: string | null;
  channel: string | null;
  priority: string | null;
  category: string | null;
  agent: string | null;
  value: number | null;
  flag: 0 | 1;
  flag2: 0 | 1;
}

/** `upcoming`: created after the replay's `asOf` (an event may be stamped up to 5 minutes ahead of the server's clock). */
export type TicketStateName = 'open' | 'resolved' | 'abandoned' | 'upcoming';

/** The ticket as it stands at the replay's `asOf`, after its events up to then: the source of the backlog. */
export interface TicketState {
  ticket: string;
  createdAt: number;
  channel: string;
  category: string;
  priority: string;
  team: string | null;
  assignee: string | null;
  state: TicketStateName;
  firstResponseAt: number | null;
  /** Set while the ticket waits on an agent: t0 before any first response, else `waiting_since`. */
  unattendedSince: number | null;
}

/** First-response target in seconds for a priority and channel at a moment (SLA policy lookup). */
export type TargetLookup = (priority: string, channel: string, at: number) => number;

const byTime = <E extends { at: number; id: string }>(a: E, b: E) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The events in (at, id) order. A subject's events mostly arrive in that order already, and then the list is
 * used as it is: copying and sorting it was an eighth of everything ingest allocated.
 */
function inTimeOrder<E extends { at: number; id: string }>(events: readonly E[]): readonly E[] {
  for (let i = 1; i < events.length; i++) if (byTime(events[i - 1], events[i]) > 0) return [...events].sort(byTime);
  return events;
}

/** Values that change over a ticket's life, set in time order; `valueAt(t)` is the latest set at or before t. */
class Timeline<T> {
  private points: { at: number; value: T }[] = [];
  set(at: number, value: T) {
    this.points.push({ at, value });
  }
  /**
   * Points are set in time order (replay's), so a binary search: a scan from the start for each fact made a
   * ticket's replay quadratic in its events, 270 ms for one escalated 8,000 times, on the writer's thread.
   */
  valueAt(at: number): T | null {
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.points[mid].at <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? this.points[lo - 1].value : null;
  }
  get last(): T | null {
    return this.points.length ? this.points[this.points.length - 1].value : null;
  }
}

/**
 * A ticket's facts as replay makes them, each with the team and priority at its time. A class, not a closure
 * made per replay: the tsx loader names every closure assigned to a const (`__name`, a defineProperty call),
 * and that was 3 % of the writer thread's time.
 */
class TicketFacts {
  readonly list: Fact[] = [];
  constructor(
    private readonly creation: TicketEvent & { type: 'ticket.created' },
    private readonly team: Timeline<string>,
    private readonly priority: Timeline<string>
  ) {}
  add(kind: FactKind, at: number, agent: string | null, value: number | null = null, flag: 0 | 1 = 0): void {
    this.list.push({
      kind,
      at,
      team: this.team.valueAt(at),
      channel: this.creation.channel,
      priority: this.priority.valueAt(at),
      category: this.creation.category,
      agent,
      value,
      flag,
      flag2: 0
    });
  }
}

export interface TicketReplay {
  state: TicketState;
  facts: Fact[];
  /** When the state changes next: the time of the first event after `asOf`, or null when there is none. */
  changesAt: number | null;
}

/**
 * Replays one ticket's events (any order, duplicates already removed by id). Null until a `ticket.created`
 * exists. Facts come from every event; the state from those up to `asOf` (now, for the backlog): an event
 * stamped ahead of the clock counts in the backlog once its time has come, as a replay in time order would.
 */
export function replayTicket(events: readonly TicketEvent[], targetSec: TargetLookup, asOf = Infinity): TicketReplay | null {
  const sorted = inTimeOrder(events);
  const creation = sorted.find((e) => e.type === 'ticket.created');
  if (!creation || creation.type !== 'ticket.created') return null;
  const t0 = creation.at;

  // Team, priority and assignee timelines first: a fact's attributes are those at its time, which may be
  // set by an event sorted after it at the same instant. The creation sets them in its place in (at, id)
  // order like any other event: an assignment stamped before t0 (taken as at t0), or an escalation at t0
  // whose id sorts first, comes before it, so the creation's team and priority are the later ones.
  const team = new Timeline<string>();
  const priority = new Timeline<string>();
  const assignee = new Timeline<string>();
  for (const e of sorted) {
    const at = Math.max(e.at, t0);
    if (e.type === 'ticket.created') {
      if (e.team) team.set(at, e.team);
      priority.set(at, e.priority);
    } else if (e.type === 'ticket.assigned') {
      if (e.team) team.set(at, e.team);
      assignee.set(at, e.agent);
    } else if (e.type === 'ticket.escalated') {
      if (e.team) team.set(at, e.team);
      if (e.priority) priority.set(at, e.priority);
    }
  }

  const facts = new TicketFacts(creation, team, priority);

  facts.add('created', t0, null);
  let state: TicketStateName = 'open';
  let firstResponseAt: number | null = null;
  let waitingSince: number | null = null;
  let lastResolver: string | null = null;
  let rating: { at: number; score: number; agent: string | null } | null = null;
  // The state as of `asOf`, kept once the first later event is reached.
  let changesAt: number | null = t0 > asOf ? t0 : null;
  let stateThen: TicketStateName = t0 > asOf ? 'upcoming' : state;
  let firstResponseThen: number | null = null;
  let waitingThen: number | null = null;

  for (const e of sorted) {
    if (e === creation) continue;
    const at = Math.max(e.at, t0);
    if (changesAt === null && at > asOf) {
      changesAt = at;
      (stateThen = state), (firstResponseThen = firstResponseAt), (waitingThen = waitingSince);
    }
    switch (e.type) {
      case 'ticket.replied':
        if (e.author !== 'agent') break;
        if (firstResponseAt === null) {
          firstResponseAt = at;
          const frt = at - t0;
          const p = priority.valueAt(at) ?? creation.priority;
          facts.add('first_response', at, e.agent ?? null, frt, frt <= targetSec(p, creation.channel, at) * 1000 ? 1 : 0);
        }
        waitingSince = null;
        break;
      case 'ticket.customer_replied':
        if (firstResponseAt !== null && waitingSince === null) waitingSince = at;
        break;
      case 'ticket.resolved':
        if (state === 'open') {
          state = 'resolved';
          lastResolver = e.agent ?? assignee.valueAt(at);
          facts.add('resolved', at, lastResolver, at - t0);
        }
        break;
      case 'ticket.reopened':
        if (state === 'resolved') {
          state = 'open';
          facts.add('reopened', at, null);
        }
        break;
      case 'ticket.abandoned':
        if (state === 'open' && firstResponseAt === null) {
          state = 'abandoned';
          facts.add('abandoned', at, null);
        }
        break;
      case 'ticket.escalated':
        facts.add('escalated', at, null);
        break;
      case 'ticket.rated':
        rating = { at, score: e.score, agent: lastResolver ?? assignee.valueAt(at) };
        break;
    }
  }
  // Only the latest rating counts; it is credited as of its own time.
  if (rating) facts.add('rated', rating.at, rating.agent, rating.score, rating.score >= 4 ? 1 : 0);

  // With no event after `asOf`, the state is the one after every event.
  if (changesAt === null) (stateThen = state), (firstResponseThen = firstResponseAt), (waitingThen = waitingSince);
  const whole = changesAt === null;
  return {
    state: {
      ticket: creation.ticket,
      createdAt: t0,
      channel: creation.channel,
      category: creation.category,
      priority: (whole ? priority.last : priority.valueAt(asOf)) ?? creation.priority,
      team: whole ? team.last : team.valueAt(asOf),
      assignee: whole ? assignee.last : assignee.valueAt(asOf),
      state: stateThen,
      firstResponseAt: firstResponseThen,
      unattendedSince: stateThen !== 'open' ? null : firstResponseThen === null ? t0 : waitingThen
    },
    facts: facts.list,
    changesAt
  };
}

/** `upcoming`: scheduled after the replay's `asOf`. */
export type CallbackStateName = 'pending' | 'completed' | 'cancelled' | 'upcoming';

export interface CallbackState {
  callback: string;
  scheduledAt: number;
  due: number;
  team: string | null;
  agent: string | null;
  reason: string;
  ticket: string | null;
  state: CallbackStateName;
}

export interface CallbackReplay {
  state: CallbackState;
  facts: Fact[];
  /** As for tickets: the time of the first event after `asOf`, or null. */
  changesAt: number | null;
}

function callbackFact(facts: Fact[], team: string | null, kind: FactKind, at: number, agent: string | null, flag: 0 | 1 = 0, flag2: 0 | 1 = 0): void {
  facts.push({ kind, at, team, channel: null, priority: null, category: null, agent, value: null, flag, flag2 });
}

/** Replays one callback's events. Null until a `callback.scheduled` exists. Facts from every event, the state as of `asOf`. */
export function replayCallback(events: readonly CallbackEvent[], asOf = Infinity): CallbackReplay | null {
  const sorted = inTimeOrder(events);
  const first = sorted.find((e) => e.type === 'callback.scheduled');
  if (!first || first.type !== 'callback.scheduled') return null;
  // The latest schedule sets `due`, and on-time is judged against that final due; the backlog's due is the
  // latest schedule's as of `asOf`.
  let due = first.due;
  let dueThen = first.due;
  let changesAt: number | null = null;
  for (const e of sorted) {
    if (changesAt === null && e.at > asOf) changesAt = e.at;
    if (e.type !== 'callback.scheduled') continue;
    due = e.due;
    if (e.at <= asOf) dueThen = e.due;
  }

  const team = first.team ?? null;
  const facts: Fact[] = [];

  callbackFact(facts, team, 'callback_scheduled', first.at, first.agent ?? null);
  let state: CallbackStateName = 'pending';
  let stateThen: CallbackStateName = first.at > asOf ? 'upcoming' : 'pending';
  for (const e of sorted) {
    if (e.type === 'callback.attempted') callbackFact(facts, team, 'callback_attempted', e.at, e.agent, e.result === 'connected' ? 1 : 0);
    else if (e.type === 'callback.completed' && state === 'pending') {
      state = 'completed';
      callbackFact(facts, team, 'callback_completed', e.at, e.agent ?? first.agent ?? null, e.at <= due ? 1 : 0, e.outcome === 'confirmed' ? 1 : 0);
    } else if (e.type === 'callback.cancelled' && state === 'pending') state = 'cancelled';
    if (e.at <= asOf && stateThen !== 'upcoming') stateThen = state;
  }
  return {
    state: {
      callback: first.callback,
      scheduledAt: first.at,
      due: dueThen,
      team,
      agent: first.agent ?? null,
      reason: first.reason,
      ticket: first.ticket ?? null,
      state: stateThen
    },
    facts,
    changesAt
  };
}

export type { Priority };
