// What the live hub sends for one scope (a set of filters): computed once per scope per tick, shared by
// every client in that scope.
import type Database from 'better-sqlite3';
import { exactPercentile } from '../kpi/histogram';
import { DEFAULT_KPI_TARGETS } from '../kpi/targets';
import { dayWindow } from '../kpi/time';
import type { KpiFilters } from '../kpi/types';
import { getAgents } from '../queries/getAgents';
import { getKpis } from '../queries/getKpis';
import { cached, factWhere, windowTotals } from '../queries/windowTotals';
import type { SnapshotMessage, TodaySeries } from './protocol';

export const SLOT_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;

export type LiveState = Omit<SnapshotMessage, 'type' | 'seq'>;

/** One key per distinct set of filters, whatever order they were given in. */
export const scopeKey = (f: KpiFilters) =>
  JSON.stringify(Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b))));

/** Today's 15-minute curves (created, resolved, first-response p90), summed by SQLite, and the backlog. */
export function todaySeries(sqlite: Database.Database, filters: KpiFilters, day: { from: number; to: number }, now: number): TodaySeries {
  const slots = Math.ceil((day.to - day.from) / SLOT_MS);
  const created = new Array<number>(slots).fill(0);
  const resolved = new Array<number>(slots).fill(0);
  const frt: number[][] = Array.from({ length: slots }, () => []);
  const until = Math.min(day.to, now + 1);
  const { where, params } = factWhere(day.from, until, filters);
  const counts = cached(
    sqlite,
    `SELECT CAST((at - ?) / ${SLOT_MS} AS INTEGER) AS slot, kind, count(*) AS n FROM facts
     WHERE ${where} AND kind IN ('created', 'resolved') GROUP BY slot, kind`
  )
    .raw()
    .all(day.from, ...params) as [number, string, number][];
  for (const [slot, kind, n] of counts) (kind === 'created' ? created : resolved)[slot] = n;
  const firsts = cached(sqlite, `SELECT CAST((at - ?) / ${SLOT_MS} AS INTEGER), value FROM facts WHERE ${where} AND kind = 'first_response'`)
    .raw()
    .all(day.from, ...params) as [number, number][];
  for (const [slot, ms] of firsts) frt[slot].push(ms / 1000);
  return {
    slotMs: SLOT_MS,
    from: new Date(day.from).toISOString(),
    created,
    resolved,
    firstResponseP90Sec: frt.map((v) => exactPercentile(v.sort((a, b) => a - b), 0.9)),
    backlog: backlogCurve(sqlite, filters, day, until)
  };
}

/**
 * Open tickets through the day: the per-minute samples, and before the first of them (a server started
 * mid-day) the count rebuilt from facts at each 15-minute mark: open = created − resolved + reopened −
 * abandoned up to then. Exact for the whole centre; for one team it follows each fact's team at its time.
 */
function backlogCurve(sqlite: Database.Database, filters: KpiFilters, day: { from: number; to: number }, until: number): [number, number][] {
  const samples = cached(sqlite, 'SELECT minute, open FROM backlog_samples WHERE team = ? AND minute >= ? AND minute < ? ORDER BY minute')
    .raw()
    .all(filters.team ?? '', day.from, day.to) as [number, number][];
  if (filters.channel || filters.priority || filters.category || filters.agent) return samples;
  const firstSample = samples.length ? samples[0][0] : until;
  if (firstSample - day.from < SLOT_MS) return samples;
  const scope = filters.team === undefined ? {} : { team: filters.team };
  const before = windowTotals(sqlite, 0, day.from, scope);
  let open = before.created - before.resolved + before.reopened - before.abandoned;
  const derived: [number, number][] = [[day.from, open]];
  for (let t = day.from; t + SLOT_MS <= firstSample; t += SLOT_MS) {
    const slot = windowTotals(sqlite, t, t + SLOT_MS, scope);
    open += slot.created - slot.resolved + slot.reopened - slot.abandoned;
    derived.push([t + SLOT_MS, open]);
  }
  return [...derived, ...samples];
}

/** Charts need no more than this freshness; the series scan all of today's facts, the tiles do not. */
export const SERIES_MAX_AGE_MS = 5_000;

/** Computes live states, reusing each scope's today-series for up to SERIES_MAX_AGE_MS. */
export function liveStateComputer(sqlite: Database.Database, timezone: string) {
  const series = new Map<string, { at: number; from: number; value: TodaySeries }>();
  return (filters: KpiFilters, now: number): LiveState => {
    const key = scopeKey(filters);
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
