// Brings hour, day and week rollup rows up to date with the 5-minute rows ingest writes (see `rollupStale` in
// db/schema/rollups.ts): each stale hour is summed again from its 5-minute rows, then each stale day from
// its hours, each stale week from its days, and the marks are cleared, in one transaction. Runs between
// ingest transactions (maintenance.ts), at the end of a rebuild, and wherever a caller wants every coarse row
// current.
import type Database from 'better-sqlite3';
import { COUNTERS, emptyTotals, isZero, type Counter } from '../kpi/totals';
import { encodeHistogram } from '../kpi/histogram';
import { DIMS_IN, HISTOGRAM_RUN, LEVELS, ROLLUP_SUMS, RollupSum, prepare } from './rollup-delta';

/** One (dim, value, team) of a bucket: its finer rows' counters summed, and their histograms packed (HISTOGRAM_RUN). */
type FinerSums = Record<Counter, number> & { dim: string; value: string; team: string; hists: Buffer | null };

const statements = new WeakMap<Database.Database, ReturnType<typeof prepareCompaction>>();

function prepareCompaction(sqlite: Database.Database) {
  return {
    ...prepare(sqlite),
    stale: sqlite.prepare('SELECT level, bucket, first_marked_at AS firstMarkedAt, marked_at AS markedAt FROM rollup_stale ORDER BY level, bucket'),
    // Each (dim, value, team) summed by SQLite, its histograms packed into one blob: per row and histogram a
    // JS object, merged in JS, took 4 µs a row (an hour of a busy centre holds ~3,000 five-minute rows).
    finer: sqlite.prepare(
      `SELECT dim, value, team, ${ROLLUP_SUMS}, ${HISTOGRAM_RUN} AS hists FROM rollups WHERE level = ? AND ${DIMS_IN} AND bucket >= ? AND bucket < ? GROUP BY dim, value, team`
    ),
    clear: sqlite.prepare(`DELETE FROM rollups WHERE level = ? AND ${DIMS_IN} AND bucket = ?`),
    unmark: sqlite.prepare('DELETE FROM rollup_stale WHERE level = ? AND bucket = ?'),
    marksBack: sqlite.prepare(
      'UPDATE rollup_stale SET first_marked_at = min(first_marked_at, @now), marked_at = min(marked_at, @now) WHERE marked_at > @now OR first_marked_at > @now'
    )
  };
}

/** Which stale buckets a round sums; by default all of them. */
export interface CompactionLimits {
  /** At most this many buckets (the oldest first), so that one call never holds the writer for long. */
  maxBuckets?: number;
  /** Only buckets that ended by then. */
  endedBy?: number;
  /**
   * Only buckets last marked by `lastMarkBy`, i.e. that ingest has stopped writing, or first marked by
   * `firstMarkBy`, so that a bucket marked in every commit is still summed now and then.
   */
  lastMarkBy?: number;
  firstMarkBy?: number;
  /**
   * No more buckets once the round has taken this long (by `clock`, in ms): always one at least, so every round
   * moves on. A busy day's bucket takes tens of ms to sum, and ingest waits for the whole round.
   */
  maxMs?: number;
  /** A clock that never steps, in ms, for `maxMs` (performance.now). */
  clock?: () => number;
  /**
   * The time now: a mark stamped after it was made before NTP set the clock back, and is taken as made now. Left
   * as it was, a bucket marked then waited, quiet or not, until the clock had caught up with its mark (hours), and
   * every window over it read finer rows meanwhile.
   */
  now?: number;
}

/** What a round summed, per coarser level, and how many buckets stay stale. */
type Coarser = Exclude<(typeof LEVELS)[number], (typeof LEVELS)[0]>;
export type Compacted = Record<Coarser['name'], number> & { left: number };

/** Sums stale hours, then days, then weeks again, within `limits`. */
export function compactRollups(
  sqlite: Database.Database,
  { maxBuckets = Infinity, endedBy = Infinity, lastMarkBy = Infinity, firstMarkBy = -Infinity, maxMs = Infinity, clock = performance.now.bind(performance), now }: CompactionLimits = {}
): Compacted {
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepareCompaction(sqlite)));
  const st = s;
  const run = sqlite.transaction(() => {
    if (now !== undefined) st.marksBack.run({ now });
    const stale = st.stale.all() as { level: Coarser['level']; bucket: number; firstMarkedAt: number; markedAt: number }[];
    const due = stale.filter((b) => b.bucket + LEVELS[b.level].size <= endedBy && (b.markedAt <= lastMarkBy || b.firstMarkedAt <= firstMarkBy));
    const todo: typeof stale = [];
    // Finest level first. A bucket is summed from the level below, so only once none of the buckets it holds
    // there stays stale after this round (5-minute rows are never stale).
    let staleBelow: number[] = [];
    for (const { level, size } of LEVELS.slice(1)) {
      const ready = due.filter((b) => b.level === level && !staleBelow.some((x) => x >= b.bucket && x < b.bucket + size));
      const chosen = ready.slice(0, maxBuckets - todo.length);
      todo.push(...chosen);
      const summed = new Set(chosen.map((b) => b.bucket));
      staleBelow = stale.filter((b) => b.level === level && !summed.has(b.bucket)).map((b) => b.bucket);
    }
    const done = { ...(Object.fromEntries(LEVELS.slice(1).map((l) => [l.name, 0])) as Record<Coarser['name'], number>), left: stale.length };
    const started = clock();
    // `todo` is finest first, and a bucket is chosen only with the finer ones it is summed from: stopping anywhere
    // leaves no bucket summed from rows still stale.
    for (const [i, { level, bucket }] of todo.entries()) {
      if (i > 0 && clock() - started >= maxMs) break;
      const sums = (st.finer.all(level - 1, bucket, bucket + LEVELS[level].size) as FinerSums[]).map((row) => {
        // An hour sums 12 rows of each (dim, value, team), a day 24 and a week 7: sparse histogram sums.
        const sum = new RollupSum(false);
        sum.addCounters(row);
        if (row.hists) sum.addHistogramRun(row.hists);
        const totals = emptyTotals(false);
        sum.addTo(totals);
        return { dim: row.dim, value: row.value, team: row.team, totals };
      });
      st.clear.run(level, bucket);
      for (const { dim, value, team, totals } of sums) {
        if (isZero(totals)) continue;
        st.insert.run(level, dim, value, bucket, team, ...COUNTERS.map((c) => totals[c]), encodeHistogram(totals.frHist), encodeHistogram(totals.resHist));
      }
      st.unmark.run(level, bucket);
      done[LEVELS[level].name]++;
      done.left--;
    }
    return done;
  });
  // IMMEDIATE: another connection may write between a deferred transaction's first read and its first write.
  return sqlite.inTransaction ? run() : run.immediate();
}
