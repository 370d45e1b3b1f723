// Which names of a team a save was made from: PUT /api/team-names/:team's If-Match, sent back from the ETag the page
// was given. Two admins naming one team would otherwise have the later save put back a name the other saved unseen.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { lastAdminChange } from '../admin-changes/last';
import { cached } from '../queries/windowTotals';
import { TEAM_NAME_LOCALES, type TeamNames } from './limits';

/** The tag of a team with no name stored in any language. */
export const NO_NAMES_TAG = '"none"';

interface Row {
  team: string;
  locale: string;
  name: string;
  set_by: string;
  set_at: number;
}

/** A team's names in force, their tag, and who saved them last and when, a save that cleared them too (null: none recorded). */
export interface TeamNamesVersion {
  tag: string;
  names: TeamNames;
  saved: { by: string; at: number } | null;
}

const tagOf = (rows: Row[]) =>
  rows.length === 0 ? NO_NAMES_TAG : `"${createHash('sha256').update(JSON.stringify(rows.map((r) => [r.locale, r.name, r.set_by, r.set_at]))).digest('base64url').slice(0, 22)}"`;

const ROWS = 'SELECT team, locale, name, set_by, set_at FROM team_names';

/** `team`'s names as stored now, tagged. */
export function getTeamNamesVersion(sqlite: Database.Database, team: string): TeamNamesVersion {
  const rows = cached(sqlite, `${ROWS} WHERE team = ? ORDER BY locale`).all(team) as Row[];
  const names = Object.fromEntries(TEAM_NAME_LOCALES.map((l) => [l, rows.find((r) => r.locale === l)?.name ?? null])) as TeamNames;
  // The last change, clearing them included, from the history; a team last changed before it was kept (migration 0020)
  // has only its rows to say it.
  const latest = rows.reduce<Row | null>((a, r) => (a && a.set_at >= r.set_at ? a : r), null);
  return { tag: tagOf(rows), names, saved: lastAdminChange(sqlite, 'team-names', team) ?? (latest && { by: latest.set_by, at: latest.set_at }) };
}

/** Every named team's tag (a team not in it: NO_NAMES_TAG), as GET /api/team-names lists them. */
export function getTeamNamesTags(sqlite: Database.Database): Map<string, string> {
  const byTeam = new Map<string, Row[]>();
  for (const r of cached(sqlite, `${ROWS} ORDER BY team, locale`).all() as Row[]) {
    const rows = byTeam.get(r.team);
    if (rows) rows.push(r);
    else byTeam.set(r.team, [r]);
  }
  return new Map([...byTeam].map(([team, rows]) => [team, tagOf(rows)]));
}
