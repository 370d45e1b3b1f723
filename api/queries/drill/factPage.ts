// A window's number, drilled: the facts that make it, a page at a time (facts.ts).
import type Database from 'better-sqlite3';
import type { Fact, FactKind } from '../../kpi/replay';
import type { KpiFilters } from '../../kpi/types';
import { indexedMark, tailOpeningSeqs } from '../tailSeqs';
import { cached, filterConditions } from '../windowTotals';
import { FACT_MEASURES, encodeCursor, placeOf, type DrillItem, type DrillPage, type Position } from './measures';
import { walkFactsAt, type ScanBudget } from './walk';

const bool = (b: number) => b === 1;

/** A row of `facts`: replay's fact, with its row id and subject. */
interface FactRow extends Fact {
  id: number;
  subject: string;
}

const FACT_FILTER_COLUMNS = { team: 'team', channel: 'channel', priority: 'priority', category: 'category', agent: 'agent' } as const;

type Key = { at: number; subject: string; id: number };

/** One page of the facts behind a window's number, newest first, walked down from the window's end or the cursor. */
export function factPage(
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
      ...placeOf(r),
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
  // Their opening events of the tail, as the connection knows it (tailSeqs.ts), not a scan of the whole tail each page.
  const seqs = tailOpeningSeqs(sqlite, new Set(subjectOf.keys()), mark);
  const tail = cached(sqlite, "SELECT sid, at, id, body FROM events WHERE seq IN (SELECT value FROM json_each(?)) AND type = 'callback.scheduled'").all(
    JSON.stringify(seqs)
  ) as { sid: number; at: number; id: string; body: string }[];
  for (const r of tail) keep(r.sid, r);
  for (const [sid, subject] of subjectOf) {
    const body = first.get(sid)?.body;
    found.set(subject, body === undefined ? null : ((JSON.parse(body) as { ticket?: string }).ticket ?? null));
  }
  return found;
}
