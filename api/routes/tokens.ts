// GET, POST /api/tokens and DELETE /api/tokens/:id (role: admin): the bearer tokens of machines and walls.
import { Hono, type Context } from 'hono';
import type { AppDeps } from '../app';
import { crossSiteSession, honoAccessors, requireRole } from '../auth/middleware';
import { NEW_TOKEN_SHAPE, parseNewToken, parseTokenId } from '../tokens/schema';
import { addToken, listTokens, revokeToken } from '../tokens/store';
import { changedBy } from '../admin-changes/changed-by';
import { adminWrite } from './admin-write';
import { readJson } from './json-body';

export function tokenRoutes(deps: AppDeps) {
  const admin = requireRole(deps.db, 'admin', deps.now);
  // A page of another site could make or revoke tokens with an admin's cookie.
  const crossSite = (c: Context, what: string) => {
    const denial = crossSiteSession(honoAccessors(c), what);
    return denial && c.json(denial.body, denial.status);
  };
  return new Hono()
    .get('/', admin, (c) => c.json({ tokens: listTokens(deps.db) }))
    .post('/', admin, async (c) => {
      const refusal = crossSite(c, 'create tokens');
      if (refusal) return refusal;
      const body = await readJson(c, NEW_TOKEN_SHAPE);
      if (!body.ok) return c.json({ errors: body.errors }, body.status);
      const read = parseNewToken(body.json);
      if (!read.ok) return c.json({ errors: read.errors }, 400);
      const done = await adminWrite(c, deps, () => addToken(deps.db, read.value.role, read.value.label, changedBy(c, deps.now())), 'no token was created');
      if (!done.ok) return done.answer;
      return c.json(done.value, 201);
    })
    .delete('/:id', admin, async (c) => {
      const refusal = crossSite(c, 'revoke tokens');
      if (refusal) return refusal;
      const id = parseTokenId(c.req.param('id'));
      if (!id.ok) return c.json({ errors: id.errors }, 400);
      const done = await adminWrite(c, deps, () => revokeToken(deps.db, id.id, changedBy(c, deps.now())), 'no token was revoked');
      if (!done.ok) return done.answer;
      if ('unknown' in done.value) return c.json({ error: 'not_found', message: `No token has the id ${id.id}: GET /api/tokens lists them.` }, 404);
      if ('conflict' in done.value) return c.json({ error: 'conflict', message: done.value.conflict }, 409);
      return c.body(null, 204);
    });
}
