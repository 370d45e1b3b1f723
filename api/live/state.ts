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

export function computeLiveState(sqlite: Database.Database, filters: KpiFilters, now: number, timezone: string): LiveState {
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
    series: todaySeries(sqlite, filters, today, now),
    targets: DEFAULT_KPI_TARGETS
  };
}
