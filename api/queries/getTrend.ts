import type Database from 'better-sqlite3';
import { localBuckets } from '../kpi/time';
import { emptyTotals, totalsToKpis, type Totals } from '../kpi/totals';
import type { KpiFilters, Kpis } from '../kpi/types';
import { addScannedFactsByBucket, onSnapshot, rollupDim, staleBuckets, windowTotalsWith } from './windowTotals';

export type TrendStep = 'day' | 'hour';

/** One bucket of a trend: its tickets and first responses, the same figures /api/kpis gives for [from, to). */
export interface TrendBucket {
  from: string;
  to: string;
  tickets: Kpis['tickets'];
  firstResponse: Kpis['firstResponse'];
}

export interface Trend {
  from: string;
  to: string;
  step: TrendStep;
  timezone: string;
  buckets: TrendBucket[];
}

/** A window of at most this long is shown hour by hour: one day of the centre's, 25 hours when the clocks go back. */
export const HOURLY_UP_TO_MS = 25 * 3_600_000;

/** Hour by hour for one day, else day by day. */
export const trendStep = (window: { from: number; to: number }): TrendStep => (window.to - window.from <= HOURLY_UP_TO_MS ? 'hour' : 'day');

/**
 * The window's days (or, for one day, its hours) in the centre's zone, each summed as /api/kpis sums a window, all
 * in one snapshot of the database. A team and one more filter come from the day and hour rollups, so 90 days is 90
 * small reads; more filters than the rollups hold are read in one scan of the window's facts, each summed into its
 * bucket (the scan thread runs that one: scans.ts).
 */
export function getTrend(sqlite: Database.Database, window: { from: number; to: number }, filters: KpiFilters, tz: string): Trend {
  const step = trendStep(window);
  const ranges = localBuckets(window.from, window.to, step, tz);
  const totals: Totals[] = onSnapshot(sqlite, () => {
    if (rollupDim(filters) === null) {
      const each = ranges.map(() => emptyTotals());
      addScannedFactsByBucket(sqlite, each, ranges, filters);
      return each;
    }
    const stale = staleBuckets(sqlite);
    return ranges.map(({ from, to }) => windowTotalsWith(sqlite, from, to, filters, stale));
  });
  const buckets = ranges.map(({ from, to }, i) => {
    const k = totalsToKpis(totals[i]);
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), tickets: k.tickets, firstResponse: k.firstResponse };
  });
  return { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString(), step, timezone: tz, buckets };
}
