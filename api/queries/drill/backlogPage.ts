// The backlog's numbers, drilled: what the backlog reads now (current.ts), a page at a time.
import type Database from 'better-sqlite3';
import type { KpiFilters } from '../../kpi/types';
import { indexedMark, tailOpeningSeqs } from '../tailSeqs';
import { cached, filterConditions } from '../windowTotals';
import { BACKLOG_MEASURES, encodeCursor, iso, placeOf, type DrillItem, type DrillPage, type Position } from './measures';
import { walkFactsAt, type ScanBudget } from './walk';

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
export function backlogPage(
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
      ...placeOf(r),
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
  // Their opening events of the tail, as the connection knows it (tailSeqs.ts), not a scan of the whole tail each page.
  const seqs = tailOpeningSeqs(sqlite, new Set(sids), mark);
  const tail = cached(sqlite, "SELECT sid, min(at) AS at FROM events WHERE seq IN (SELECT value FROM json_each(?)) AND type = 'ticket.created' GROUP BY sid").all(
    JSON.stringify(seqs)
  ) as { sid: number; at: number }[];
  for (const r of tail) times.set(r.sid, Math.min(r.at, times.get(r.sid) ?? Infinity));
  return times;
}
