// GET /api/targets (role: display, for the wall too) and PUT /api/targets (role: admin): the KPI targets that
// colour every screen, an admin's where set, the defaults otherwise.
import { Hono } from 'hono';
import type { SideFileGone } from '../../db/side-files';
import type { AppDeps } from '../app';
import { changeRefused } from '../deleted-database';
import { crossSiteSession, honoAccessors, principalOf, requireRole } from '../auth/middleware';
import { getKpiTargets } from '../queries/getKpiTargets';
import { parseTargetChanges } from '../targets/schema';
import { setKpiTargets } from '../targets/setKpiTargets';
import { inWriteTurn } from '../write-turn';
import { heldElsewhere, RETRY_AFTER_SECONDS } from '../ingest/failure';
import { readBody } from './body';

/** Eleven KPIs' targets are a few hundred bytes. */
const MAX_TARGETS_BYTES = 64 * 1024;
const SHAPE = '{"<KPI path>":{"warn":n,"critical":n} or null for its default, …}';

export function targetRoutes(deps: AppDeps) {
  const sqlite = deps.db.$client;
  const bodyFault = (message: string) => ({ errors: [{ path: '', message }] });
  return new Hono()
    .get('/', requireRole(deps.db, 'display', deps.now), (c) => c.json({ targets: getKpiTargets(sqlite) }))
    .put('/', requireRole(deps.db, 'admin', deps.now), async (c) => {
      // A page of another site could post targets with an admin's cookie.
      const crossSite = crossSiteSession(honoAccessors(c), 'change KPI targets');
      if (crossSite) return c.json(crossSite.body, crossSite.status);
      const text = await readBody(c, MAX_TARGETS_BYTES);
      if (!text.ok) {
        if ('tooLarge' in text) return c.json(bodyFault(`body is larger than ${MAX_TARGETS_BYTES / 1024} KB; expected ${SHAPE}`), 413);
        return c.json(bodyFault(`body is not UTF-8 text; expected JSON ${SHAPE}`), 400);
      }
      let json: unknown;
      try {
        json = JSON.parse(text.text);
      } catch (err) {
        return c.json(bodyFault(`body is not JSON (${(err as Error).message}); expected ${SHAPE}`), 400);
      }
      const read = parseTargetChanges(json);
      if (!read.ok) return c.json({ errors: read.errors }, 400);
      const who = principalOf(c)!;
      let gone: SideFileGone | null;
      try {
        // Refused once the database's files were found deleted under the server (deleted-database.ts), looked at in the
        // turn that commits: a finding made while this waited for the write lock counts too.
        gone = await inWriteTurn(sqlite, () => {
          const found = deps.sideFilesFound?.() ?? null;
          if (!found) setKpiTargets(sqlite, read.changes, who.username ?? `${who.role} token`, deps.now());
          return found;
        });
      } catch (err) {
        // The answer every other failure gets speaks to a sender of events ("send this batch again").
        if (!heldElsewhere(err)) throw err;
        c.header('Retry-After', String(RETRY_AFTER_SECONDS));
        return c.json({ error: 'unavailable', message: 'The database is busy (another process, such as a backup, holds it): no target was changed; save again in a few seconds.' }, 503);
      }
      if (gone) {
        c.header('Retry-After', String(RETRY_AFTER_SECONDS));
        return c.json(changeRefused(gone, 'no target was changed'), 503);
      }
      deps.targetsChanged?.();
      return c.json({ targets: getKpiTargets(sqlite) });
    });
}

