import type Database from 'better-sqlite3';
import { cached, coverWindow, onSnapshot, staleBuckets } from './windowTotals';

/** The teams, channels and categories that have any counted fact in [from, to), each sorted. */
export interface SeenValues {
  teams: string[];
  channels: string[];
  categories: string[];
}

// Only counts say "seen": ingest removes a row that a replay left at nothing (a ticket moved to another team), and a
// row of noughts, should one stay, must not name a team.
const FACTS_IN_ROW =
  'created + resolved + reopened + escalated + abandoned + fr_count + res_count + csat_count + cb_scheduled + cb_attempts + cb_completed';

/**
 * What a report over [from, to) can be split or filtered by: read from the rollups' rows of the window (a few per
 * day, team and value at the coarsest level that covers it), and from facts only at edges not on a 5-minute boundary.
 */
export function getSeenValues(sqlite: Database.Database, window: { from: number; to: number }): SeenValues {
  return onSnapshot(sqlite, () => {
    const counts = { team: new Map<string, number>(), channel: new Map<string, number>(), category: new Map<string, number>() };
    const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
    const cover = coverWindow(window.from, window.to, staleBuckets(sqlite));
    for (const r of cover.rollups) {
      const teams = cached(sqlite, `SELECT team, total(${FACTS_IN_ROW}) AS n FROM rollups WHERE level = ? AND dim = 'all' AND bucket >= ? AND bucket < ? GROUP BY team`)
        .all(r.level, r.from, r.to) as { team: string; n: number }[];
      for (const t of teams) add(counts.team, t.team, t.n);
      for (const dim of ['channel', 'category'] as const) {
        const values = cached(sqlite, `SELECT value, total(${FACTS_IN_ROW}) AS n FROM rollups WHERE level = ? AND dim = ? AND bucket >= ? AND bucket < ? GROUP BY value`)
          .all(r.level, dim, r.from, r.to) as { value: string; n: number }[];
        for (const v of values) add(counts[dim], v.value, v.n);
      }
    }
    for (const s of cover.scans) {
      const rows = cached(sqlite, 'SELECT team, channel, category, count(*) AS n FROM facts WHERE at >= ? AND at < ? GROUP BY 1, 2, 3').all(s.from, s.to) as {
        team: string | null;
        channel: string | null;
        category: string | null;
        n: number;
      }[];
      for (const f of rows) {
        if (f.team !== null) add(counts.team, f.team, f.n);
        if (f.channel !== null) add(counts.channel, f.channel, f.n);
        if (f.category !== null) add(counts.category, f.category, f.n);
      }
    }
    // '' is the rollups' "no team": its facts count in the whole centre only.
    const seen = (map: Map<string, number>) => [...map].filter(([k, n]) => k !== '' && n > 0).map(([k]) => k).sort();
    return { teams: seen(counts.team), channels: seen(counts.channel), categories: seen(counts.category) };
  });
}
