// GET /api/team-names (role: display and above, for the wall too) and PUT /api/team-names/:team (role: admin): the
// names a person reads for each team, by language. The code stays what events, filters, URLs and exports use.
import { Hono } from 'hono';
import { changedBy } from '../admin-changes/changed-by';
import type { AppDeps } from '../app';
import { crossSiteSession, honoAccessors, requireRole } from '../auth/middleware';
import { adminWrite } from './admin-write';
import { readJson } from './json-body';
import { getTeamNames } from '../queries/getTeamNames';
import { onSnapshot } from '../queries/windowTotals';
import { parseTeamCode, parseTeamNames, TEAM_NAME_LOCALES, TEAM_NAMES_SHAPE } from '../team-names/schema';
import { setTeamNames } from '../team-names/setTeamNames';
import { getTeamNamesTags, getTeamNamesVersion, NO_NAMES_TAG } from '../team-names/version';
import { ifMatchHolds } from './if-match';

export function teamNameRoutes(deps: AppDeps) {
  const sqlite = deps.db.$client;
  return new Hono()
    .get('/', requireRole(deps.db, 'display', deps.now), (c) => {
      // One answer lists many teams, and a save names one: each team's ETag is here, as its PUT's answer carries it.
      // Both on one snapshot: a save committed between them would tag older names as the newer ones.
      const { teams, tags } = onSnapshot(sqlite, () => ({ teams: getTeamNames(sqlite), tags: getTeamNamesTags(sqlite) }));
      return c.json({ locales: TEAM_NAME_LOCALES, teams, etags: Object.fromEntries(teams.map(({ team }) => [team, tags.get(team) ?? NO_NAMES_TAG])) });
    })
    .put('/:team', requireRole(deps.db, 'admin', deps.now), async (c) => {
      // A page of another site could rename teams with an admin's cookie.
      const crossSite = crossSiteSession(honoAccessors(c), 'change team names');
      if (crossSite) return c.json(crossSite.body, crossSite.status);
      const code = parseTeamCode(c.req.param('team'));
      if (!code.ok) return c.json({ errors: code.errors }, 400);
      const body = await readJson(c, TEAM_NAMES_SHAPE);
      if (!body.ok) return c.json({ errors: body.errors }, body.status);
      const read = parseTeamNames(body.json);
      if (!read.ok) return c.json({ errors: read.errors }, 400);
      // A page sends If-Match with the team's names it shows: compared in the turn that saves, so no save comes between.
      const save = () => {
        const current = getTeamNamesVersion(sqlite, code.team);
        if (!ifMatchHolds(c.req.header('if-match'), current.tag)) return current;
        const { by, at } = changedBy(c, deps.now());
        setTeamNames(sqlite, code.team, read.names, by, at);
        return null;
      };
      const done = await adminWrite(c, deps, save, 'no team name was changed', 'save again');
      if (!done.ok) return done.answer;
      const theirs = done.value;
      if (theirs) {
        c.header('ETag', theirs.tag);
        const cleared = Object.values(theirs.names).every((n) => n === null);
        // No one is recorded only for names cleared before the server kept who saves them (migration 0019).
        const by = theirs.saved
          ? `${theirs.saved.by} ${cleared ? 'cleared' : 'saved'} them at ${new Date(theirs.saved.at).toISOString()}`
          : 'they were cleared, and who cleared them was not recorded (before this server kept it)';
        const message = `The names of ${JSON.stringify(code.team)} changed since they were read (If-Match): ${by}. No team name was changed; read GET /api/team-names again and save again.`;
        return c.json({ error: 'precondition_failed', message, team: code.team, names: theirs.names, savedBy: theirs.saved?.by ?? null, savedAt: theirs.saved?.at ?? null }, 412);
      }
      deps.teamNamesChanged?.();
      c.header('ETag', getTeamNamesVersion(sqlite, code.team).tag);
      return c.json({ team: code.team, names: read.names });
    });
}
