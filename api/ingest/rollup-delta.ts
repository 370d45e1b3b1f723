// Rollup rows: their levels and dimensions, how a fact is summed into them, and how they are read and written.
import type Database from 'better-sqlite3';
import type { Fact } from '../kpi/replay';
import { COUNTERS, addKindSums, emptyCounters, isZero, type Counters, type KindSums, type Totals } from '../kpi/totals';
import { Lru } from './lru';
import { manyRows } from './many-rows';
import { BinCounts, HistogramSum, binOf } from '../kpi/histogram';

export const FIVE_MIN_MS = 300_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/**
 * Rollup levels, finest first: 0 = 5 minutes, 1 = UTC hour, 2 = UTC day, 3 = 7 UTC days (from a Thursday, as
 * the epoch: any fixed size works, aligned to it). Ingest writes level 0; each coarser level is summed from the
 * level below by rollup-compaction.ts. A window reads the coarsest whole, current buckets it can, so a 90-day
 * window reads ~12 week rows and the days at its sides, a sliding hour at most ~12 five-minute rows, and only
 * its ragged edges (under 5 minutes each) from facts. `name` is what compaction counts them as.
 */
export const LEVELS = [
  { level: 0, size: FIVE_MIN_MS, name: 'fiveMinutes' },
  { level: 1, size: HOUR_MS, name: 'hours' },
  { level: 2, size: DAY_MS, name: 'days' },
  { level: 3, size: WEEK_MS, name: 'weeks' }
] as const;

export const COLUMN_OF: Record<(typeof COUNTERS)[number], string> = {
  created: 'created',
  resolved: 'resolved',
  reopened: 'reopened',
  escalated: 'escalated',
  abandoned: 'abandoned',
  frCount: 'fr_count',
  frSumMs: 'fr_sum_ms',
  frWithin: 'fr_within',
  resCount: 'res_count',
  resSumMs: 'res_sum_ms',
  csatCount: 'csat_count',
  csatPositive: 'csat_positive',
  csatSum: 'csat_sum',
  cbScheduled: 'cb_scheduled',
  cbAttempts: 'cb_attempts',
  cbConnected: 'cb_connected',
  cbCompleted: 'cb_completed',
  cbOnTime: 'cb_on_time',
  cbConfirmed: 'cb_confirmed'
};
const COLUMNS = COUNTERS.map((c) => COLUMN_OF[c]);
export const ROLLUP_SELECT = `${COUNTERS.map((c) => `${COLUMN_OF[c]} AS ${c}`).join(', ')}, fr_hist AS frHist, res_hist AS resHist`;
/** The counters summed by SQLite over many rows (a query reads sums, not every row's columns). */
export const ROLLUP_SUMS = COUNTERS.map((c) => `total(${COLUMN_OF[c]}) AS ${c}`).join(', ');
/**
 * The histograms of many rows as ONE blob (for `RollupSum.addHistogramRun`): per row, the two blobs' lengths
 * as 4-byte big-endian integers, then the blobs. A 90-day per-agent query adds up thousands of rows, and
 * one JS Buffer per row and histogram cost more than decoding them. SQLite's `||` and group_concat keep a
 * blob's bytes as they are (NULs included); the CAST makes the result a blob again.
 */
export const HISTOGRAM_RUN = `CAST(group_concat(unhex(printf('%08X%08X', coalesce(length(fr_hist), 0), coalesce(length(res_hist), 0)))
  || coalesce(fr_hist, x'') || coalesce(res_hist, x''), '') AS BLOB)`;

export interface RollupRow extends Omit<Totals, 'frHist' | 'resHist' | 'frExact' | 'resExact'> {
  frHist: Buffer | null;
  resHist: Buffer | null;
}

/** Adds up many rollup rows into one Totals: counters as SQLite summed them, histograms through dense sums. */
export class RollupSum {
  /** The counters (the histograms are summed in `fr` and `res`). */
  private readonly counters = emptyCounters();
  private readonly fr: HistogramSum;
  private readonly res: HistogramSum;
  private rows = 0;

  /** `dense` false for sums of a few rows (see HistogramSum). */
  constructor(dense = true) {
    this.fr = new HistogramSum(dense);
    this.res = new HistogramSum(dense);
  }

  addCounters(sums: Record<(typeof COUNTERS)[number], number>): void {
    for (const c of COUNTERS) this.counters[c] += sums[c];
    this.rows++;
  }

  /** Adds the histograms of many rows, packed by HISTOGRAM_RUN: per row, two 4-byte lengths, then both blobs. */
  addHistogramRun(run: Uint8Array): void {
    const view = new DataView(run.buffer, run.byteOffset, run.byteLength);
    for (let pos = 0; pos < run.length; ) {
      const frEnd = pos + 8 + view.getUint32(pos);
      const resEnd = frEnd + view.getUint32(pos + 4);
      this.fr.addEncoded(run, pos + 8, frEnd);
      this.res.addEncoded(run, frEnd, resEnd);
      pos = resEnd;
    }
  }

  /** Merges the sum into `into`; its exact duration lists are dropped when any row was added. */
  addTo(into: Totals): void {
    if (this.rows === 0) return;
    for (const c of COUNTERS) into[c] += this.counters[c];
    this.fr.addTo(into.frHist);
    this.res.addTo(into.resHist);
    into.frExact = null;
    into.resExact = null;
  }
}

const BUCKETS_KEPT = 2 * 288 * 8;

/** One rollup row held in memory: its key columns, its counters and histograms as of this transaction, and its last encodings. */
interface CachedRow {
  key: [level: number, dim: string, value: string, bucket: number, team: string];
  counters: Counters;
  fr: BinCounts;
  res: BinCounts;
  dirty: boolean;
  /** Whether the row exists in SQLite as of the last flush: an update by key then suffices. */
  stored: boolean;
  /** Encoded histograms as last written; undefined once changed, so unchanged ones are not encoded again. */
  frBlob: Buffer | null | undefined;
  resBlob: Buffer | null | undefined;
}

/** The 5-minute rows of one (bucket, team): found by one key, then each dimension's row by its value alone. */
type BucketRows = Map<string, Map<string, CachedRow>>;

/**
 * Keeps the 5-minute rollup rows current: `add()` adds (or retracts) a fact straight into the cached rows it is summed
 * into and marks them dirty; `flush()` writes each dirty row once. Recently used buckets stay parsed in
 * memory, so the hot rows are never read back from SQLite. Call `forget()` after a rolled-back transaction:
 * the cache then holds changes that were never committed.
 */
export class RollupWriter {
  /**
   * (5-minute bucket, team) pairs kept parsed: two days of a centre of eight teams (the LRU holds up to twice
   * this). 20,000 kept up to ~46 days of a demo centre's rows, ~12 KB a pair, ~480 MB of a writer thread that
   * grew for six weeks; ingest writes the current hours' rows, and a late event's older rows are read back.
   */
  private readonly cache = new Lru<string, BucketRows>(BUCKETS_KEPT);
  /** Buckets with rows not yet written, also found here if the cache evicted them meanwhile. */
  private readonly dirtyBuckets = new Map<string, BucketRows>();
  private readonly dirty: CachedRow[] = [];
  /** Per coarser level (1, 2, …), the buckets (their starts) of the facts added since the last flush. */
  private readonly stale = LEVELS.slice(1).map(() => new Set<number>());
  private readonly s: ReturnType<typeof prepare>;
  /** `now` stamps the stale marks, so that compaction can tell which buckets ingest is still writing. */
  constructor(
    sqlite: Database.Database,
    private readonly now: () => number
  ) {
    this.s = prepare(sqlite);
  }

  /**
   * Adds (or retracts) one fact in the 5-minute rows it is summed into (up to 5 dimensions), and marks its
   * hour, day and week stale: rollup-compaction.ts sums those up again in a later transaction.
   */
  add(f: Fact, sign: 1 | -1): void {
    const team = f.team ?? '';
    const value = f.value ?? 0;
    // What the fact adds is the same in all its rows: work it out once, histogram bin included.
    const sums: KindSums = { kind: f.kind, n: sign, value: sign * value, flag: sign * f.flag, flag2: sign * f.flag2 };
    const hist = f.kind === 'first_response' ? 'fr' : f.kind === 'resolved' ? 'res' : null;
    const bin = hist ? binOf(value / 1000) : 0;
    const bucket = Math.floor(f.at / FIVE_MIN_MS) * FIVE_MIN_MS;
    for (let i = 0; i < this.stale.length; i++) {
      const size = LEVELS[i + 1].size;
      this.stale[i].add(Math.floor(f.at / size) * size);
    }
    const rows = this.bucketRows(`${bucket}\u0000${team}`);
    // Every row a fact is summed into: `all`, and each dimension it has a value for. Team is a column of every
    // row, so team + one filter is a lookup.
    this.addTo(rows, 'all', '', bucket, team, sums, hist, bin, sign);
    if (f.channel !== null) this.addTo(rows, 'channel', f.channel, bucket, team, sums, hist, bin, sign);
    if (f.priority !== null) this.addTo(rows, 'priority', f.priority, bucket, team, sums, hist, bin, sign);
    if (f.category !== null) this.addTo(rows, 'category', f.category, bucket, team, sums, hist, bin, sign);
    if (f.agent !== null) this.addTo(rows, 'agent', f.agent, bucket, team, sums, hist, bin, sign);
  }

  private addTo(rows: BucketRows, dim: string, value: string, bucket: number, team: string, sums: KindSums, hist: 'fr' | 'res' | null, bin: number, sign: 1 | -1): void {
    const row = this.row(rows, dim, value, bucket, team);
    addKindSums(row.counters, sums);
    if (hist === 'fr') (row.fr.add(bin, sign), (row.frBlob = undefined));
    else if (hist === 'res') (row.res.add(bin, sign), (row.resBlob = undefined));
  }

  private bucketRows(k: string): BucketRows {
    let rows = this.cache.get(k);
    if (!rows) {
      rows = this.dirtyBuckets.get(k) ?? new Map();
      this.cache.set(k, rows);
    }
    this.dirtyBuckets.set(k, rows);
    return rows;
  }

  private row(rows: BucketRows, dim: string, value: string, bucket: number, team: string): CachedRow {
    let byValue = rows.get(dim);
    if (!byValue) rows.set(dim, (byValue = new Map()));
    let row = byValue.get(value);
    if (!row) {
      const key: CachedRow['key'] = [0, dim, value, bucket, team];
      const stored = this.s.select.get(...key) as RollupRow | undefined;
      const counters = emptyCounters();
      if (stored) for (const c of COUNTERS) counters[c] = stored[c];
      row = stored
        ? { key, counters, fr: BinCounts.decode(stored.frHist), res: BinCounts.decode(stored.resHist), dirty: false, stored: true, frBlob: stored.frHist, resBlob: stored.resHist }
        : { key, counters, fr: new BinCounts(), res: new BinCounts(), dirty: false, stored: false, frBlob: null, resBlob: null };
      byValue.set(value, row);
    }
    if (!row.dirty) {
      row.dirty = true;
      this.dirty.push(row);
    }
    return row;
  }

  /** Writes every row changed since the last flush, once, and the stale marks of their hours, days and weeks. */
  flush(): void {
    const now = this.now();
    this.stale.forEach((buckets, i) => {
      for (const bucket of buckets) this.s.markStale.run(i + 1, bucket, now, now);
      buckets.clear();
    });
    const rows: unknown[] = [];
    for (const row of this.dirty) {
      row.dirty = false;
      const t = row.counters;
      if (isZero(t)) {
        if (row.stored) this.s.remove.run(...row.key);
        row.stored = false;
        continue;
      }
      if (row.frBlob === undefined) row.frBlob = row.fr.encode();
      if (row.resBlob === undefined) row.resBlob = row.res.encode();
      rows.push(...row.key);
      for (const c of COUNTERS) rows.push(t[c]);
      rows.push(row.frBlob, row.resBlob);
      row.stored = true;
    }
    // Inserted or, when stored, updated: many rows to a statement (a commit writes a hundred or more).
    this.s.upsert(rows);
    this.dirty.length = 0;
    this.dirtyBuckets.clear();
  }

  /** Rows changed and not yet written. */
  get pending(): number {
    return this.dirty.length;
  }

  forget(): void {
    for (const buckets of this.stale) buckets.clear();
    this.cache.clear();
    this.dirtyBuckets.clear();
    this.dirty.length = 0;
  }
}

const KEY_COLUMNS = ['level', 'dim', 'value', 'bucket', 'team'];
const KEY_WHERE = KEY_COLUMNS.map((c) => `${c} = ?`).join(' AND ');
/** Every dimension, so that a statement on (level, bucket) reads the key's ranges instead of the whole level. */
export const DIMS_IN = "dim IN ('all', 'channel', 'priority', 'category', 'agent')";

export function prepare(sqlite: Database.Database) {
  return {
    markStale: sqlite.prepare(
      'INSERT INTO rollup_stale (level, bucket, first_marked_at, marked_at) VALUES (?, ?, ?, ?) ON CONFLICT (level, bucket) DO UPDATE SET marked_at = excluded.marked_at'
    ),
    select: sqlite.prepare(`SELECT ${ROLLUP_SELECT} FROM rollups WHERE ${KEY_WHERE}`),
    remove: sqlite.prepare(`DELETE FROM rollups WHERE ${KEY_WHERE}`),
    insert: sqlite.prepare(
      `INSERT INTO rollups (level, dim, value, bucket, team, ${COLUMNS.join(', ')}, fr_hist, res_hist)
       VALUES (?, ?, ?, ?, ?, ${COLUMNS.map(() => '?').join(', ')}, ?, ?)`
    ),
    upsert: manyRows(
      sqlite,
      'rollups',
      [...KEY_COLUMNS, ...COLUMNS, 'fr_hist', 'res_hist'],
      16,
      `ON CONFLICT (${KEY_COLUMNS.join(', ')}) DO UPDATE SET ${[...COLUMNS, 'fr_hist', 'res_hist'].map((c) => `${c} = excluded.${c}`).join(', ')}`
    )
  };
}
