// Who is calling, and may they? The role each route needs is written next to the route.
import type { Context, MiddlewareHandler } from 'hono';
import type { IncomingMessage } from 'node:http';
import { getCookie } from 'hono/cookie';
import { parse as parseCookie } from 'hono/utils/cookie';
import type { Db } from '../../db/open';
import { roleOfSession, roleOfToken, type Role } from './credentials';
import { warnNowAndThen } from '../answers';

export const SESSION_COOKIE = 'floorboard_session';

/** What authentication reads of a request, whichever server received it. */
export interface Accessors {
  header(name: string): string | undefined;
  query(name: string): string | undefined;
  /** Every value of a query parameter given more than once, in order. */
  queries(name: string): string[];
  cookie(name: string): string | undefined;
}

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
 * The one function that turns a request into a principal: a bearer token, or a session cookie. Used by HTTP
 * routes and by the WebSocket upgrade alike. `?token=` is read only where `queryToken` says so: the wall's
 * WebSocket (SPEC.md: "?token= for the wall and the WebSocket"), which a browser cannot give a header.
 * Elsewhere a token in the address would end up in logs and histories for nothing.
 */
export function authenticate(db: Db, req: Accessors, now: number, queryToken = false): Principal | null {
  const credential = credentialOf(req, queryToken);
  if (!credential) return null;
  if (credential.kind === 'token') {
    const role = roleOfToken(db, credential.secret, now);
    return role ? { role } : null;
  }
  return roleOfSession(db, credential.secret, now);
}

/**
 * What a request signs in with: a token (a bearer header, or `?token=` where allowed), else the session cookie.
 * An empty token is none: the cookie is read then, which a browser sends from any page (see the live hub).
 */
export function credentialOf(req: Accessors, queryToken = false): { kind: 'token' | 'session'; secret: string } | null {
  const token = bearer(req.header('authorization')) ?? (queryToken ? req.query('token') : undefined);
  if (token) return { kind: 'token', secret: token };
  const session = req.cookie(SESSION_COOKIE);
  return session ? { kind: 'session', secret: session } : null;
}

/**
 * Why a request that gives `?token=` twice, with two different tokens, is refused (a wall's address pasted into
 * another, a script that appends its own): which one is meant is unknown, and the first was taken silently. The
 * same token twice is one.
 */
export function twoTokens(req: Accessors): string | null {
  const tokens = new Set(req.queries('token').filter((t) => t !== ''));
  return tokens.size > 1 ? `the address gives ?token= ${tokens.size} times, with different tokens: give the wall's token once` : null;
}

export function principalOf(c: Context): Principal | null {
  return c.get('principal' as never) ?? null;
}

/**
 * How a 401 says to authenticate (RFC 9110, 11.6.1, asks every 401 for one): a bearer token, or signing in on the
 * start page. Without it, some clients (Android's HttpURLConnection) threw "No authentication challenges found" and
 * never read the status or the message. Not Basic, which a browser would answer with its own password box.
 */
export const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="floorboard"' } as const;

/** A refusal: 401 without credentials (with the CHALLENGE), 403 for a role below the need. */
export interface Denial {
  status: 401 | 403;
  body: { error: 'unauthorized' | 'forbidden'; message: string };
  headers?: Record<string, string>;
}

/**
 * What a 401 says: `how` to sign in when nothing was sent; that a token sent is not accepted, or a session has
 * ended, when one was (told only to sign in, a wall whose token was revoked, or a person signed out, is not told why).
 */
export function whyUnauthorized(req: Accessors, queryToken = false, how = 'Sign in, or send Authorization: Bearer <token>.'): string {
  const kind = credentialOf(req, queryToken)?.kind;
  if (kind === 'token') return `The token sent is not one this server accepts (mistyped, or revoked). ${how}`;
  if (kind === 'session') return 'Your session has ended (signed out, or 12 hours after signing in): sign in again.';
  // A token given as the wall's is: told only to sign in, a script holding a good token was not told why it was refused.
  if (!queryToken && req.query('token') !== undefined)
    return '?token= is read only by the live feed (/api/live), where a browser cannot send a header; anywhere else a token in the address would only end up in logs: send it as Authorization: Bearer <token>.';
  return how;
}

/** Who the caller is, if they hold `needs` (any of them); otherwise the refusal to send. */
export function authorize(db: Db, req: Accessors, needs: Role[], now: number, queryToken = false): Principal | Denial {
  const principal = authenticate(db, req, now, queryToken);
  if (!principal) return { status: 401, body: { error: 'unauthorized', message: whyUnauthorized(req, queryToken) }, headers: CHALLENGE };
  if (!needs.some((n) => allows(principal.role, n)))
    return { status: 403, body: { error: 'forbidden', message: `This needs the ${needs.join(' or ')} role; you are ${principal.role}.` } };
  return principal;
}

export const isDenial = (p: Principal | Denial): p is Denial => 'status' in p;

/**
 * The page that sent the request is of this site: same host and port as the request is addressed to (a
 * browser always sends Origin on a WebSocket and on a POST; a client without one, such as curl, is no page).
 * Behind a reverse proxy that rewrites Host (nginx's default), the host the browser asked for arrives as
 * X-Forwarded-Host, which a page's script cannot set: a page of another site still names its own origin, and is refused.
 */
export function fromThisSite(req: Pick<Accessors, 'header'>): boolean {
  const origin = req.header('origin');
  if (origin === undefined) return true;
  let page: URL;
  try {
    page = new URL(origin);
  } catch {
    return false;
  }
  // Node joins a repeated header with commas: the first proxy's value is what the browser asked for.
  const asked = String(req.header('x-forwarded-host') ?? '').split(',')[0].trim();
  return sameHost(page, req.header('host')) || (asked !== '' && sameHost(page, asked));
}

/**
 * A Host header names the page's host: read as the page's scheme reads it, so a proxy that writes the scheme's own
 * port (nginx's `$host:$server_port`: "floor.example.com:443") or capitals names the host the Origin names without them.
 */
function sameHost(page: URL, host: string | undefined): boolean {
  if (!host || /[/?#@\\]/.test(host)) return false;
  try {
    return new URL(`${page.protocol}//${host}`).host === page.host;
  } catch {
    return false;
  }
}

/**
 * A request that changes something (or opens the live feed), signed in with the session cookie from a page of
 * another site: refused. The browser sends the cookie with any page's request to this host (another port's, a
 * sibling subdomain's: SameSite=Lax counts them as one site), and a text/plain POST needs no preflight. A token is
 * the caller's own. The Origin first: machines send none, and their requests (every batch of events) read no more.
 */
export function crossSiteSession(req: Accessors, what: string, queryToken = false): Denial | null {
  if (fromThisSite(req) || credentialOf(req, queryToken)?.kind !== 'session') return null;
  logCrossSite(req, what);
  return { status: 403, body: { error: 'forbidden', message: `A page from another site may not ${what} with your session.` } };
}

/**
 * Says in the log (once a minute for the same hosts) that a page's request was refused as another site's, and
 * which hosts did not match: behind a proxy that rewrites Host, every sign-in is refused so, and the operator
 * setting it up would otherwise find nothing in the log to say why.
 */
export function logCrossSite(req: Pick<Accessors, 'header'>, what: string): void {
  const forwarded = req.header('x-forwarded-host');
  warnNowAndThen(
    `Refused to ${what} for a page of ${JSON.stringify(req.header('origin'))}: this server was asked for Host ${JSON.stringify(req.header('host') ?? '')}` +
      (forwarded === undefined ? ', with no X-Forwarded-Host' : `, X-Forwarded-Host ${JSON.stringify(forwarded)}`) +
      '. A page of another site is refused; behind a reverse proxy, pass on the host the browser asked for (nginx: proxy_set_header X-Forwarded-Host $http_host;).'
  );
}

/** Lets the request through when the caller holds `need` (or any of several). */
export function requireRole(db: Db, need: Role | Role[], now: () => number): MiddlewareHandler {
  const needs = Array.isArray(need) ? need : [need];
  return async (c, next) => {
    const who = authorize(db, honoAccessors(c), needs, now());
    if (isDenial(who)) return c.json(who.body, who.status, who.headers);
    c.set('principal' as never, who as never);
    await next();
  };
}

export function honoAccessors(c: Context): Accessors {
  return { header: (n) => c.req.header(n), query: (n) => c.req.query(n), queries: (n) => c.req.queries(n) ?? [], cookie: (n) => getCookie(c, n) };
}

/**
 * The same accessors over Node's request (the WebSocket upgrade, the ingest fast path); URL and cookies parsed
 * only if asked. A class, so that a request costs one object: closures made per request cost more on the hot
 * path, since the tsx loader names each (`__name`, a defineProperty that turns the function's map into a dictionary).
 */
export class NodeAccessors implements Accessors {
  private url: URL | undefined;
  constructor(readonly req: IncomingMessage) {}

  header(name: string): string | undefined {
    return this.req.headers[name.toLowerCase()] as string | undefined;
  }

  query(name: string): string | undefined {
    return (this.url ??= new URL(this.req.url ?? '/', 'http://localhost')).searchParams.get(name) ?? undefined;
  }

  queries(name: string): string[] {
    return (this.url ??= new URL(this.req.url ?? '/', 'http://localhost')).searchParams.getAll(name);
  }

  cookie(name: string): string | undefined {
    // Read by hono's own parser, as getCookie reads it for every other route: the first of a name counts (two come from a sibling
    // subdomain's or a longer path's cookie), a quoted value is unquoted, and one hono cannot read (a backslash, as
    // Python quotes a comma) is passed over for the next. Read otherwise, the live feed and the ingest path saw
    // another session than /api/auth/me, or none (401 'your session has ended').
    const header = this.req.headers.cookie;
    return header ? parseCookie(header, name)[name] : undefined;
  }
}

