// One ticket's or callback's story: its stored events in replay's order, and what replay makes of them now.
// The replay is api/kpi/replay.ts's, run here on the events as stored: the rules live there alone.
import type Database from 'better-sqlite3';
import type { CallbackEvent, TicketEvent } from '../events/schema';
import { orderKey } from '../ingest/subjects';
import { replayCallback, replayTicket, type Fact } from '../kpi/replay';
import { slaLookup } from '../kpi/sla-policies';
import { slaPolicyVersions } from './getSlaPolicies';
import { indexedMark, tailSeqs } from './tailSeqs';
import { cached, onSnapshot } from './windowTotals';

type Stored = { seq: number; body: string; receivedAt: number };

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : iso(ms));

/**
 * A subject's stored events: those `subject_events` lists up to its mark, and those of the tail after the mark
 * (tailSeqs.ts: the writer indexes in arrears, on its own thread, so only the database says what it holds).
 * Null for a subject no event has named.
 */
function storedEvents(sqlite: Database.Database, subject: string): Stored[] | null {
  const sid = cached(sqlite, 'SELECT sid FROM subjects WHERE subject = ?').pluck().get(subject) as number | undefined;
  if (sid === undefined) return null;
  const mark = indexedMark(sqlite);
  const indexed = cached(
    sqlite,
    'SELECT e.seq, e.body, e.received_at AS receivedAt FROM subject_events x JOIN events e ON e.seq = x.seq WHERE x.sid = ? AND x.seq <= ?'
  ).all(sid, mark) as Stored[];
  const row = cached(sqlite, 'SELECT seq, body, received_at AS receivedAt FROM events WHERE seq = ?');
  return [...indexed, ...tailSeqs(sqlite, sid, mark).map((seq) => row.get(seq) as Stored)];
}

interface StoryEvent {
  id: string;
  type: string;
  at: number;
  [field: string]: unknown;
}

/** The events as replay reads them (epoch ms), in replay's order, and as the answer shows them (ISO times). */
function readEvents(stored: Stored[]): { events: StoryEvent[]; shown: Record<string, unknown>[] } {
  const received = new Map<string, number>();
  const parsed = stored.map((s) => {
    const e = JSON.parse(s.body) as StoryEvent;
    received.set(e.id, s.receivedAt);
    return e;
  });
  // Replay's order, (at, id), by the key ingest orders an agent's statuses by: replay.ts is left as it is, as the
  // benchmark's cached database is keyed by its text (test/bench/queries.ts) and would be built again.
  const events = parsed.map((e) => ({ e, key: orderKey(e.at, e.id) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ e }) => e);
  // The customer is kept with the event, never shown (api/events/schema.ts): a story names the ticket, not its customer.
  const shown = events.map(({ customer: _customer, ...e }) => ({
    ...e,
    at: iso(e.at),
    ...(typeof e.due === 'number' ? { due: iso(e.due) } : {}),
    receivedAt: iso(received.get(e.id)!)
  }));
  return { events, shown };
}

/**
 * A subject's story, read on the caller's snapshot: its events as shown, and what `replay` makes of them (`state`
 * describes it, and its facts follow). Null for a subject no event has named.
 */
function story<R extends { facts: Fact[] }, S>(sqlite: Database.Database, subject: string, replay: (events: StoryEvent[]) => R | null, state: (replayed: R) => S) {
  const stored = storedEvents(sqlite, subject);
  if (stored === null) return null;
  const { events, shown } = readEvents(stored);
  const replayed = replay(events);
  return { events: shown, state: replayed && { ...state(replayed), facts: replayed.facts.map((f) => ({ ...f, at: iso(f.at) })) } };
}

/** GET /api/tickets/:id: null for a ticket no event has named. */
export function getTicketStory(sqlite: Database.Database, ticket: string, now: number) {
  return onSnapshot(sqlite, () => {
    const told = story(sqlite, `t:${ticket}`, (events) => replayTicket(events as unknown as TicketEvent[], slaLookup(slaPolicyVersions(sqlite)), now), ticketState);
    if (told === null) return null;
    const pending = cached(sqlite, 'SELECT s.subject FROM pending_callbacks p JOIN subjects s ON s.sid = p.sid WHERE p.ticket = ? ORDER BY p.sid').pluck().all(ticket) as string[];
    return { ticket, ...told, pendingCallbacks: pending.map((s) => s.slice(2)) };
  });
}

function ticketState({ state: s, facts }: NonNullable<ReturnType<typeof replayTicket>>) {
  const first = facts.find((f) => f.kind === 'first_response');
  const resolutions = facts.filter((f) => f.kind === 'resolved');
  const lastResolution = s.state === 'resolved' ? resolutions[resolutions.length - 1] : undefined;
  const rating = facts.find((f) => f.kind === 'rated');
  return {
    // `upcoming`: created ahead of the server's clock (an event may be up to 5 minutes ahead).
    status: s.state,
    team: s.team,
    channel: s.channel,
    priority: s.priority,
    category: s.category,
    assignee: s.assignee,
    createdAt: iso(s.createdAt),
    firstResponseAt: isoOrNull(first?.at),
    firstResponseSec: first ? first.value! / 1000 : null,
    firstResponseWithinTarget: first ? first.flag === 1 : null,
    firstResponder: first?.agent ?? null,
    resolvedAt: isoOrNull(lastResolution?.at),
    resolutionSec: lastResolution ? lastResolution.value! / 1000 : null,
    resolvedBy: lastResolution?.agent ?? null,
    resolutions: resolutions.length,
    reopenings: facts.filter((f) => f.kind === 'reopened').length,
    escalations: facts.filter((f) => f.kind === 'escalated').length,
    abandoned: s.state === 'abandoned',
    rating: rating ? { score: rating.value, at: iso(rating.at), agent: rating.agent } : null,
    unattendedSince: isoOrNull(s.unattendedSince)
  };
}

/** GET /api/callbacks/:id: null for a callback no event has named. */
export function getCallbackStory(sqlite: Database.Database, callback: string, now: number) {
  return onSnapshot(sqlite, () => {
    const told = story(sqlite, `c:${callback}`, (events) => replayCallback(events as unknown as CallbackEvent[], now), callbackState);
    return told && { callback, ...told };
  });
}

function callbackState({ state: s, facts }: NonNullable<ReturnType<typeof replayCallback>>) {
  const completion = facts.find((f) => f.kind === 'callback_completed');
  const attempts = facts.filter((f) => f.kind === 'callback_attempted');
  return {
    status: s.state,
    ticket: s.ticket,
    team: s.team,
    agent: s.agent,
    reason: s.reason,
    scheduledAt: iso(s.scheduledAt),
    due: iso(s.due),
    attempts: attempts.length,
    connected: attempts.filter((f) => f.flag === 1).length,
    completedAt: isoOrNull(completion?.at),
    completedBy: completion?.agent ?? null,
    onTime: completion ? completion.flag === 1 : null,
    confirmed: completion ? completion.flag2 === 1 : null
  };
}
