// GET /api/sla-policies (role: supervisor and above) and PUT /api/sla-policies (role: admin): the versions of the
// first-response targets by priority and channel (api/kpi/sla-policies.ts), newest first, and a new one.
import { Hono } from 'hono';
import type { AppDeps } from '../app';
import { crossSiteSession, honoAccessors, principalOf, requireRole } from '../auth/middleware';
import { adminWrite } from './admin-write';
import { readJson } from './json-body';
import { getSlaPolicies } from '../queries/getSlaPolicies';
import { parseSlaPolicy, SLA_POLICY_SHAPE } from '../sla/schema';
import { saveSlaPolicy } from '../sla/saveSlaPolicy';

/** A hundred rules are a few KB. */
const MAX_POLICY_BYTES = 64 * 1024;

export function slaPolicyRoutes(deps: AppDeps) {
  const sqlite = deps.db.$client;
  return new Hono()
    .get('/', requireRole(deps.db, 'supervisor', deps.now), (c) => c.json(getSlaPolicies(sqlite, deps.now())))
    .put('/', requireRole(deps.db, 'admin', deps.now), async (c) => {
      // A page of another site could post a policy with an admin's cookie.
      const crossSite = crossSiteSession(honoAccessors(c), 'change SLA policies');
      if (crossSite) return c.json(crossSite.body, crossSite.status);
      const body = await readJson(c, SLA_POLICY_SHAPE, MAX_POLICY_BYTES);
      if (!body.ok) return c.json({ errors: body.errors }, body.status);
      const read = parseSlaPolicy(body.json);
      if (!read.ok) return c.json({ errors: read.errors }, 400);
      const who = principalOf(c)!;
      // The clock is read in the turn that commits, and ingest is told in that same synchronous turn, before
      // this thread can validate another batch. So every batch validated before the save was stamped at most
      // MAX_FUTURE_MS past a time before it, earlier than effectiveFrom, and the old rules judge it rightly
      // whenever it is stored; every batch validated after the save reaches ingest after the word (the writer
      // thread takes its messages in order) and is judged with the new version. Read later, after an await,
      // a batch validated in between could be stamped at effectiveFrom and judged by the old rules. (One thing this
      // cannot see: a clock set back by more than the rest of the minute between a batch's validation and the save.)
      const save = () => {
        saveSlaPolicy(sqlite, read.rules, who.username ?? `${who.role} token`, deps.now());
        deps.commits.slaPoliciesChanged();
      };
      const done = await adminWrite(c, deps, save, 'no SLA policy was changed', 'save again');
      if (!done.ok) return done.answer;
      return c.json(getSlaPolicies(sqlite, deps.now()));
    });
}
