// Collects the rollup changes of one transaction in memory, then writes each touched row once.
import type Database from 'better-sqlite3';
import type { Fact } from '../kpi/replay';
import { COUNTERS, addKindSums, emptyTotals, isZero, mergeTotals, type KindSums, type Totals } from '../kpi/totals';
import { Lru } from './lru';
import { HistogramSum, binOf, decodeHistogram, encodeHistogram } from '../kpi/histogram';

export const FIVE_MIN_MS = 300_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/**
 * Rollup levels, finest first: 0 = 5 minutes, 1 = UTC hour, 2 = UTC day. A window reads the coarsest whole
 * buckets it can, so a 90-day window reads ~90 day rows and a sliding hour at most ~12 five-minute rows, and
 * only its ragged edges (under 5 minutes each) from facts.
 */
export const LEVELS = [
  { level: 0, size: FIVE_MIN_MS },
  { level: 1, size: HOUR_MS },
  { level: 2, size: DAY_MS }
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

/** The dimension rows a fact is summed into. Team is a column of every row, so team + one filter is a lookup. */
export function dimsOf(f: Fact): [dim: string, value: string][] {
  const dims: [string, string][] = [['all', '']];
  if (f.channel !== null) dims.push(['channel', f.channel]);
  if (f.priority !== null) dims.push(['priority', f.priority]);
  if (f.category !== null) dims.push(['category', f.category]);
  if (f.agent !== null) dims.push(['agent', f.agent]);
  return dims;
}

export interface RollupRow extends Omit<Totals, 'frHist' | 'resHist' | 'frExact' | 'resExact'> {
  frHist: Buffer | null;
  resHist: Buffer | null;
}

export function rowToTotals(row: RollupRow): Totals {
  return { ...row, frHist: decodeHistogram(row.frHist), resHist: decodeHistogram(row.resHist), frExact: null, resExact: null };
}

/** Adds up many rollup rows into one Totals: counters as SQLite summed them, histograms through dense sums. */
export class RollupSum {
  private readonly counters = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<(typeof COUNTERS)[number], number>;
  private readonly fr = new HistogramSum();
  private readonly res = new HistogramSum();
  private rows = 0;

  addCounters(sums: Record<(typeof COUNTERS)[number], number>): void {
    for (const c of COUNTERS) this.counters[c] += sums[c];
    this.rows++;
  }

  addHistograms(fr: Uint8Array | null, res: Uint8Array | null): void {
    this.fr.addEncoded(fr);
    this.res.addEncoded(res);
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

export class RollupDelta {
  readonly deltas = new Map<string, Totals>();

  /** Adds (or retracts) one fact in every row it is summed into: 3 levels × up to 5 dimensions. */
  add(f: Fact, sign: 1 | -1): void {
    const team = f.team ?? '';
    const value = f.value ?? 0;
    // What the fact adds is the same in all its rows: work it out once, histogram bin included.
    const sums: KindSums = { kind: f.kind, n: sign, value: sign * value, flag: sign * f.flag, flag2: sign * f.flag2 };
    const hist = f.kind === 'first_response' ? 'frHist' : f.kind === 'resolved' ? 'resHist' : null;
    const bin = hist ? binOf(value / 1000) : 0;
    const dims = dimsOf(f);
    for (const { level, size } of LEVELS) {
      const prefix = `${level}\u0000${Math.floor(f.at / size) * size}\u0000${team}\u0000`;
      for (const [dim, dimValue] of dims) {
        const k = prefix + dim + '\u0000' + dimValue;
        let d = this.deltas.get(k);
        if (!d) this.deltas.set(k, (d = emptyTotals(false)));
        addKindSums(d, sums);
        if (hist) {
          const n = (d[hist][bin] ?? 0) + sign;
          if (n === 0) delete d[hist][bin];
          else d[hist][bin] = n;
        }
      }
    }
  }

  get size(): number {
    return this.deltas.size;
  }
}

const isEmpty = (h: object) => {
  for (const _ in h) return false;
  return true;
};

const keyOf = (k: string): [number, string, string, number, string] => {
  const [level, bucket, team, dim, value] = k.split('\u0000');
  return [Number(level), dim, value, Number(bucket), team];
};

/**
 * Writes rollup deltas: one write per touched row. Recently used rows stay parsed in memory, so the hot
 * buckets are never read back from SQLite. Call `forget()` after a rolled-back transaction.
 */
export class RollupWriter {
  private readonly cache = new Lru<string, Totals>(200_000);
  private readonly s: ReturnType<typeof prepare>;
  constructor(sqlite: Database.Database) {
    this.s = prepare(sqlite);
  }

  write(delta: RollupDelta): void {
    for (const [k, d] of delta.deltas) {
      if (isZero(d) && isEmpty(d.frHist) && isEmpty(d.resHist)) continue;
      const key = keyOf(k);
      let current = this.cache.get(k);
      if (!current) {
        const row = this.s.select.get(...key) as RollupRow | undefined;
        current = row ? rowToTotals(row) : emptyTotals(false);
        this.cache.set(k, current);
      }
      mergeTotals(current, d);
      if (isZero(current)) this.s.remove.run(...key);
      else this.s.upsert.run(...key, ...COUNTERS.map((c) => current[c]), encodeHistogram(current.frHist), encodeHistogram(current.resHist));
    }
    delta.deltas.clear();
  }

  forget(): void {
    this.cache.clear();
  }
}

const KEY_WHERE = 'level = ? AND dim = ? AND value = ? AND bucket = ? AND team = ?';
function prepare(sqlite: Database.Database) {
  return {
    select: sqlite.prepare(`SELECT ${ROLLUP_SELECT} FROM rollups WHERE ${KEY_WHERE}`),
    remove: sqlite.prepare(`DELETE FROM rollups WHERE ${KEY_WHERE}`),
    // An upsert updates the row in place; INSERT OR REPLACE would delete and re-insert it.
    upsert: sqlite.prepare(
      `INSERT INTO rollups (level, dim, value, bucket, team, ${COLUMNS.join(', ')}, fr_hist, res_hist)
       VALUES (?, ?, ?, ?, ?, ${COLUMNS.map(() => '?').join(', ')}, ?, ?)
       ON CONFLICT (level, dim, bucket, value, team) DO UPDATE SET
       ${[...COLUMNS, 'fr_hist', 'res_hist'].map((c) => `${c} = excluded.${c}`).join(', ')}`
    )
  };
}
