// Sums the facts of a window [from, to): whole UTC days and hours from rollups, the ragged edges from facts.
import type Database from 'better-sqlite3';
import type { Fact } from '../kpi/replay';
import { addFact, emptyTotals, mergeTotals, type Totals } from '../kpi/totals';
import type { KpiFilters } from '../kpi/types';
import { DAY_MS, HOUR_MS, ROLLUP_SELECT, rowToTotals, type RollupRow } from '../ingest/rollup-delta';

const NON_TEAM_DIMS = ['channel', 'priority', 'category', 'agent'] as const;

/** A window split into pieces: rollup ranges per level, and fact-scan ranges for the edges. */
export interface Cover {
  rollups: { level: 1 | 2; from: number; to: number }[];
  scans: { from: number; to: number }[];
}

export function coverWindow(from: number, to: number): Cover {
  const cover: Cover = { rollups: [], scans: [] };
  if (to <= from) return cover;
  const h0 = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const h1 = Math.floor(to / HOUR_MS) * HOUR_MS;
  if (h0 >= h1) {
    cover.scans.push({ from, to });
    return cover;
  }
  if (from < h0) cover.scans.push({ from, to: h0 });
  if (h1 < to) cover.scans.push({ from: h1, to });
  const d0 = Math.ceil(h0 / DAY_MS) * DAY_MS;
  const d1 = Math.floor(h1 / DAY_MS) * DAY_MS;
  if (d0 < d1) {
    cover.rollups.push({ level: 2, from: d0, to: d1 });
    if (h0 < d0) cover.rollups.push({ level: 1, from: h0, to: d0 });
    if (d1 < h1) cover.rollups.push({ level: 1, from: d1, to: h1 });
  } else cover.rollups.push({ level: 1, from: h0, to: h1 });
  return cover;
}

/** Which rollup dimension answers these filters, or null when only a scan of facts can (2+ non-team filters). */
export function rollupDim(filters: KpiFilters): { dim: string; value: string } | null {
  const set = NON_TEAM_DIMS.filter((d) => filters[d] !== undefined);
  if (set.length === 0) return { dim: 'all', value: '' };
  if (set.length === 1) return { dim: set[0], value: filters[set[0]]! };
  return null;
}

const FACT_COLUMNS = 'kind, at, team, channel, priority, category, agent, value, flag, flag2';

export function scanFacts(sqlite: Database.Database, from: number, to: number, filters: KpiFilters): Fact[] {
  const where = ['at >= ?', 'at < ?'];
  const params: (string | number)[] = [from, to];
  for (const key of ['team', ...NON_TEAM_DIMS] as const) {
    if (filters[key] === undefined) continue;
    where.push(`${key} = ?`);
    params.push(filters[key]!);
  }
  return cached(sqlite, `SELECT ${FACT_COLUMNS} FROM facts WHERE ${where.join(' AND ')}`).all(...params) as Fact[];
}

export function rollupRows(
  sqlite: Database.Database,
  range: { level: number; from: number; to: number },
  dim: string,
  value: string | null,
  team: string | undefined
): (RollupRow & { value: string })[] {
  const where = ['level = ?', 'dim = ?', 'bucket >= ?', 'bucket < ?'];
  const params: (string | number)[] = [range.level, dim, range.from, range.to];
  if (value !== null) {
    where.splice(2, 0, 'value = ?');
    params.splice(2, 0, value);
  }
  if (team !== undefined) {
    where.push('team = ?');
    params.push(team);
  }
  return cached(sqlite, `SELECT value, ${ROLLUP_SELECT} FROM rollups WHERE ${where.join(' AND ')}`).all(...params) as (RollupRow & {
    value: string;
  })[];
}

export function windowTotals(sqlite: Database.Database, from: number, to: number, filters: KpiFilters): Totals {
  const totals = emptyTotals();
  const dim = rollupDim(filters);
  const cover = dim ? coverWindow(from, to) : { rollups: [], scans: [{ from, to }] };
  for (const range of cover.rollups)
    for (const row of rollupRows(sqlite, range, dim!.dim, dim!.value, filters.team)) mergeTotals(totals, rowToTotals(row));
  for (const scan of cover.scans) for (const f of scanFacts(sqlite, scan.from, scan.to, filters)) addFact(totals, f);
  return totals;
}

// Query texts are built from a fixed set of column names only (never from input), so caching by text is safe.
const statementCache = new WeakMap<Database.Database, Map<string, Database.Statement>>();
export function cached(sqlite: Database.Database, sql: string): Database.Statement {
  let m = statementCache.get(sqlite);
  if (!m) statementCache.set(sqlite, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = sqlite.prepare(sql)));
  return s;
}
