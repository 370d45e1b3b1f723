import type Database from 'better-sqlite3';
import type { NamedTeam } from '../live/protocol';
import { TEAM_NAME_LOCALES, type TeamNames } from '../team-names/limits';
import { getNamedTeams } from './getNamedTeams';
import { getSeenValues } from './getSeenValues';
import { cached, onSnapshot } from './windowTotals';

/** A team and its names in every language, null where none is set (the live feed's NamedTeam). */
export type TeamNamesEntry = NamedTeam;

const WEEK_MS = 7 * 86_400_000;
/** Every time a fact may stand at, to the last whole week (of the rollups' weeks, from 1970-01-01) a Date can hold. */
const ALL_TIME = { from: 0, to: Math.floor(8.64e15 / WEEK_MS) * WEEK_MS };

/**
 * Every team an event has named (with a counted fact, or as an agent's team), and every team an admin named
 * (getNamedTeams), each with its names in every language, null where none is set; sorted by code. The teams seen
 * come from the week rollups: ~0.6 ms at 1M tickets.
 */
export function getTeamNames(sqlite: Database.Database): TeamNamesEntry[] {
  return onSnapshot(sqlite, () => {
    const teams = new Set(getSeenValues(sqlite, ALL_TIME).teams);
    for (const t of cached(sqlite, 'SELECT status_team FROM agents WHERE status_team IS NOT NULL UNION SELECT seen_team FROM agents WHERE seen_team IS NOT NULL').pluck().all() as string[])
      if (t !== '') teams.add(t);
    const named = new Map(getNamedTeams(sqlite).map(({ team, names }) => [team, names]));
    for (const team of named.keys()) teams.add(team);
    const none = () => Object.fromEntries(TEAM_NAME_LOCALES.map((l) => [l, null])) as TeamNames;
    return [...teams].sort().map((team) => ({ team, names: named.get(team) ?? none() }));
  });
}
