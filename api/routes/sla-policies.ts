// GET /api/sla-policies (role: supervisor and above) and PUT /api/sla-policies (role: admin): the versions of the
// first-response targets by priority and channel (api/kpi/sla-policies.ts), newest first, and a new one.
import { Hono, type Context } from 'hono';
import type { AppDeps } from '../app';
import { changedBy } from '../admin-changes/changed-by';
import { crossSiteSession, honoAccessors, requireRole } from '../auth/middleware';
import { adminWrite } from './admin-write';
import { readJson } from './json-body';
import { getSlaPolicies } from '../queries/getSlaPolicies';
import { parseSlaPolicy, SLA_POLICY_SHAPE } from '../sla/schema';
import { saveSlaPolicy } from '../sla/saveSlaPolicy';
import { slaPolicyTag } from '../sla/version-tag';
import { ifMatchHolds } from './if-match';

/** A hundred rules are a few KB. */
const MAX_POLICY_BYTES = 64 * 1024;

/** The policies as JSON, tagged (ETag) with the version a save made from them will say it replaces. */
const answer = (c: Context, policies: ReturnType<typeof getSlaPolicies>) => {
  c.header('ETag', slaPolicyTag(policies.versions[0]));
  return c.json(policies);
};

export function slaPolicyRoutes(deps: AppDeps) {
  const sqlite = deps.db.$client;
  return new Hono()
    .get('/', requireRole(deps.db, 'supervisor', deps.now), (c) => answer(c, getSlaPolicies(sqlite, deps.now())))
    .put('/', requireRole(deps.db, 'admin', deps.now), async (c) => {
      // A page of another site could post a policy with an admin's cookie.
      const crossSite = crossSiteSession(honoAccessors(c), 'change SLA policies');
      if (crossSite) return c.json(crossSite.body, crossSite.status);
      const body = await readJson(c, SLA_POLICY_SHAPE, MAX_POLICY_BYTES);
      if (!body.ok) return c.json({ errors: body.errors }, body.status);
      const read = parseSlaPolicy(body.json);
      if (!read.ok) return c.json({ errors: read.errors }, 400);
      // The clock is read in the turn that commits, and ingest is told in that same synchronous turn, before
      // this thread can validate another batch. So every batch validated before the save was stamped at most
      // MAX_FUTURE_MS past a time before it, earlier than effectiveFrom, and the old rules judge it rightly
      // whenever it is stored; every batch validated after the save reaches ingest after the word (the writer
      // thread takes its messages in order) and is judged with the new version. Read later, after an await,
      // a batch validated in between could be stamped at effectiveFrom and judged by the old rules. (One thing this
      // cannot see: a clock set back by more than the rest of the minute between a batch's validation and the save.)
      // A page sends If-Match with the version it shows: a policy saved by another admin since is not replaced unseen.
      // Compared in the turn that saves, so no save comes between.
      const save = () => {
        const newest = getSlaPolicies(sqlite, deps.now()).versions[0];
        if (!ifMatchHolds(c.req.header('if-match'), slaPolicyTag(newest))) return newest ?? null;
        const { by, at } = changedBy(c, deps.now());
        saveSlaPolicy(sqlite, read.rules, by, at);
        deps.commits.slaPoliciesChanged();
        return undefined;
      };
      const done = await adminWrite(c, deps, save, 'no SLA policy was changed', 'save again');
      if (!done.ok) return done.answer;
      if (done.value !== undefined) {
        const by = done.value ? `${done.value.setBy} saved a new version at ${new Date(done.value.setAt).toISOString()}` : 'no version has been saved yet';
        c.header('ETag', slaPolicyTag(done.value ?? undefined));
        return c.json(
          {
            error: 'precondition_failed',
            message: `The SLA policy changed since it was read (If-Match): ${by}. No SLA policy was changed; read GET /api/sla-policies again and save again.`,
            current: done.value
          },
          412
        );
      }
      return answer(c, getSlaPolicies(sqlite, deps.now()));
    });
}
