// POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me, POST /api/auth/password.
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { checkPassword, hashPasswordOffThread, logout, startSession } from '../auth/credentials';
import { MAX_PASSWORD_CHARS } from '../config';
import { CHALLENGE, SESSION_COOKIE, credentialOf, crossSiteSession, fromThisSite, honoAccessors, logCrossSite, principalOf, requireRole } from '../auth/middleware';
import { readBody } from './body';
import { RETRY_AFTER_SECONDS } from '../ingest/failure';
import { issuesToErrors } from './params';
import { quote } from '../plain-words';
import type { LoginThrottle } from '../auth/throttle';
import { PASSWORD_CHANGE_SHAPE, parsePasswordChange } from '../users/schema';
import { changeUser } from '../users/store';
import { adminWrite } from './admin-write';
import { readJson } from './json-body';

/** The peer's address as the socket has it (node-server's env); '' where there is none (app.request in tests). */
function peerAddress(env: unknown): string {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? '';
}

/** A login body is a name and a password: anyone may post one, so it is read no further than this. */
const MAX_LOGIN_BYTES = 16 * 1024;

/** A login field: what is wrong with it in words a person signing in reads (zod's would say "Invalid input"). */
const text = () => z.string({ error: (issue) => (issue.input === undefined ? 'required' : 'expected a string') });
const field = (read: z.ZodString, max: number) => read.min(1, 'is empty').max(max, `must be at most ${max} characters`);
/** The name without spaces around it, as the sign-in page sends it; the password exactly as typed. */
const loginBody = z.object({ username: field(text().trim(), 128), password: field(text(), MAX_PASSWORD_CHARS) });

/**
 * Why a sign-in or sign-out is refused: the database file was found replaced under the server (deleted-database.ts). Its
 * commit goes into the -wal that is now beside the new file, which a crash of the server leaves to be read as the new
 * file's pages at the next start. Deleted, not replaced, they go on: a supervisor must still sign in to see the wall,
 * and a session in the deleted file or -wal, lost at the restart, only means signing in again.
 */
function writesIntoReplaced(deps: AppDeps, nothingDone: string): { error: string; message: string } | null {
  const gone = deps.sideFilesFound?.();
  if (!gone?.replaced) return null;
  return { error: 'unavailable', message: `${gone.file} was replaced by another file while the server ran, and a sign-in or sign-out stored now could be written into that file: ${nothingDone}. Ask the server's admin to stop and start it, then try again.` };
}

/** Says a sign-in (or a password change) is held, and for how long. */
function heldAnswer(c: Context, username: string, held: number) {
  const seconds = Math.ceil(held / 1000);
  c.header('Retry-After', String(seconds));
  return c.json({ error: 'too_many_attempts', retryAfterSec: seconds, message: `Too many wrong passwords for ${quote(username)} from this address: try again in ${seconds} s.` }, 429);
}

export function authRoutes(deps: AppDeps, throttle: LoginThrottle) {
  return new Hono()
    .post('/login', async (c) => {
      // A page of another site (another port of this host, a sibling subdomain: the same site to SameSite) could
      // post a text/plain login of its own choosing, and put its session in place of a wall's or a desk's.
      if (!fromThisSite(honoAccessors(c))) {
        logCrossSite(honoAccessors(c), 'sign you in');
        return c.json({ error: 'forbidden', message: 'A page from another site may not sign you in here: sign in on this site\'s start page.' }, 403);
      }
      const text = await readBody(c, MAX_LOGIN_BYTES);
      if (!text.ok && 'tooLarge' in text) return c.json({ errors: [{ path: '', message: `body is larger than ${MAX_LOGIN_BYTES / 1024} KB; a login is {"username","password"}` }] }, 413);
      let json: unknown;
      try {
        json = text.ok ? JSON.parse(text.text) : undefined;
      } catch {
        json = undefined;
      }
      if (json === undefined) return c.json({ errors: [{ path: '', message: 'expected a JSON body: {"username","password"}' }] }, 400);
      if (typeof json !== 'object' || json === null || Array.isArray(json))
        return c.json({ errors: [{ path: '', message: `expected a JSON object {"username","password"}, got ${quote(json)}` }] }, 400);
      const body = loginBody.safeParse(json);
      if (!body.success) return c.json({ errors: issuesToErrors(body.error) }, 400);
      const { username, password } = body.data;
      const address = peerAddress(c.env);
      // Held: refused before the password is hashed, so a guesser neither learns anything nor costs a hash.
      // Not held: counted below at once, with no await between (guesses sent together would all pass otherwise).
      const held = throttle.heldFor(address, username, deps.now()) && (await throttle.heldOnceChecked(address, username, deps.now));
      if (held > 0) return heldAnswer(c, username, held);
      // Counted as wrong before the hash is checked, and forgiven if right: guesses sent all at once would otherwise
      // each pass the hold while the others' hashes ran, and a guesser try thousands at a time.
      throttle.wrong(address, username, deps.now());
      const checking = checkPassword(deps.db, username, password);
      throttle.track(address, username, checking);
      const user = await checking;
      if (!user) return c.json({ error: 'unauthorized', message: 'Wrong username or password.' }, 401, CHALLENGE);
      // Forgiven before the session is stored: a right password whose session a full disk refused is no guess, and
      // counted as one, the admin retrying through the outage was told "too many wrong passwords" and held after it.
      throttle.right(address, username);
      const replaced = writesIntoReplaced(deps, 'you were not signed in');
      if (replaced) return c.json(replaced, 503, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
      const token = startSession(deps.db, user.username, deps.now(), getCookie(c, SESSION_COOKIE));
      // Secure when the browser came over HTTPS (a proxy in front says so): a page over plain HTTP, or a
      // network on the way, could otherwise have it sent in the clear. Over plain HTTP a browser drops a Secure cookie.
      const https = c.req.url.startsWith('https:') || c.req.header('x-forwarded-proto')?.split(',')[0].trim().toLowerCase() === 'https';
      setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 12 * 3600, secure: https });
      return c.json(user);
    })
    .post('/logout', (c) => {
      // A page of another site could sign a supervisor's wall out.
      const crossSite = crossSiteSession(honoAccessors(c), 'sign you out');
      if (crossSite) return c.json(crossSite.body, crossSite.status);
      const replaced = writesIntoReplaced(deps, 'you are still signed in');
      if (replaced) return c.json(replaced, 503, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
      const token = getCookie(c, SESSION_COOKIE);
      const signedIn = token !== undefined && logout(deps.db, token);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      if (!signedIn) return c.json({ error: 'unauthorized', message: 'There is no session to end: sign in first.' }, 401, CHALLENGE);
      return c.json({ ok: true });
    })
    .get('/me', requireRole(deps.db, 'display', deps.now), (c) => c.json(principalOf(c)))
    // Any person signed in changes their own password; a token is no person and has none.
    .post('/password', requireRole(deps.db, 'display', deps.now), async (c) => {
      const own = credentialOf(honoAccessors(c));
      const username = principalOf(c)?.username;
      if (own?.kind !== 'session' || username === undefined)
        return c.json({ error: 'forbidden', message: 'A token has no password to change: sign in as a person (POST /api/auth/login), then change yours.' }, 403);
      const crossSite = crossSiteSession(honoAccessors(c), 'change your password');
      if (crossSite) return c.json(crossSite.body, crossSite.status);
      const body = await readJson(c, PASSWORD_CHANGE_SHAPE);
      if (!body.ok) return c.json({ errors: body.errors }, body.status);
      const read = parsePasswordChange(body.json);
      if (!read.ok) return c.json({ errors: read.errors }, 400);
      const { currentPassword, newPassword } = read.value;
      // The current password is checked as a sign-in checks one, and held with it: a session left open on a desk is
      // no way to guess the password that opens every other.
      const address = peerAddress(c.env);
      const held = throttle.heldFor(address, username, deps.now()) && (await throttle.heldOnceChecked(address, username, deps.now));
      if (held > 0) return heldAnswer(c, username, held);
      throttle.wrong(address, username, deps.now());
      const checking = checkPassword(deps.db, username, currentPassword);
      throttle.track(address, username, checking);
      if (!(await checking))
        return c.json({ errors: [{ path: 'currentPassword', message: 'is not your current password: your password was not changed' }] }, 400);
      throttle.right(address, username);
      const passwordHash = await hashPasswordOffThread(newPassword);
      // This session stays (the person is at it); every other of theirs ends, as after an admin's reset.
      const done = await adminWrite(c, deps, () => changeUser(deps.db, username, { passwordHash }, own.secret), 'your password was not changed');
      if (!done.ok) return done.answer;
      if (!('changed' in done.value)) return c.json({ error: 'unauthorized', message: 'Your user was deleted meanwhile: nothing was changed.' }, 401, CHALLENGE);
      // Wrong tries of the old password, from another desk or address, hold the new one no longer.
      throttle.forget(username);
      return c.json({ ok: true, username });
    });
}
