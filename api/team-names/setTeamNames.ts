// An admin's names for a team: stored in one transaction on the main thread's connection, as KPI targets are.
import type Database from 'better-sqlite3';
import { recordAdminChange } from '../admin-changes/record';
import type { TeamNames } from './schema';

/** Replaces `team`'s names with `names` (validated by the caller: routes/team-names.ts): a null is no name in that language. */
export function setTeamNames(sqlite: Database.Database, team: string, names: TeamNames, setBy: string, now: number): void {
  const upsert = sqlite.prepare(
    'INSERT INTO team_names (team, locale, name, set_by, set_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (team, locale) DO UPDATE SET name = excluded.name, set_by = excluded.set_by, set_at = excluded.set_at'
  );
  const remove = sqlite.prepare('DELETE FROM team_names WHERE team = ? AND locale = ?');
  const current = sqlite.prepare('SELECT locale, name FROM team_names WHERE team = ? ORDER BY locale');
  sqlite
    .transaction(() => {
      // The history: the team's names before and after, by language (null: none in any).
      const rows = current.all(team) as { locale: string; name: string }[];
      const before = rows.length ? Object.fromEntries(rows.map((r) => [r.locale, r.name])) : null;
      const kept = Object.entries({ ...before, ...names }).filter(([, name]) => name !== null);
      const after = kept.length ? Object.fromEntries(kept.sort(([a], [b]) => (a < b ? -1 : 1))) : null;
      // A save that moves nothing stores nothing: the names' tag stays, and the history names who changed them last.
      if (JSON.stringify(before) === JSON.stringify(after)) return;
      recordAdminChange(sqlite, { by: setBy, at: now }, 'team-names', team, before, after);
      for (const [locale, name] of Object.entries(names)) {
        if (name === null) remove.run(team, locale);
        else if (name !== before?.[locale]) upsert.run(team, locale, name, setBy, now);
      }
    })
    .immediate();
}
