// GET /api/team-names (role: display and above, for the wall too) and PUT /api/team-names/:team (role: admin): the
// names a person reads for each team, by language. The code stays what events, filters, URLs and exports use.
import { Hono } from 'hono';
import type { AppDeps } from '../app';
import { crossSiteSession, honoAccessors, principalOf, requireRole } from '../auth/middleware';
import { adminWrite } from './admin-write';
import { readJson } from './json-body';
import { getTeamNames } from '../queries/getTeamNames';
import { parseTeamCode, parseTeamNames, TEAM_NAME_LOCALES, TEAM_NAMES_SHAPE } from '../team-names/schema';
import { setTeamNames } from '../team-names/setTeamNames';

export function teamNameRoutes(deps: AppDeps) {
  const sqlite = deps.db.$client;
  return new Hono()
    .get('/', requireRole(deps.db, 'display', deps.now), (c) => c.json({ locales: TEAM_NAME_LOCALES, teams: getTeamNames(sqlite) }))
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
      const who = principalOf(c)!;
      const done = await adminWrite(c, deps, () => setTeamNames(sqlite, code.team, read.names, who.username ?? `${who.role} token`, deps.now()), 'no team name was changed', 'save again');
      if (!done.ok) return done.answer;
      deps.teamNamesChanged?.();
      return c.json({ team: code.team, names: read.names });
    });
}
