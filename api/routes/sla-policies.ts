// GET /api/sla-policies (role: supervisor and above) and PUT /api/sla-policies (role: admin): the versions of the
// first-response targets by priority and channel (api/kpi/sla-policies.ts), newest first, and a new one.
import { Hono } from 'hono';
import type { SideFileGone } from '../../db/side-files';
import type { AppDeps } from '../app';
import { changeRefused } from '../deleted-database';
import { crossSiteSession, honoAccessors, principalOf, requireRole } from '../auth/middleware';
import { heldElsewhere, RETRY_AFTER_SECONDS } from '../ingest/failure';
import { getSlaPolicies } from '../queries/getSlaPolicies';
import { parseSlaPolicy, SLA_POLICY_SHAPE } from '../sla/schema';
import { saveSlaPolicy } from '../sla/saveSlaPolicy';
import { inWriteTurn } from '../write-turn';
import { readBody } from './body';

/** A hundred rules are a few KB. */
const MAX_POLICY_BYTES = 64 * 1024;

export function slaPolicyRoutes(deps: AppDeps) {
  const sqlite = deps.db.$client;
  const bodyFault = (message: string) => ({ errors: [{ path: '', message }] });
  return new Hono()
    .get('/', requireRole(deps.db, 'supervisor', deps.now), (c) => c.json(getSlaPolicies(sqlite, deps.now())))
    .put('/', requireRole(deps.db, 'admin', deps.now), async (c) => {
      // A page of another site could post a policy with an admin's cookie.
      const crossSite = crossSiteSession(honoAccessors(c), 'change SLA policies');
      if (crossSite) return c.json(crossSite.body, crossSite.status);
      const text = await readBody(c, MAX_POLICY_BYTES);
      if (!text.ok) {
        if ('tooLarge' in text) return c.json(bodyFault(`body is larger than ${MAX_POLICY_BYTES / 1024} KB; expected ${SLA_POLICY_SHAPE}`), 413);
        return c.json(bodyFault(`body is not UTF-8 text; expected JSON ${SLA_POLICY_SHAPE}`), 400);
      }
      let json: unknown;
      try {
        json = JSON.parse(text.text);
      } catch (err) {
        return c.json(bodyFault(`body is not JSON (${(err as Error).message}); expected ${SLA_POLICY_SHAPE}`), 400);
      }
      const read = parseSlaPolicy(json);
      if (!read.ok) return c.json({ errors: read.errors }, 400);
      const who = principalOf(c)!;
      let gone: SideFileGone | null;
      try {
        gone = await inWriteTurn(sqlite, () => {
          // Refused once the database's files were found deleted under the server (deleted-database.ts), looked at in
          // the turn that commits: a finding made while this waited for the write lock counts too.
          const found = deps.sideFilesFound?.() ?? null;
          if (found) return found;
          // The clock is read in the turn that commits, and ingest is told in that same synchronous turn, before
          // this thread can validate another batch. So every batch validated before the save was stamped at most
          // MAX_FUTURE_MS past a time before it, earlier than effectiveFrom, and the old rules judge it rightly
          // whenever it is stored; every batch validated after the save reaches ingest after the word (the writer
          // thread takes its messages in order) and is judged with the new version. Read later, after an await,
          // a batch validated in between could be stamped at effectiveFrom and judged by the old rules. (One thing this
          // cannot see: a clock set back by more than the rest of the minute between a batch's validation and the save.)
          saveSlaPolicy(sqlite, read.rules, who.username ?? `${who.role} token`, deps.now());
          deps.commits.slaPoliciesChanged();
          return null;
        });
      } catch (err) {
        // The answer every other failure gets speaks to a sender of events ("send this batch again").
        if (!heldElsewhere(err)) throw err;
        c.header('Retry-After', String(RETRY_AFTER_SECONDS));
        return c.json({ error: 'unavailable', message: 'The database is busy (another process, such as a backup, holds it): no SLA policy was changed; save again in a few seconds.' }, 503);
      }
      if (gone) {
        c.header('Retry-After', String(RETRY_AFTER_SECONDS));
        return c.json(changeRefused(gone, 'no SLA policy was changed'), 503);
      }
      return c.json(getSlaPolicies(sqlite, deps.now()));
    });
}
