// The walk of `facts_at` a drill page makes, newest first, within a budget of index entries (getDrill.ts).
import type Database from 'better-sqlite3';
import { cached } from '../windowTotals';

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

/** Where a walk is: a fact's time and subject, and for a window's fact its row id (`facts_at` ends in it). */
export type WalkKey = { at: number; subject: string; id?: number };

/** What one page's walk of `facts_at` reads: the rows it lists, and how it orders and bounds them. */
interface Walk<K extends WalkKey> {
  /** The index's columns the page is ordered by, newest first (`facts_at` ends in the rowid, `id`). */
  key: readonly (keyof K & keyof WalkKey)[];
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
export function walkFactsAt<K extends WalkKey, R>(sqlite: Database.Database, walk: Walk<K>): { rows: R[]; stoppedAt: K | null } {
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
