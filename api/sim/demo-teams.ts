// The demo's names for the simulator's teams: without them every screen showed the codes ("payments" under each
// agent, on a wall in Chinese too), which looked unfinished. Saved as an admin's save is, in the change history.
import type Database from 'better-sqlite3';
import { lastAdminChange } from '../admin-changes/last';
import type { TeamNames } from '../team-names/limits';
import { setTeamNames } from '../team-names/setTeamNames';
import { inWriteTurn } from '../write-turn';
import { TEAMS, type Team } from './centre';

/** Who the change history and the team names page say saved them: no admin, the demo (a word, kept on one line in their narrow column). */
export const DEMO_NAMED_BY = 'demo';

export const DEMO_TEAM_NAMES: Record<Team, TeamNames> = {
  payments: { en: 'Payments', 'zh-CN': '支付组' },
  wallet: { en: 'Wallet', 'zh-CN': '钱包组' },
  risk: { en: 'Risk & security', 'zh-CN': '风控与安全组' },
  general: { en: 'General enquiries', 'zh-CN': '综合咨询组' }
};

/**
 * Names each of the simulator's teams that has never been named: none stored in any language, and no change of its
 * names recorded (an admin who cleared them meant it). One transaction, in the write turn; `namesChanged` (the live
 * hub's, as a save through PUT /api/team-names tells it) once any was named. The teams it named, in TEAMS' order.
 */
export async function nameDemoTeams(sqlite: Database.Database, now: number, namesChanged: () => void): Promise<Team[]> {
  const stored = sqlite.prepare('SELECT 1 FROM team_names WHERE team = ? LIMIT 1');
  const named = await inWriteTurn(sqlite, () =>
    sqlite
      .transaction(() => {
        const unnamed = TEAMS.filter((team) => stored.get(team) === undefined && lastAdminChange(sqlite, 'team-names', team) === null);
        for (const team of unnamed) setTeamNames(sqlite, team, DEMO_TEAM_NAMES[team], DEMO_NAMED_BY, now);
        return unnamed;
      })
      .immediate()
  );
  if (named.length) namesChanged();
  return named;
}
