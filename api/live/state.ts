// What the live hub sends for one scope (a set of filters): computed once per scope per tick, shared by
// every client in that scope.
import type Database from 'better-sqlite3';
import { addToHistogram, decodeHistogram, histogramPercentile, mergeHistogram, type Histogram } from '../kpi/histogram';
import { dayWindow } from '../kpi/time';
import { MAX_EPOCH_MS } from '../events/instant';
import type { AgentFilters, AgentKpis, KpiFilters } from '../kpi/types';
import { getAgents } from '../queries/getAgents';
import { FIVE_MIN_MS, HOUR_MS } from '../ingest/rollup-delta';
import { getBacklog } from '../queries/getBacklog';
import { getKpis } from '../queries/getKpis';
import { kpiTargetsInForce } from '../queries/getKpiTargets';
import { cached, onSnapshot, rollupDim, scanFacts, windowTotals } from '../queries/windowTotals';
import type { SnapshotMessage, TodaySeries } from './protocol';

export const SLOT_MS = 15 * 60_000;

/** A scope's state; the hub adds the team names, which are the same in every scope. */
export type LiveState = Omit<SnapshotMessage, 'type' | 'seq' | 'teamNames'>;

/** One key per distinct set of filters, whatever order they were given in. */
export const scopeKey = (f: KpiFilters) =>
  JSON.stringify(Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b))));

/**
 * Today's 15-minute curves: created, resolved and first-response p90, read from the 5-minute rollups (three
 * rows a slot), so their cost does not grow with the day's traffic; and the backlog curve.
 */
export function todaySeries(sqlite: Database.Database, filters: KpiFilters, day: { from: number; to: number }, now: number, openNow: number): TodaySeries {
  const slots = Math.ceil((day.to - day.from) / SLOT_MS);
  const created = new Array<number>(slots).fill(0);
  const resolved = new Array<number>(slots).fill(0);
  const frt: Histogram[] = Array.from({ length: slots }, () => ({}));
  const until = Math.min(day.to, now + 1);
  // The 5-minute bucket now falls in is read whole, from rollups or facts alike: facts stamped ahead of the clock
  // count at their own time, as in today's tiles.
  const end = Math.min(day.to, Math.ceil(until / FIVE_MIN_MS) * FIVE_MIN_MS);
  const dim = rollupDim(filters);
  /** The open tickets, net, that each 5-minute bucket added (for a backlog curve rebuilt from facts). */
  const opened = new Map<number, number>();
  if (dim) {
    const rows = cached(
      sqlite,
      `SELECT bucket, created, resolved, reopened, abandoned, fr_hist FROM rollups WHERE level = 0 AND dim = ? AND value = ? AND bucket >= ? AND bucket < ?${filters.team === undefined ? '' : ' AND team = ?'}`
    )
      .raw()
      .all(dim.dim, dim.value, day.from, until, ...(filters.team === undefined ? [] : [filters.team])) as [number, number, number, number, number, Buffer | null][];
    for (const [bucket, c, r, reopened, abandoned, hist] of rows) {
      const slot = Math.floor((bucket - day.from) / SLOT_MS);
      created[slot] += c;
      resolved[slot] += r;
      if (hist) mergeHistogram(frt[slot], decodeHistogram(hist));
      opened.set(bucket, (opened.get(bucket) ?? 0) + c - r + reopened - abandoned);
    }
  } else {
    // Two non-team filters have no rollup: count from facts.
    for (const f of scanFacts(sqlite, day.from, end, filters)) {
      const slot = Math.floor((f.at - day.from) / SLOT_MS);
      if (f.kind === 'created') created[slot]++;
      else if (f.kind === 'resolved') resolved[slot]++;
      else if (f.kind === 'first_response') addToHistogram(frt[slot], (f.value ?? 0) / 1000);
    }
  }
  return {
    slotMs: SLOT_MS,
    from: new Date(day.from).toISOString(),
    created,
    resolved,
    firstResponseP90Sec: frt.map((h) => histogramPercentile(h, 0.9)),
    backlog: isRebuilt(filters) ? rebuiltBacklog(sqlite, filters, opened, day, until, end) : backlogCurve(sqlite, filters, day, until, openNow)
  };
}

/**
 * Whether the backlog curve is rebuilt from facts: for the whole centre, a channel or a category, which a ticket
 * keeps all its life (its creation's), so each fact's count follows the ticket. Its team, priority and assignee
 * change: a ticket escalated to urgent would stay in normal's rebuilt count once resolved. A channel and a
 * category together have no rollup, and their count before today would scan every fact ever stored.
 */
const isRebuilt = (filters: KpiFilters) =>
  filters.team === undefined && filters.priority === undefined && filters.agent === undefined && rollupDim(filters) !== null;

/**
 * The open tickets through the day (the whole centre's, a channel's or a category's), at every 5-minute mark and
 * now, from the facts: open = created − resolved + reopened − abandoned up to then, which is exact for them, and
 * a function of the events stored, whatever order they came in. The per-minute samples were not: a sample taken
 * while a day's events were still arriving (a demo's backfill, a helpdesk catching up after an outage) kept the
 * count of that moment, and the curve dropped to it (13 open among 184, in a demo started at 20:35).
 */
function rebuiltBacklog(
  sqlite: Database.Database,
  filters: KpiFilters,
  opened: ReadonlyMap<number, number>,
  day: { from: number },
  until: number,
  end: number
): [number, number][] {
  const before = windowTotals(sqlite, -MAX_EPOCH_MS, day.from, filters);
  let open = before.created - before.resolved + before.reopened - before.abandoned;
  const curve: [number, number][] = [[day.from, open]];
  for (let bucket = day.from; bucket < until; bucket += FIVE_MIN_MS) {
    open += opened.get(bucket) ?? 0;
    const mark = Math.min(bucket + FIVE_MIN_MS, until - 1); // now, for the bucket now falls in
    const last = curve[curve.length - 1]!;
    if (last[0] === mark) last[1] = open;
    else curve.push([mark, open]);
  }
  // Now is not the end of its bucket: what is stamped after it (a sender's clock a few minutes fast) is not open yet.
  const ahead = windowTotals(sqlite, until, end, filters);
  curve[curve.length - 1]![1] -= ahead.created - ahead.resolved + ahead.reopened - ahead.abandoned;
  return curve;
}

/**
 * One team's open tickets through the day: the per-minute samples, and before the first of them (a server
 * started mid-day) the count rebuilt from facts at each 15-minute mark: open = created − resolved + reopened −
 * abandoned up to then, following each fact's team at its time. The samples are the team's current state as it
 * stood at each minute: a ticket moved to another team leaves the first team's rebuilt count one too high.
 * A minute sampled (its whole-centre row is there) without a row for the team had none of its work open: the
 * sampler writes the teams with some. Read as a gap, the line joined the counts around it, and a team whose
 * work was all done kept its last count to the end of the day, beside a tile reading 0. (Past the sampler's
 * MAX_SAMPLED_TEAMS, a team left out of a minute had at most the least of those sampled: 0 is read then too.)
 */
function backlogCurve(sqlite: Database.Database, filters: KpiFilters, day: { from: number; to: number }, until: number, openNow: number): [number, number][] {
  // No samples are kept per channel, priority, category or agent: the team's (or the centre's) were drawn under
  // such a filter's tile. The count now is what can be said.
  if (filters.channel || filters.priority || filters.category || filters.agent) return [[until - 1, openNow]];
  const samples = cached(
    sqlite,
    `SELECT centre.minute, coalesce(team.open, 0) FROM backlog_samples centre LEFT JOIN backlog_samples team ON team.team = ? AND team.minute = centre.minute
     WHERE centre.team = '' AND centre.minute >= ? AND centre.minute < ? ORDER BY centre.minute`
  )
    .raw()
    .all(filters.team ?? '', day.from, until) as [number, number][];
  // Samples are a minute apart, and the tile is the backlog now: the curve ends where the tile stands. Those after
  // now were taken while the clock was ahead (NTP has set it back since): drawn, the line ran on past now and
  // back to the tile's count, until the clock had caught up with them.
  const last = samples.at(-1);
  const current: [number, number] = [until - 1, openNow];
  const upToNow = last?.[0] === current[0] ? [...samples.slice(0, -1), current] : [...samples, current];
  const firstSample = samples.length ? samples[0][0] : until;
  if (firstSample - day.from < SLOT_MS) return upToNow;
  const scope = filters.team === undefined ? {} : { team: filters.team };
  const before = windowTotals(sqlite, -MAX_EPOCH_MS, day.from, scope);
  let open = before.created - before.resolved + before.reopened - before.abandoned;
  const derived: [number, number][] = [[day.from, open]];
  for (let t = day.from; t + SLOT_MS <= firstSample; t += SLOT_MS) {
    const slot = windowTotals(sqlite, t, t + SLOT_MS, scope);
    open += slot.created - slot.resolved + slot.reopened - slot.abandoned;
    derived.push([t + SLOT_MS, open]);
  }
  return [...derived, ...upToNow];
}

/** Charts need no more than this freshness (the backlog curve may rebuild the morning from rollups). */
export const SERIES_MAX_AGE_MS = 5_000;

/** Computes live states, reusing each scope's today-series for up to SERIES_MAX_AGE_MS. */
export function liveStateComputer(sqlite: Database.Database, timezone: string) {
  const series = new Map<string, { at: number; from: number; value: TodaySeries }>();
  return (filters: KpiFilters, now: number): LiveState =>
    onSnapshot(sqlite, () => {
      const key = scopeKey(filters);
      const today = dayWindow(now, timezone);
      return liveStateOnSnapshot(sqlite, filters, now, timezone, (openNow) => {
        let hit = series.get(key);
        // A series made later than now is one the clock has been set back from (NTP): reused, the charts stood still
        // for as long as the step, hours, beside tiles that moved on.
        if (!hit || now < hit.at || now - hit.at > SERIES_MAX_AGE_MS || hit.from !== today.from) {
          if (series.size > 200) series.clear();
          series.set(key, (hit = { at: now, from: today.from, value: todaySeries(sqlite, filters, today, now, openNow) }));
        }
        return hit.value;
      });
    });
}

/**
 * Whether the wall shows an agent: on shift, or with anything today (work credited, open tickets, a status change
 * such as logging off). /api/agents lists every agent ever seen; a wall that did would carry last year's leavers
 * and today's rest days in every message, and count them all as offline.
 */
function onTheFloorToday(a: AgentKpis, dayStart: number): boolean {
  if ((a.status !== null && a.status !== 'offline') || a.open > 0 || (a.statusSince !== null && Date.parse(a.statusSince) >= dayStart)) return true;
  const c = a.callbacks;
  return a.firstResponse.count + a.resolution.count + a.csat.responses + c.scheduled + c.attempts + c.completed > 0;
}

/**
 * The agents of a scope, each with what GET /api/agents gives for today under the same team, channel, priority and
 * category, so that their rows add up to the tiles beside them (a chat wall's agents counted phone and email too);
 * under `agent`, which /api/agents does not take (its rows are per agent), that agent's row alone. Without a channel,
 * priority or category, read from the rollups as before; with one, from one scan of today's facts for every agent.
 */
function floorAgents(sqlite: Database.Database, filters: KpiFilters, today: { from: number; to: number }): AgentKpis[] {
  const narrow: AgentFilters = {};
  for (const k of ['channel', 'priority', 'category'] as const) if (filters[k] !== undefined) narrow[k] = filters[k];
  return getAgents(sqlite, today, filters.team, narrow).filter((a) => (filters.agent === undefined || a.agent === filters.agent) && onTheFloorToday(a, today.from));
}

/**
 * One message, read in one transaction: the writer thread commits between separate reads, and a wall would
 * show a last hour larger than today, or agents' rows that do not add up to the tiles (a helper measured 59 of
 * 134 messages so at 1,500 events/s). The charts' series, when `liveStateComputer` reuses one, may be up to
 * SERIES_MAX_AGE_MS older than the rest.
 */
export function computeLiveState(sqlite: Database.Database, filters: KpiFilters, now: number, timezone: string): LiveState {
  return onSnapshot(sqlite, () => liveStateOnSnapshot(sqlite, filters, now, timezone));
}

/** `seriesFor`: the charts' series, given the backlog now (where a backlog curve ends), made afresh or reused. */
function liveStateOnSnapshot(
  sqlite: Database.Database,
  filters: KpiFilters,
  now: number,
  timezone: string,
  seriesFor = (openNow: number) => todaySeries(sqlite, filters, dayWindow(now, timezone), now, openNow)
): LiveState {
  const today = dayWindow(now, timezone);
  // The backlog is "now", whatever the window: both windows and the end of the backlog curve share one count.
  const backlog = getBacklog(sqlite, filters, now);
  return {
    at: new Date(now).toISOString(),
    timezone,
    filters,
    windows: {
      today: getKpis(sqlite, today, filters, now, backlog),
      lastHour: getKpis(sqlite, { from: now - HOUR_MS, to: now }, filters, now, backlog)
    },
    agents: floorAgents(sqlite, filters, today),
    series: seriesFor(backlog.open),
    targets: kpiTargetsInForce(sqlite)
  };
}
