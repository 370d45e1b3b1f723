import type Database from 'better-sqlite3';
import { TEAM_NAME_LOCALES, type TeamNames } from '../team-names/schema';
import { getSeenValues } from './getSeenValues';
import { cached, onSnapshot } from './windowTotals';

export interface TeamNamesEntry {
  team: string;
  names: TeamNames;
}

const WEEK_MS = 7 * 86_400_000;
/** Every time a fact may stand at, to the last whole week (of the rollups' weeks, from 1970-01-01) a Date can hold. */
const ALL_TIME = { from: 0, to: Math.floor(8.64e15 / WEEK_MS) * WEEK_MS };

/**
 * Every team an event has named (with a counted fact, or as an agent's team), and every team an admin named, each
 * with its names in every language, null where none is set; sorted by code.
 */
export function getTeamNames(sqlite: Database.Database): TeamNamesEntry[] {
  return onSnapshot(sqlite, () => {
    const teams = new Set(getSeenValues(sqlite, ALL_TIME).teams);
    for (const t of cached(sqlite, 'SELECT status_team FROM agents WHERE status_team IS NOT NULL UNION SELECT seen_team FROM agents WHERE seen_team IS NOT NULL').pluck().all() as string[])
      if (t !== '') teams.add(t);
    const named = new Map<string, TeamNames>();
    for (const r of cached(sqlite, 'SELECT team, locale, name FROM team_names').all() as { team: string; locale: string; name: string }[]) {
      if (!(TEAM_NAME_LOCALES as readonly string[]).includes(r.locale)) continue;
      teams.add(r.team);
      const names = named.get(r.team) ?? named.set(r.team, Object.fromEntries(TEAM_NAME_LOCALES.map((l) => [l, null])) as TeamNames).get(r.team)!;
      names[r.locale as keyof TeamNames] = r.name;
    }
    const none = () => Object.fromEntries(TEAM_NAME_LOCALES.map((l) => [l, null])) as TeamNames;
    return [...teams].sort().map((team) => ({ team, names: named.get(team) ?? none() }));
  });
}
