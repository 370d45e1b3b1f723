// GET /api/targets (role: display, for the wall too) and PUT /api/targets (role: admin): the KPI targets that
// colour every screen, an admin's where set, the defaults otherwise.
import { Hono } from 'hono';
import type { AppDeps } from '../app';
import { crossSiteSession, honoAccessors, principalOf, requireRole } from '../auth/middleware';
import { adminWrite } from './admin-write';
import { readJson } from './json-body';
import { getKpiTargets } from '../queries/getKpiTargets';
import { parseTargetChanges } from '../targets/schema';
import { setKpiTargets } from '../targets/setKpiTargets';

/** Eleven KPIs' targets are a few hundred bytes. */
const MAX_TARGETS_BYTES = 64 * 1024;
const SHAPE = '{"<KPI path>":{"warn":n,"critical":n} or null for its default, …}';

export function targetRoutes(deps: AppDeps) {
  const sqlite = deps.db.$client;
  return new Hono()
    .get('/', requireRole(deps.db, 'display', deps.now), (c) => c.json({ targets: getKpiTargets(sqlite) }))
    .put('/', requireRole(deps.db, 'admin', deps.now), async (c) => {
      // A page of another site could post targets with an admin's cookie.
      const crossSite = crossSiteSession(honoAccessors(c), 'change KPI targets');
      if (crossSite) return c.json(crossSite.body, crossSite.status);
      const body = await readJson(c, SHAPE, MAX_TARGETS_BYTES);
      if (!body.ok) return c.json({ errors: body.errors }, body.status);
      const read = parseTargetChanges(body.json);
      if (!read.ok) return c.json({ errors: read.errors }, 400);
      const who = principalOf(c)!;
      const done = await adminWrite(c, deps, () => setKpiTargets(sqlite, read.changes, who.username ?? `${who.role} token`, deps.now()), 'no target was changed', 'save again');
      if (!done.ok) return done.answer;
      deps.targetsChanged?.();
      return c.json({ targets: getKpiTargets(sqlite) });
    });
}

