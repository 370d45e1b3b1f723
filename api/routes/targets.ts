// GET /api/targets (role: display, for the wall too) and PUT /api/targets (role: admin): the KPI targets that
// colour every screen, an admin's where set, the defaults otherwise.
import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { AppDeps } from '../app';
import { changedBy } from '../admin-changes/changed-by';
import { crossSiteSession, honoAccessors, requireRole } from '../auth/middleware';
import { adminWrite } from './admin-write';
import { ifMatchHolds } from './if-match';
import { readJson } from './json-body';
import { getKpiTargets } from '../queries/getKpiTargets';
import { getKpiTargetsSaved } from '../targets/saved';
import { parseTargetChanges } from '../targets/schema';
import { setKpiTargets } from '../targets/setKpiTargets';

/** Eleven KPIs' targets are a few hundred bytes. */
const MAX_TARGETS_BYTES = 64 * 1024;
const SHAPE = '{"<KPI path>":{"warn":n,"critical":n} or null for its default, …}';

/** The targets in force, named by their content: a page sends it back as If-Match, so a save made over another admin's unseen change is refused. */
const tagOf = (targets: ReturnType<typeof getKpiTargets>) => `"${createHash('sha256').update(JSON.stringify(targets)).digest('base64url').slice(0, 22)}"`;

/** The targets as JSON, tagged (ETag). */
const answer = (c: Context, targets: ReturnType<typeof getKpiTargets>) => {
  c.header('ETag', tagOf(targets));
  return c.json({ targets });
};

export function targetRoutes(deps: AppDeps) {
  const sqlite = deps.db.$client;
  return new Hono()
    .get('/', requireRole(deps.db, 'display', deps.now), (c) => answer(c, getKpiTargets(sqlite)))
    .put('/', requireRole(deps.db, 'admin', deps.now), async (c) => {
      // A page of another site could post targets with an admin's cookie.
      const crossSite = crossSiteSession(honoAccessors(c), 'change KPI targets');
      if (crossSite) return c.json(crossSite.body, crossSite.status);
      const body = await readJson(c, SHAPE, MAX_TARGETS_BYTES);
      if (!body.ok) return c.json({ errors: body.errors }, body.status);
      const read = parseTargetChanges(body.json);
      if (!read.ok) return c.json({ errors: read.errors }, 400);
      // Compared in the turn that saves, so no other save comes between.
      const save = () => {
        const current = getKpiTargets(sqlite);
        if (!ifMatchHolds(c.req.header('if-match'), tagOf(current))) return { targets: current, saved: getKpiTargetsSaved(sqlite) };
        const { by, at } = changedBy(c, deps.now());
        setKpiTargets(sqlite, read.changes, by, at);
        return null;
      };
      const done = await adminWrite(c, deps, save, 'no target was changed', 'save again');
      if (!done.ok) return done.answer;
      const theirs = done.value;
      if (theirs) {
        c.header('ETag', tagOf(theirs.targets));
        const by = theirs.saved
          ? `${theirs.saved.by} saved them at ${new Date(theirs.saved.at).toISOString()}`
          : 'who saved them was not recorded (they were saved before this server kept it)';
        const message = `The KPI targets changed since they were read (If-Match): ${by}. No target was changed; read GET /api/targets again and save again.`;
        return c.json({ error: 'precondition_failed', message, targets: theirs.targets, savedBy: theirs.saved?.by ?? null, savedAt: theirs.saved?.at ?? null }, 412);
      }
      deps.targetsChanged?.();
      return answer(c, getKpiTargets(sqlite));
    });
}

