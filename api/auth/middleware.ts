// Who is calling, and may they? The role each route needs is written next to the route.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Db } from '../../db/open';
import { roleOfSession, roleOfToken, type Role } from './credentials';

export const SESSION_COOKIE = 'floorboard_session';

export interface Principal {
  role: Role;
  username?: string;
}

const RANK: Record<Role, number> = { ingest: -1, display: 1, supervisor: 2, manager: 3, admin: 4 };

/** `ingest` is a separate capability (POST events only); the rest is a ladder display < supervisor < manager < admin. */
export function allows(role: Role, need: Role): boolean {
  if (need === 'ingest') return role === 'ingest' || role === 'admin';
  return RANK[role] >= RANK[need];
}

function bearer(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+(.+)$/i);
  return m?.[1].trim();
}

/**
 * The one function that turns a request into a principal: a bearer token, `?token=` (wall and WebSocket),
 * or a session cookie. Used by HTTP routes and by the WebSocket upgrade alike.
 */
export function authenticate(db: Db, req: { header(name: string): string | undefined; query(name: string): string | undefined; cookie(name: string): string | undefined }, now: number): Principal | null {
  const token = bearer(req.header('authorization')) ?? req.query('token');
  if (token) {
    const role = roleOfToken(db, token, now);
    return role ? { role } : null;
  }
  const session = req.cookie(SESSION_COOKIE);
  if (session) return roleOfSession(db, session, now);
  return null;
}

export function principalOf(c: Context): Principal | null {
  return c.get('principal' as never) ?? null;
}

/** Lets the request through when the caller holds `need` (or any of several). */
export function requireRole(db: Db, need: Role | Role[], now: () => number): MiddlewareHandler {
  const needs = Array.isArray(need) ? need : [need];
  return async (c, next) => {
    const principal = authenticate(
      db,
      { header: (n) => c.req.header(n), query: (n) => c.req.query(n), cookie: (n) => getCookie(c, n) },
      now()
    );
    if (!principal) return c.json({ error: 'unauthorized', message: 'Sign in, or send Authorization: Bearer <token>.' }, 401);
    if (!needs.some((n) => allows(principal.role, n)))
      return c.json({ error: 'forbidden', message: `This needs the ${needs.join(' or ')} role; you are ${principal.role}.` }, 403);
    c.set('principal' as never, principal as never);
    await next();
  };
}
