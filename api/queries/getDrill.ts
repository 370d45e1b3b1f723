// The tickets and callbacks behind one number of GET /api/kpis (SPEC.md: managers drill "into the tickets behind
// a number"), a page at a time. Counted as the number is: each item is one counted fact of the window (facts.ts),
// or, for the backlog, one row of what the backlog reads now (current.ts).
import type Database from 'better-sqlite3';
import type { Fact, FactKind } from '../kpi/replay';
import type { KpiFilters } from '../kpi/types';
import { cached, filterConditions, onSnapshot } from './windowTotals';

/** Which facts make each number of a window: a kind, and the flag that picks a part of them. */
const FACT_MEASURES = {
  'tickets.created': { kind: 'created' },
  'tickets.resolved': { kind: 'resolved' },
  'tickets.reopened': { kind: 'reopened' },
  'tickets.escalated': { kind: 'escalated' },
  'tickets.abandoned': { kind: 'abandoned' },
  'firstResponse.count': { kind: 'first_response' },
  'firstResponse.withinTarget': { kind: 'first_response', where: 'flag = 1' },
  'firstResponse.breached': { kind: 'first_response', where: 'flag = 0' },
  'resolution.count': { kind: 'resolved' },
  'csat.responses': { kind: 'rated' },
  'csat.positive': { kind: 'rated', where: 'flag = 1' },
  'callbacks.scheduled': { kind: 'callback_scheduled' },
  'callbacks.attempts': { kind: 'callback_attempted' },
  'callbacks.connected': { kind: 'callback_attempted', where: 'flag = 1' },
  'callbacks.completed': { kind: 'callback_completed' },
  'callbacks.completedOnTime': { kind: 'callback_completed', where: 'flag = 1' },
  'callbacks.confirmed': { kind: 'callback_completed', where: 'flag2 = 1' }
} as const satisfies Record<string, { kind: FactKind; where?: string }>;

/** The backlog's numbers: the state now, whatever the window. */
const BACKLOG_MEASURES = {
  'backlog.open': { table: 'tickets' },
  'backlog.unassigned': { table: 'tickets', where: 'b.assignee IS NULL' },
  'backlog.unattended': { table: 'tickets', where: 'b.unattended_since IS NOT NULL' },
  'backlog.callbacksPending': { table: 'callbacks' },
  'backlog.callbacksOverdue': { table: 'callbacks', where: 'b.due < ?' }
} as const;

export type Measure = keyof typeof FACT_MEASURES | keyof typeof BACKLOG_MEASURES;
export const MEASURES = [...Object.keys(FACT_MEASURES), ...Object.keys(BACKLOG_MEASURES)] as Measure[];
export const isMeasure = (m: string): m is Measure => (MEASURES as string[]).includes(m);

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface DrillItem {
  kind: 'ticket' | 'callback';
  id: string;
  ticket: string | null;
  at: string;
  team: string | null;
  channel: string | null;
  priority: string | null;
  category: string | null;
  agent: string | null;
  valueSec: number | null;
  score: number | null;
  withinTarget: boolean | null;
  /** A callback attempt: whether it connected; else null. */
  connected: boolean | null;
  /** A callback completion: whether on time / confirmed; else null. */
  onTime: boolean | null;
  confirmed: boolean | null;
  /** A pending callback: when it is due; else null. */
  due: string | null;
}

export interface DrillPage {
  items: DrillItem[];
  next: string | null;
}

/** Where the next page starts: after this fact (at, subject, id), or this backlog item (at, subject). */
type Position = { at: number; subject: string; id: number } | { at: number; subject: string; backlog: true };

/** The cursor is opaque to callers: base64url of the last item's position. */
export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify('backlog' in p ? [p.at, p.subject] : [p.at, p.subject, p.id])).toString('base64url');
}

/** The position a cursor names, or null for one this server did not give (for this kind of measure). */
export function decodeCursor(text: string, measure: Measure): Position | null {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(v)) return null;
  const whole = (n: unknown): n is number => Number.isSafeInteger(n);
  if (measure in BACKLOG_MEASURES) return v.length === 2 && whole(v[0]) && typeof v[1] === 'string' ? { at: v[0], subject: v[1], backlog: true } : null;
  return v.length === 3 && whole(v[0]) && typeof v[1] === 'string' && whole(v[2]) ? { at: v[0], subject: v[1], id: v[2] } : null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const bool = (b: number) => b === 1;

/** A row of `facts`: replay's fact, with its row id and subject. */
interface FactRow extends Fact {
  id: number;
  subject: string;
}

const FACT_FILTER_COLUMNS = { team: 'team', channel: 'channel', priority: 'priority', category: 'category', agent: 'agent' } as const;

/**
 * How far one page walks `facts_at` at most: `step` index entries at a time, `max` in all. A filter that matches
 * few facts (one agent's, over a year) would otherwise read every fact of the window before answering; such a
 * page comes back short, even empty, with a `next` to go on from where the walk stopped.
 */
export interface ScanBudget {
  step: number;
  max: number;
  /** Open backlogs up to this many tickets (after the filters) are read whole instead of walked (FEW_OPEN). */
  fewOpen?: number;
}
// 40,000 entries: ~20–45 ms a page at 1M tickets, on the thread that answers every request; at 200,000 one agent's
// breaches over 90 days took 110–210 ms a page. The reports page reads on through 10 empty pages (drill.svelte.ts).
export const SCAN_BUDGET: ScanBudget = { step: 10_000, max: 40_000 };

type Key = { at: number; subject: string; id: number };

/** One page of the facts behind a window's number, newest first, walked down from the window's end or the cursor. */
function factPage(
  sqlite: Database.Database,
  measure: keyof typeof FACT_MEASURES,
  window: { from: number; to: number },
  filters: KpiFilters,
  limit: number,
  after: Position | null,
  budget: ScanBudget
): DrillPage {
  const m: { kind: FactKind; where?: string } = FACT_MEASURES[measure];
  const f = filterConditions(filters, FACT_FILTER_COLUMNS);
  const { rows, stoppedAt } = walkFactsAt<Key, FactRow>(sqlite, {
    key: ['at', 'subject', 'id'],
    window,
    columns: 'f.id, f.subject, f.kind, f.at, f.team, f.channel, f.priority, f.category, f.agent, f.value, f.flag, f.flag2',
    where: ['f.kind = ?', ...(m.where ? [m.where] : []), ...f.conditions],
    params: [m.kind, ...f.params],
    limit,
    start: after && 'id' in after ? after : null,
    budget
  });
  const more = rows.length > limit;
  if (more) rows.pop();
  const ticketOf = callbackTickets(sqlite, rows.filter((r) => r.subject.startsWith('c:')).map((r) => r.subject));
  const items = rows.map((r): DrillItem => {
    const isCallback = r.subject.startsWith('c:');
    const id = r.subject.slice(2);
    return {
      kind: isCallback ? 'callback' : 'ticket',
      id,
      ticket: isCallback ? (ticketOf.get(r.subject) ?? null) : id,
      at: iso(r.at),
      team: r.team,
      channel: r.channel,
      priority: r.priority,
      category: r.category,
      agent: r.agent,
      valueSec: r.kind === 'first_response' || r.kind === 'resolved' ? (r.value ?? 0) / 1000 : null,
      score: r.kind === 'rated' ? r.value : null,
      withinTarget: r.kind === 'first_response' ? bool(r.flag) : null,
      connected: r.kind === 'callback_attempted' ? bool(r.flag) : null,
      onTime: r.kind === 'callback_completed' ? bool(r.flag) : null,
      confirmed: r.kind === 'callback_completed' ? bool(r.flag2) : null,
      due: null
    };
  });
  const last = rows[rows.length - 1];
  const next = more ? encodeCursor({ at: last.at, subject: last.subject, id: last.id }) : stoppedAt ? encodeCursor(stoppedAt) : null;
  return { items, next };
}

/**
 * The ticket each callback was scheduled for: its first schedule's (by (at, id), as replay takes it), from its
 * indexed events and the unindexed tail, read once for the page.
 */
function callbackTickets(sqlite: Database.Database, subjects: string[]): Map<string, string | null> {
  const found = new Map<string, string | null>();
  if (subjects.length === 0) return found;
  const sidOf = cached(sqlite, 'SELECT sid FROM subjects WHERE subject = ?').pluck();
  const subjectOf = new Map<number, string>();
  for (const subject of new Set(subjects)) {
    const sid = sidOf.get(subject) as number | undefined;
    if (sid !== undefined) subjectOf.set(sid, subject);
  }
  const mark = indexedMark(sqlite);
  const indexed = cached(
    sqlite,
    "SELECT e.at, e.id, e.body FROM subject_events x JOIN events e ON e.seq = x.seq WHERE x.sid = ? AND x.seq <= ? AND e.type = 'callback.scheduled'"
  );
  const first = new Map<number, { at: number; id: string; body: string }>();
  const keep = (sid: number, r: { at: number; id: string; body: string }) => {
    const had = first.get(sid);
    if (!had || r.at < had.at || (r.at === had.at && r.id < had.id)) first.set(sid, r);
  };
  for (const sid of subjectOf.keys()) for (const r of indexed.all(sid, mark) as { at: number; id: string; body: string }[]) keep(sid, r);
  const sids = [...subjectOf.keys()];
  const tail = sqlite
    .prepare(`SELECT sid, at, id, body FROM events WHERE seq > ? AND type = 'callback.scheduled' AND sid IN (${sids.map(() => '?').join(', ')})`)
    .all(mark, ...sids) as { sid: number; at: number; id: string; body: string }[];
  for (const r of tail) keep(r.sid, r);
  for (const [sid, subject] of subjectOf) {
    const body = first.get(sid)?.body;
    found.set(subject, body === undefined ? null : ((JSON.parse(body) as { ticket?: string }).ticket ?? null));
  }
  return found;
}

const TICKET_FILTER_COLUMNS = { team: 'b.team', channel: 'b.channel', priority: 'b.priority', category: 'b.category', agent: 'b.assignee' } as const;
const CALLBACK_FILTER_COLUMNS = { team: 'b.team', agent: 'b.agent' } as const;

/** A backlog row, and when it began for the order of the list: its creation, its wait, its schedule. */
interface BacklogRow {
  subject: string;
  team: string | null;
  channel: string | null;
  priority: string | null;
  category: string | null;
  agent: string | null;
  at: number;
  ticket: string | null;
  due: number | null;
}

type BacklogKey = { at: number; subject: string };

/**
 * One page of the backlog now, as getBacklog counts it (the same filters on the same columns), newest first: by
 * when the wait began for unattended tickets, when the ticket was created for the others, when the callback was
 * scheduled; ties by id. An order of the events alone, as every answer here is, however they arrived. A page reads
 * what it lists, not the whole backlog: a ticket's creation is its `created` fact, found by walking `facts_at` down
 * from the cursor (within the scan budget, as a window's facts are); the other orders are columns of the table.
 */
function backlogPage(
  sqlite: Database.Database,
  measure: keyof typeof BACKLOG_MEASURES,
  filters: KpiFilters,
  now: number,
  limit: number,
  after: Position | null,
  budget: ScanBudget
): DrillPage {
  const m: { table: 'tickets' | 'callbacks'; where?: string } = BACKLOG_MEASURES[measure];
  const tickets = m.table === 'tickets';
  // Callbacks carry team and agent only: a channel, priority or category filter matches none of them (getBacklog).
  if (!tickets && (filters.channel !== undefined || filters.priority !== undefined || filters.category !== undefined)) return { items: [], next: null };
  const f = filterConditions(filters, tickets ? TICKET_FILTER_COLUMNS : CALLBACK_FILTER_COLUMNS);
  const conditions = [...(m.where ? [m.where] : []), ...f.conditions];
  const params: (string | number)[] = [...(m.where?.includes('?') ? [now] : []), ...f.params];
  const columns = tickets
    ? 's.subject, b.team, b.channel, b.priority, b.category, b.assignee AS agent, NULL AS ticket, NULL AS due'
    : 's.subject, b.team, NULL AS channel, NULL AS priority, NULL AS category, b.agent, b.ticket, b.due';
  const upper: BacklogKey | null = after && 'backlog' in after ? after : null;
  const { rows, stoppedAt } =
    tickets && measure !== 'backlog.unattended'
      ? byCreation(sqlite, columns, conditions, params, now, limit, upper, budget)
      : bySince(sqlite, tickets ? 'b.unattended_since' : 'b.scheduled_at', tickets ? 'open_tickets' : 'pending_callbacks', columns, conditions, params, limit, upper);
  const more = rows.length > limit;
  if (more) rows.pop();
  const items = rows.map((r): DrillItem => {
    const id = r.subject.slice(2);
    return {
      kind: tickets ? 'ticket' : 'callback',
      id,
      ticket: tickets ? id : r.ticket,
      at: iso(r.at),
      team: r.team,
      channel: r.channel,
      priority: r.priority,
      category: r.category,
      agent: r.agent,
      // Unattended: the wait so far (since t0, or since the customer's reply); otherwise the age.
      valueSec: Math.max(0, (now - r.at) / 1000),
      score: null,
      withinTarget: null,
      connected: null,
      onTime: null,
      confirmed: null,
      due: r.due === null ? null : iso(r.due)
    };
  });
  const last = rows[rows.length - 1];
  const next = more ? encodeCursor({ at: last.at, subject: last.subject, backlog: true }) : stoppedAt ? encodeCursor({ ...stoppedAt, backlog: true }) : null;
  return { items, next };
}

/** The backlog rows ordered by a column of their table (the wait, the schedule): the table is a few thousand rows, sorted in SQLite for the page. */
function bySince(
  sqlite: Database.Database,
  since: string,
  table: string,
  columns: string,
  conditions: string[],
  params: (string | number)[],
  limit: number,
  upper: BacklogKey | null
): { rows: BacklogRow[]; stoppedAt: null } {
  const where = [...conditions, ...(upper ? [`(${since}, s.subject) < (?, ?)`] : [])];
  const rows = cached(
    sqlite,
    `SELECT ${columns}, ${since} AS at FROM ${table} b JOIN subjects s ON s.sid = b.sid ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, s.subject DESC LIMIT ?`
  ).all(...params, ...(upper ? [upper.at, upper.subject] : []), limit + 1) as BacklogRow[];
  return { rows, stoppedAt: null };
}

/** Backlogs up to this many tickets (after the filters) are read whole and sorted; larger ones are walked. */
const FEW_OPEN = 1000;

/** SQLite's order of text (BINARY: its UTF-8 bytes), which the walk of `facts_at` follows. */
const bytesOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Open tickets newest first by creation. Each open ticket's `created` fact stands at its creation (replay.ts), so
 * `facts_at` walked down from the cursor meets them in that order, and a page stops at `limit` of them or at the
 * scan budget (a short page, and a next to go on from), as a window's facts do. A few (a narrow filter, a quiet
 * centre) would leave the walk looking through the whole budget for them: those are read whole, each one's
 * creation looked up, and sorted, in the same order.
 */
function byCreation(
  sqlite: Database.Database,
  columns: string,
  conditions: string[],
  params: (string | number)[],
  now: number,
  limit: number,
  after: BacklogKey | null,
  budget: ScanBudget
): { rows: BacklogRow[]; stoppedAt: BacklogKey | null } {
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const count = cached(sqlite, `SELECT count(*) FROM open_tickets b ${where}`).pluck().get(...params) as number;
  if (count <= (budget.fewOpen ?? FEW_OPEN)) {
    const all = cached(sqlite, `SELECT b.sid, ${columns} FROM open_tickets b JOIN subjects s ON s.sid = b.sid ${where}`).all(...params) as (BacklogRow & { sid: number })[];
    const created = createdTimes(sqlite, all.map((r) => r.sid));
    const newestFirst = (a: BacklogKey, b: BacklogKey) => b.at - a.at || bytesOrder(b.subject, a.subject);
    const rows = all
      .map(({ sid, ...r }) => ({ ...r, at: created.get(sid) ?? now }))
      .filter((r) => after === null || newestFirst(r, after) > 0)
      .sort(newestFirst)
      .slice(0, limit + 1);
    return { rows, stoppedAt: null };
  }
  // CROSS JOIN keeps the walk of facts_at outermost: each created fact met is looked up in the backlog.
  return walkFactsAt<BacklogKey, BacklogRow>(sqlite, {
    key: ['at', 'subject'],
    columns: `${columns}, f.at AS at`,
    joins: 'CROSS JOIN subjects s ON s.subject = f.subject CROSS JOIN open_tickets b ON b.sid = s.sid',
    where: ["f.kind = 'created'", ...conditions],
    params,
    limit,
    start: after,
    budget
  });
}

/** What one page's walk of `facts_at` reads: the rows it lists, and how it orders and bounds them. */
interface Walk<K extends BacklogKey> {
  /** The index's columns the page is ordered by, newest first (`facts_at` ends in the rowid, `id`). */
  key: readonly (keyof K & keyof FactRow)[];
  /** A window's facts: the walk stays within [from, to). */
  window?: { from: number; to: number };
  /** A page's row: its columns, the tables joined to each fact met (`f`), and what it must meet. */
  columns: string;
  joins?: string;
  where: string[];
  params: (string | number)[];
  limit: number;
  /** Where the walk starts, below this key (a cursor's position), or null: the top. */
  start: K | null;
  budget: ScanBudget;
}

/**
 * One page, newest first: a walk of `facts_at` down from `start` a step of `budget.step` index entries at a time, each
 * step's end found from the index alone and the rows between read, until the page holds `limit` rows (and one more,
 * which says there are more) or the index ends. Past `budget.max` entries it stops, and gives where (`stoppedAt`):
 * the next page goes on from there (null when it did not stop so). Nothing counts the window first, so a page of a
 * year costs what a page of a day does.
 */
function walkFactsAt<K extends BacklogKey, R>(sqlite: Database.Database, walk: Walk<K>): { rows: R[]; stoppedAt: K | null } {
  const { key, window, budget } = walk;
  const tuple = `(${key.map((c) => `f.${c}`).join(', ')})`;
  const marks = `(${key.map(() => '?').join(', ')})`;
  const ORDER = `ORDER BY ${key.map((c) => `f.${c} DESC`).join(', ')}`;
  const range = (upper: K | null, lower: K | null) => {
    // One bound on `at` each way, the tighter of the window's and the step's: given two, SQLite ranges the index by
    // the one it meets first (the window's), and every step of a page walked from the window's end to its start.
    // The row values then pick the rows within the range.
    const conditions: string[] = [];
    const params: (string | number)[] = [];
    const from = window ? Math.max(window.from, lower?.at ?? window.from) : lower?.at;
    if (from !== undefined) (conditions.push('f.at >= ?'), params.push(from));
    if (upper && (!window || upper.at < window.to)) (conditions.push('f.at <= ?'), params.push(upper.at));
    else if (window) (conditions.push('f.at < ?'), params.push(window.to));
    if (upper) (conditions.push(`${tuple} < ${marks}`), params.push(...key.map((c) => upper[c] as string | number)));
    if (lower) (conditions.push(`${tuple} >= ${marks}`), params.push(...key.map((c) => lower[c] as string | number)));
    return { conditions, params };
  };
  const where = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');
  const rows: R[] = [];
  let upper = walk.start;
  for (let walked = 0; ; ) {
    // Where this step ends: `step` index entries down, read from the index alone (at, subject and rowid are in it).
    const r = range(upper, null);
    const lower =
      (cached(sqlite, `SELECT ${key.map((c) => `f.${c} AS ${c}`).join(', ')} FROM facts f INDEXED BY facts_at ${where(r.conditions)} ${ORDER} LIMIT 1 OFFSET ?`).get(
        ...r.params,
        budget.step - 1
      ) as K | undefined) ?? null;
    const q = range(upper, lower);
    rows.push(
      ...(cached(sqlite, `SELECT ${walk.columns} FROM facts f INDEXED BY facts_at ${walk.joins ?? ''} ${where([...q.conditions, ...walk.where])} ${ORDER} LIMIT ?`).all(
        ...q.params,
        ...walk.params,
        walk.limit + 1 - rows.length
      ) as R[])
    );
    if (rows.length > walk.limit || !lower) return { rows, stoppedAt: null };
    walked += budget.step;
    upper = lower;
    if (walked >= budget.max) return { rows, stoppedAt: lower };
  }
}

/** Each open ticket's creation time (its earliest `ticket.created`), from its indexed events and the unindexed tail. */
function createdTimes(sqlite: Database.Database, sids: number[]): Map<number, number> {
  const times = new Map<number, number>();
  if (sids.length === 0) return times;
  const mark = indexedMark(sqlite);
  const indexed = cached(
    sqlite,
    "SELECT min(e.at) FROM subject_events x JOIN events e ON e.seq = x.seq WHERE x.sid = ? AND x.seq <= ? AND e.type = 'ticket.created'"
  ).pluck();
  for (const sid of sids) {
    const at = indexed.get(sid, mark) as number | null;
    if (at !== null) times.set(sid, at);
  }
  // The tail once for all of them: at most TAIL_LIMIT events (subject-index.ts), read by seq.
  const wanted = new Set(sids);
  const tail = cached(sqlite, "SELECT sid, min(at) AS at FROM events WHERE seq > ? AND type = 'ticket.created' GROUP BY sid").all(mark) as { sid: number; at: number }[];
  for (const r of tail) if (wanted.has(r.sid)) times.set(r.sid, Math.min(r.at, times.get(r.sid) ?? Infinity));
  return times;
}

/** Every event up to this `seq` is in `subject_events`; the ones after it are found in `events` by subject number. */
export function indexedMark(sqlite: Database.Database): number {
  return (cached(sqlite, 'SELECT seq FROM subject_events_indexed WHERE one = 1').pluck().get() as number | undefined) ?? 0;
}

/** One page of the items behind `measure`: for a window's number, its facts of [from, to); for the backlog, now's. */
export function getDrillPage(
  sqlite: Database.Database,
  measure: Measure,
  window: { from: number; to: number },
  filters: KpiFilters,
  now: number,
  limit: number,
  after: Position | null,
  budget: ScanBudget = SCAN_BUDGET
): DrillPage {
  return onSnapshot(sqlite, () =>
    measure in FACT_MEASURES
      ? factPage(sqlite, measure as keyof typeof FACT_MEASURES, window, filters, limit, after, budget)
      : backlogPage(sqlite, measure as keyof typeof BACKLOG_MEASURES, filters, now, limit, after, budget)
  );
}

export type { Position as DrillPosition };
