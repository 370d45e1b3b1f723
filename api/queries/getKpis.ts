import type Database from 'better-sqlite3';
import { totalsToKpis } from '../kpi/totals';
import type { KpiFilters, Kpis } from '../kpi/types';
import { getBacklog } from './getBacklog';
import { windowTotals } from './windowTotals';

/** The KPI response of SPEC.md for [from, to) with filters; the backlog as of `now`. */
export function getKpis(
  sqlite: Database.Database,
  window: { from: number; to: number },
  filters: KpiFilters,
  now: number,
  backlog: Kpis['backlog'] = getBacklog(sqlite, filters, now)
): Kpis {
  return {
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
    ...totalsToKpis(windowTotals(sqlite, window.from, window.to, filters)),
    backlog
  };
}
