// Brings hour and day rollup rows up to date with the 5-minute rows ingest writes (see `rollupStale` in
// db/schema/rollups.ts): each stale hour is summed again from its 5-minute rows, then each stale day from
// its hours, and the marks are cleared, in one transaction. Runs between ingest transactions (maintenance.ts),
// at the end of a rebuild, and wherever a caller wants every coarse row current.
import type Database from 'better-sqlite3';
import { emptyTotals, isZero, mergeTotals, type Totals } from '../kpi/totals';
import { COUNTERS } from '../kpi/totals';
import { encodeHistogram } from '../kpi/histogram';
import { DIMS_IN, LEVELS, ROLLUP_SELECT, prepare, rowToTotals, type RollupRow } from './rollup-delta';

const statements = new WeakMap<Database.Database, ReturnType<typeof prepareCompaction>>();

function prepareCompaction(sqlite: Database.Database) {
  return {
    ...prepare(sqlite),
    stale: sqlite.prepare('SELECT level, bucket FROM rollup_stale ORDER BY level, bucket'),
    count: sqlite.prepare('SELECT count(*) FROM rollup_stale').pluck(),
    finer: sqlite.prepare(`SELECT dim, value, team, ${ROLLUP_SELECT} FROM rollups WHERE level = ? AND ${DIMS_IN} AND bucket >= ? AND bucket < ?`),
    clear: sqlite.prepare(`DELETE FROM rollups WHERE level = ? AND ${DIMS_IN} AND bucket = ?`),
    unmark: sqlite.prepare('DELETE FROM rollup_stale WHERE level = ? AND bucket = ?')
  };
}

/**
 * Sums stale hours and then stale days again, at most `maxBuckets` of them (the oldest first) so that one
 * call never holds the writer for long; with `endedBy`, only buckets that ended by then. Returns how many of
 * each it did and how many stay stale.
 */
export function compactRollups(
  sqlite: Database.Database,
  { maxBuckets = Infinity, endedBy = Infinity }: { maxBuckets?: number; endedBy?: number } = {}
): { hours: number; days: number; left: number } {
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepareCompaction(sqlite)));
  const st = s;
  const run = sqlite.transaction(() => {
    const stale = (st.stale.all() as { level: 1 | 2; bucket: number }[]).filter((b) => b.bucket + LEVELS[b.level].size <= endedBy);
    // Hours come first (level order), and a day is summed from its hours: so a day is only reached once
    // every stale hour is in this round.
    const todo = stale.slice(0, maxBuckets);
    const done = { hours: 0, days: 0, left: (st.count.get() as number) - todo.length };
    for (const { level, bucket } of todo) {
      const sums = new Map<string, { dim: string; value: string; team: string; totals: Totals }>();
      for (const row of st.finer.iterate(level - 1, bucket, bucket + LEVELS[level].size) as Iterable<RollupRow & { dim: string; value: string; team: string }>) {
        const key = `${row.dim}\u0000${row.value}\u0000${row.team}`;
        let sum = sums.get(key);
        if (!sum) sums.set(key, (sum = { dim: row.dim, value: row.value, team: row.team, totals: emptyTotals(false) }));
        mergeTotals(sum.totals, rowToTotals(row));
      }
      st.clear.run(level, bucket);
      for (const { dim, value, team, totals } of sums.values()) {
        if (isZero(totals)) continue;
        st.insert.run(level, dim, value, bucket, team, ...COUNTERS.map((c) => totals[c]), encodeHistogram(totals.frHist), encodeHistogram(totals.resHist));
      }
      st.unmark.run(level, bucket);
      if (level === 1) done.hours++;
      else done.days++;
    }
    return done;
  });
  // IMMEDIATE: another connection may write between a deferred transaction's first read and its first write.
  return sqlite.inTransaction ? run() : run.immediate();
}
