// Sums the facts of a window [from, to): whole UTC days and hours from rollups (unless stale), the ragged edges from facts.
import type Database from 'better-sqlite3';
import type { Fact } from '../kpi/replay';
import { addDuration, addKindSums, emptyTotals, type Counter, type KindSums, type Totals } from '../kpi/totals';
import type { KpiFilters } from '../kpi/types';
import { HISTOGRAM_RUN, LEVELS, ROLLUP_SUMS, RollupSum } from '../ingest/rollup-delta';

const NON_TEAM_DIMS = ['channel', 'priority', 'category', 'agent'] as const;

/** A window split into pieces: rollup ranges per level, and fact-scan ranges for the edges. */
export interface Cover {
  rollups: { level: number; from: number; to: number }[];
  scans: { from: number; to: number }[];
}

/** Hour and day buckets whose rows lag their 5-minute rows (rollup_stale), by level, in ascending order. */
export type StaleBuckets = ReadonlyMap<number, readonly number[]>;

export function staleBuckets(sqlite: Database.Database): StaleBuckets {
  const stale = new Map<number, number[]>();
  for (const [level, bucket] of cached(sqlite, 'SELECT level, bucket FROM rollup_stale ORDER BY level, bucket').raw().all() as [number, number][]) {
    const list = stale.get(level);
    if (list) list.push(bucket);
    else stale.set(level, [bucket]);
  }
  return stale;
}

/**
 * Covers [from, to) with the coarsest aligned buckets first, then finer ones at the sides, then scans. A stale
 * bucket is covered by the level below it instead (5-minute rows are never stale).
 */
export function coverWindow(from: number, to: number, stale: StaleBuckets = new Map()): Cover {
  const cover: Cover = { rollups: [], scans: [] };
  const fill = (a: number, b: number, levels: readonly { level: number; size: number }[]) => {
    if (b <= a) return;
    if (levels.length === 0) return void cover.scans.push({ from: a, to: b });
    const [{ level, size }, ...finer] = levels;
    const lo = Math.ceil(a / size) * size;
    const hi = Math.floor(b / size) * size;
    if (lo >= hi) return fill(a, b, finer);
    let at = lo;
    for (const bucket of stale.get(level) ?? []) {
      if (bucket < lo) continue;
      if (bucket >= hi) break;
      if (bucket > at) cover.rollups.push({ level, from: at, to: bucket });
      fill(bucket, bucket + size, finer);
      at = bucket + size;
    }
    if (at < hi) cover.rollups.push({ level, from: at, to: hi });
    fill(a, lo, finer);
    fill(hi, b, finer);
  };
  fill(from, to, [...LEVELS].reverse());
  return cover;
}

/**
 * Runs `read` on one snapshot of the database: the stale marks and the rows they qualify must be read as of
 * the same commit, or a compaction committed in between could count a bucket twice or not at all.
 */
export function onSnapshot<T>(sqlite: Database.Database, read: () => T): T {
  if (sqlite.inTransaction) return read();
  cached(sqlite, 'BEGIN').run();
  try {
    return read();
  } finally {
    cached(sqlite, 'COMMIT').run();
  }
}

/** Which rollup dimension answers these filters, or null when only a scan of facts can (2+ non-team filters). */
export function rollupDim(filters: KpiFilters): { dim: string; value: string } | null {
  const set = NON_TEAM_DIMS.filter((d) => filters[d] !== undefined);
  if (set.length === 0) return { dim: 'all', value: '' };
  if (set.length === 1) return { dim: set[0], value: filters[set[0]]! };
  return null;
}

const FACT_COLUMNS = 'kind, at, team, channel, priority, category, agent, value, flag, flag2';

/** `column = ?` and its parameter for each filter given that `columns` names a column for (the others are the caller's to handle). */
export function filterConditions(filters: KpiFilters, columns: Partial<Record<keyof KpiFilters, string>>): { conditions: string[]; params: string[] } {
  const conditions: string[] = [];
  const params: string[] = [];
  for (const [key, column] of Object.entries(columns) as [keyof KpiFilters, string][]) {
    if (filters[key] === undefined) continue;
    conditions.push(`${column} = ?`);
    params.push(filters[key]!);
  }
  return { conditions, params };
}

/** Facts hold every filter in a column of the same name. */
const FACT_FILTER_COLUMNS = Object.fromEntries(['team', ...NON_TEAM_DIMS].map((k) => [k, k]));

/** The WHERE clause (and its parameters) selecting the facts of [from, to) that match the filters. */
export function factWhere(from: number, to: number, filters: KpiFilters): { where: string; params: (string | number)[] } {
  const { conditions, params } = filterConditions(filters, FACT_FILTER_COLUMNS);
  return { where: ['at >= ?', 'at < ?', ...conditions].join(' AND '), params: [from, to, ...params] };
}

export function scanFacts(sqlite: Database.Database, from: number, to: number, filters: KpiFilters): Fact[] {
  const { where, params } = factWhere(from, to, filters);
  return cached(sqlite, `SELECT ${FACT_COLUMNS} FROM facts WHERE ${where}`).all(...params) as Fact[];
}

/**
 * Adds the facts of [from, to) to `totals`, summed by SQLite per kind; only durations come back one by one,
 * for exact percentiles. Same result as addFact() over scanFacts(), at a fraction of the cost.
 */
export function addScannedFacts(sqlite: Database.Database, totals: Totals, from: number, to: number, filters: KpiFilters): void {
  addScannedFactsByAgent(sqlite, () => totals, from, to, filters, false);
}

/** As addScannedFacts, with each fact going to its credited agent's totals (`byAgent`), or all to one. */
export function addScannedFactsByAgent(
  sqlite: Database.Database,
  totalsOf: (agent: string) => Totals,
  from: number,
  to: number,
  filters: KpiFilters,
  byAgent = true
): void {
  const { where: base, params } = factWhere(from, to, filters);
  const where = byAgent ? `${base} AND agent IS NOT NULL` : base;
  const group = byAgent ? 'agent' : "''";
  const sums = cached(
    sqlite,
    `SELECT ${group} AS agent, kind, count(*) AS n, total(value) AS value, total(flag) AS flag, total(flag2) AS flag2 FROM facts WHERE ${where} GROUP BY 1, kind`
  ).all(...params) as (KindSums & { agent: string })[];
  for (const r of sums) addKindSums(totalsOf(r.agent), r);
  if (!sums.some((r) => r.kind === 'first_response' || r.kind === 'resolved')) return;
  const durations = cached(sqlite, `SELECT ${group}, kind = 'first_response', value FROM facts WHERE ${where} AND kind IN ('first_response', 'resolved')`)
    .raw()
    .all(...params) as [string, number, number][];
  for (const [agent, isFirst, ms] of durations) addDuration(totalsOf(agent), isFirst ? 'first_response' : 'resolved', ms / 1000);
}

/**
 * As addScannedFacts for each of `buckets` (contiguous, ascending) at once: one pass over the facts of them all, each
 * added to the bucket its time falls in (addEachFact).
 */
export function addScannedFactsByBucket(sqlite: Database.Database, totals: readonly Totals[], buckets: readonly { from: number; to: number }[], filters: KpiFilters): void {
  if (buckets.length === 0) return;
  let i = 0;
  addEachFact(sqlite, buckets[0].from, buckets.at(-1)!.to, filters, 'at', (at: number) => {
    // The index gives facts in time order, so this is almost always the bucket of the fact before.
    if (at < buckets[i].from || at >= buckets[i].to) i = bucketAt(buckets, at);
    return totals[i];
  });
}

/**
 * One pass over the facts of [from, to) that match `filters`, each added whole to the totals `into` gives for its time
 * (`by` 'at') or its credited agent (`by` 'agent': facts with none are left out). One pass, not addScannedFacts's two
 * (sums, then durations): past the rollups the cost is reading the window's index and rows, and the facts that match
 * a narrowing are few, so adding them one by one costs less than reading the rows twice.
 */
export function addEachFact(sqlite: Database.Database, from: number, to: number, filters: KpiFilters, by: 'at', into: (at: number) => Totals): void;
export function addEachFact(sqlite: Database.Database, from: number, to: number, filters: KpiFilters, by: 'agent', into: (agent: string) => Totals): void;
export function addEachFact(sqlite: Database.Database, from: number, to: number, filters: KpiFilters, by: 'at' | 'agent', into: (key: never) => Totals): void {
  const { where, params } = factWhere(from, to, filters);
  const rows = cached(sqlite, `SELECT ${by}, kind, value, flag, flag2 FROM facts WHERE ${where}${by === 'agent' ? ' AND agent IS NOT NULL' : ''}`)
    .raw()
    .iterate(...params) as IterableIterator<[never, Fact['kind'], number | null, number, number]>;
  for (const [key, kind, value, flag, flag2] of rows) {
    const totals = into(key);
    addKindSums(totals, { kind, n: 1, value: value ?? 0, flag, flag2 });
    if (kind === 'first_response' || kind === 'resolved') addDuration(totals, kind, (value ?? 0) / 1000);
  }
}

/** The index of the bucket holding `at`, among contiguous ascending buckets that do. */
function bucketAt(buckets: readonly { from: number; to: number }[], at: number): number {
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (buckets[mid].from <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Adds the rollup rows of `range` for one dimension into sums keyed by the dimension's value (one key when
 * `value` is given), in one pass: counters summed by SQLite, histograms packed into one blob per value and
 * decoded into dense sums.
 */
export function addRollups(
  sqlite: Database.Database,
  sums: (value: string) => RollupSum,
  range: { level: number; from: number; to: number },
  dim: string,
  value: string | null,
  team: string | undefined
): void {
  const where = ['level = ?', 'dim = ?', 'bucket >= ?', 'bucket < ?'];
  const params: (string | number)[] = [range.level, dim, range.from, range.to];
  if (value !== null) (where.push('value = ?'), params.push(value));
  if (team !== undefined) (where.push('team = ?'), params.push(team));
  const rows = cached(sqlite, `SELECT value, ${ROLLUP_SUMS}, ${HISTOGRAM_RUN} AS hists FROM rollups WHERE ${where.join(' AND ')} GROUP BY value`).all(
    ...params
  ) as (Record<Counter, number> & { value: string; hists: Buffer })[];
  for (const row of rows) {
    const sum = sums(row.value);
    sum.addCounters(row);
    sum.addHistogramRun(row.hists);
  }
}

export function windowTotals(sqlite: Database.Database, from: number, to: number, filters: KpiFilters): Totals {
  return onSnapshot(sqlite, () => windowTotalsWith(sqlite, from, to, filters, staleBuckets(sqlite)));
}

/** As windowTotals, inside a snapshot the caller holds and with its stale marks: many windows read as of one commit. */
export function windowTotalsWith(sqlite: Database.Database, from: number, to: number, filters: KpiFilters, stale: StaleBuckets): Totals {
  const totals = emptyTotals();
  const dim = rollupDim(filters);
  const cover = dim ? coverWindow(from, to, stale) : { rollups: [], scans: [{ from, to }] };
  const sum = new RollupSum();
  for (const range of cover.rollups) addRollups(sqlite, () => sum, range, dim!.dim, dim!.value, filters.team);
  sum.addTo(totals);
  for (const scan of cover.scans) addScannedFacts(sqlite, totals, scan.from, scan.to, filters);
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
