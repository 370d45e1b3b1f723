// The tickets and callbacks behind one number of GET /api/kpis (SPEC.md: managers drill "into the tickets behind
// a number"), a page at a time. Counted as the number is: each item is one counted fact of the window (facts.ts),
// or, for the backlog, one row of what the backlog reads now (current.ts). The parts are in ./drill/.
import type Database from 'better-sqlite3';
import type { KpiFilters } from '../kpi/types';
import { backlogPage } from './drill/backlogPage';
import { factPage } from './drill/factPage';
import { BACKLOG_MEASURES, FACT_MEASURES, type DrillPage, type Measure, type Position } from './drill/measures';
import { SCAN_BUDGET, type ScanBudget } from './drill/walk';
import { onSnapshot } from './windowTotals';

export { DEFAULT_LIMIT, MAX_LIMIT, MEASURES, decodeCursor, encodeCursor, isMeasure, type DrillItem, type DrillPage, type Measure } from './drill/measures';
export { SCAN_BUDGET, type ScanBudget } from './drill/walk';

/** One page of the items behind `measure`: for a window's number, its facts of [from, to); for the backlog, now's. */
export function getDrillPage(
  sqlite: Database.Database,
  measure: Measure,
  window: { from: number; to: number },
  filters: KpiFilters,
  now: number,
  limit: number,
  after: Position | null,
  budget: ScanBudget = SCAN_BUDGET
): DrillPage {
  return onSnapshot(sqlite, () =>
    measure in FACT_MEASURES
      ? factPage(sqlite, measure as keyof typeof FACT_MEASURES, window, filters, limit, after, budget)
      : backlogPage(sqlite, measure as keyof typeof BACKLOG_MEASURES, filters, now, limit, after, budget)
  );
}

export type { Position as DrillPosition };
