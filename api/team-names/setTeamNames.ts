// An admin's names for a team: stored in one transaction on the main thread's connection, as KPI targets are.
import type Database from 'better-sqlite3';
import type { TeamNames } from './schema';

/** Replaces `team`'s names with `names` (validated by the caller: routes/team-names.ts): a null is no name in that language. */
export function setTeamNames(sqlite: Database.Database, team: string, names: TeamNames, setBy: string, now: number): void {
  const upsert = sqlite.prepare(
    'INSERT INTO team_names (team, locale, name, set_by, set_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (team, locale) DO UPDATE SET name = excluded.name, set_by = excluded.set_by, set_at = excluded.set_at'
  );
  const remove = sqlite.prepare('DELETE FROM team_names WHERE team = ? AND locale = ?');
  // Who saved, with the save: one that clears every name leaves no row in team_names to say so.
  const saved = sqlite.prepare(
    'INSERT INTO team_names_saved (team, set_by, set_at) VALUES (?, ?, ?) ON CONFLICT (team) DO UPDATE SET set_by = excluded.set_by, set_at = excluded.set_at'
  );
  sqlite
    .transaction(() => {
      for (const [locale, name] of Object.entries(names)) {
        if (name === null) remove.run(team, locale);
        else upsert.run(team, locale, name, setBy, now);
      }
      saved.run(team, setBy, now);
    })
    .immediate();
}
