// GET, POST /api/users and PATCH, DELETE /api/users/:username (role: admin): the people who sign in, and their roles.
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppDeps } from '../app';
import { hashPasswordOffThread } from '../auth/credentials';
import { SESSION_COOKIE, crossSiteSession, credentialOf, honoAccessors, requireRole } from '../auth/middleware';
import { changedBy } from '../admin-changes/changed-by';
import { quote } from '../plain-words';
import { NEW_USER_SHAPE, USER_CHANGE_SHAPE, parseNewUser, parseUserChange } from '../users/schema';
import { addUser, changeUser, deleteUser, listUsers, type Refusal } from '../users/store';
import { adminWrite } from './admin-write';
import type { LoginThrottle } from '../auth/throttle';
import { readJson } from './json-body';

function refused(c: Context, name: string, r: Refusal, what: string) {
  if ('unknown' in r) return c.json({ error: 'not_found', message: `No user ${quote(name)}: GET /api/users lists them.` }, 404);
  return c.json(
    { error: 'conflict', message: `${quote(r.lastAdmin)} is the only admin: ${what}, nobody could manage users, tokens, targets or SLA policies any more. Make another user admin first.` },
    409
  );
}

export function userRoutes(deps: AppDeps, throttle: LoginThrottle) {
  const admin = requireRole(deps.db, 'admin', deps.now);
  // A page of another site could add, change or delete users with an admin's cookie.
  const crossSite = (c: Context, what: string) => {
    const denial = crossSiteSession(honoAccessors(c), what);
    return denial && c.json(denial.body, denial.status);
  };
  return new Hono()
    .get('/', admin, (c) => c.json({ users: listUsers(deps.db) }))
    .post('/', admin, async (c) => {
      const refusal = crossSite(c, 'add users');
      if (refusal) return refusal;
      const body = await readJson(c, NEW_USER_SHAPE);
      if (!body.ok) return c.json({ errors: body.errors }, body.status);
      const read = parseNewUser(body.json);
      if (!read.ok) return c.json({ errors: read.errors }, 400);
      const { username, password, role } = read.value;
      const passwordHash = await hashPasswordOffThread(password);
      const done = await adminWrite(c, deps, () => addUser(deps.db, { username, role, passwordHash, createdAt: deps.now() }, changedBy(c, deps.now())), 'no user was added');
      if (!done.ok) return done.answer;
      if ('taken' in done.value)
        return c.json(
          { error: 'conflict', message: `A user ${quote(done.value.taken)} exists: a sign-in reads names in any capitals, so ${quote(username)} would be the same name. Choose another.` },
          409
        );
      return c.json(done.value.added, 201);
    })
    .patch('/:username', admin, async (c) => {
      const refusal = crossSite(c, 'change users');
      if (refusal) return refusal;
      const body = await readJson(c, USER_CHANGE_SHAPE);
      if (!body.ok) return c.json({ errors: body.errors }, body.status);
      const read = parseUserChange(body.json);
      if (!read.ok) return c.json({ errors: read.errors }, 400);
      const name = c.req.param('username').trim();
      const passwordHash = read.value.password === undefined ? undefined : await hashPasswordOffThread(read.value.password);
      // The caller's own session stays when admins change their own password: their other ones end.
      const own = credentialOf(honoAccessors(c))?.kind === 'session' ? getCookie(c, SESSION_COOKIE) : undefined;
      const done = await adminWrite(c, deps, () => changeUser(deps.db, name, { role: read.value.role, passwordHash }, own, changedBy(c, deps.now())), 'nothing was changed');
      if (!done.ok) return done.answer;
      if (!('changed' in done.value)) return refused(c, name, done.value, 'demoted');
      // The new password is what the user signs in with now: a hold the old one's wrong tries earned no longer applies.
      if (passwordHash !== undefined) throttle.forget(done.value.changed.username);
      return c.json(done.value.changed);
    })
    .delete('/:username', admin, async (c) => {
      const refusal = crossSite(c, 'delete users');
      if (refusal) return refusal;
      const name = c.req.param('username').trim();
      const done = await adminWrite(c, deps, () => deleteUser(deps.db, name, changedBy(c, deps.now())), 'no user was deleted');
      if (!done.ok) return done.answer;
      if (!('deleted' in done.value)) return refused(c, name, done.value, 'deleted');
      return c.body(null, 204);
    });
}
