import type Database from 'better-sqlite3';
import type { NamedTeam } from '../live/protocol';
import { TEAM_NAME_LOCALES, type TeamNames } from '../team-names/limits';
import { cached } from './windowTotals';

/**
 * Every team an admin named, with its names in every language (null where none is set), sorted by code: what the
 * live feed sends. Unlike getTeamNames, the teams without a name are left out, and no fact is read.
 */
export function getNamedTeams(sqlite: Database.Database): NamedTeam[] {
  const named = new Map<string, TeamNames>();
  for (const r of cached(sqlite, 'SELECT team, locale, name FROM team_names ORDER BY team').all() as { team: string; locale: string; name: string }[]) {
    if (!(TEAM_NAME_LOCALES as readonly string[]).includes(r.locale)) continue;
    let names = named.get(r.team);
    if (!names) named.set(r.team, (names = Object.fromEntries(TEAM_NAME_LOCALES.map((l) => [l, null])) as TeamNames));
    names[r.locale as keyof TeamNames] = r.name;
  }
  return [...named].map(([team, names]) => ({ team, names }));
}
