// What the live hub sends for one scope (a set of filters): computed once per scope per tick, shared by
// every client in that scope.
import type Database from 'better-sqlite3';
import { exactPercentile } from '../kpi/histogram';
import { DEFAULT_KPI_TARGETS } from '../kpi/targets';
import { dayWindow } from '../kpi/time';
import type { KpiFilters } from '../kpi/types';
import { getAgents } from '../queries/getAgents';
import { getKpis } from '../queries/getKpis';
import { cached, scanFacts } from '../queries/windowTotals';
import type { SnapshotMessage, TodaySeries } from './protocol';

export const SLOT_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;

export type LiveState = Omit<SnapshotMessage, 'type' | 'seq'>;

/** Today's 15-minute curves from facts (created, resolved, FR p90) and the sampled backlog. */
export function todaySeries(sqlite: Database.Database, filters: KpiFilters, day: { from: number; to: number }, now: number): TodaySeries {
  const slots = Math.ceil((day.to - day.from) / SLOT_MS);
  const created = new Array<number>(slots).fill(0);
  const resolved = new Array<number>(slots).fill(0);
  const frt: number[][] = Array.from({ length: slots }, () => []);
  for (const f of scanFacts(sqlite, day.from, Math.min(day.to, now + 1), filters)) {
    const slot = Math.floor((f.at - day.from) / SLOT_MS);
    if (f.kind === 'created') created[slot]++;
    else if (f.kind === 'resolved') resolved[slot]++;
    else if (f.kind === 'first_response') frt[slot].push((f.value ?? 0) / 1000);
  }
  const backlog = cached(sqlite, 'SELECT minute, open FROM backlog_samples WHERE team = ? AND minute >= ? AND minute < ? ORDER BY minute')
    .raw()
    .all(filters.team ?? '', day.from, day.to) as [number, number][];
  return {
    slotMs: SLOT_MS,
    from: new Date(day.from).toISOString(),
    created,
    resolved,
    firstResponseP90Sec: frt.map((v) => exactPercentile(v.sort((a, b) => a - b), 0.9)),
    backlog
  };
}

/** Charts need no more than this freshness; the series scan all of today's facts, the tiles do not. */
export const SERIES_MAX_AGE_MS = 5_000;

/** Computes live states, reusing each scope's today-series for up to SERIES_MAX_AGE_MS. */
export function liveStateComputer(sqlite: Database.Database, timezone: string) {
  const series = new Map<string, { at: number; from: number; value: TodaySeries }>();
  return (filters: KpiFilters, now: number): LiveState => {
    const key = JSON.stringify(filters);
    const today = dayWindow(now, timezone);
    let hit = series.get(key);
    if (!hit || now - hit.at > SERIES_MAX_AGE_MS || hit.from !== today.from) {
      if (series.size > 200) series.clear();
      series.set(key, (hit = { at: now, from: today.from, value: todaySeries(sqlite, filters, today, now) }));
    }
    return computeLiveState(sqlite, filters, now, timezone, hit.value);
  };
}

export function computeLiveState(sqlite: Database.Database, filters: KpiFilters, now: number, timezone: string, series?: TodaySeries): LiveState {
  const today = dayWindow(now, timezone);
  return {
    at: new Date(now).toISOString(),
    timezone,
    filters,
    windows: {
      today: getKpis(sqlite, today, filters, now),
      lastHour: getKpis(sqlite, { from: now - HOUR_MS, to: now }, filters, now)
    },
    agents: getAgents(sqlite, today, filters.team),
    series: series ?? todaySeries(sqlite, filters, today, now),
    targets: DEFAULT_KPI_TARGETS
  };
}
