// Passwords, tokens and sessions: hashing and lookup. No HTTP here (see auth/middleware.ts).
import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, lte, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/open';
import { apiTokens, sessions, users } from '../../db/index';
import { warnNowAndThen } from '../answers';
import { inWriteTurn } from '../write-turn';

export const ROLES = ['ingest', 'display', 'supervisor', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const SESSION_MS = 12 * 3_600_000;

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const newSecret = () => randomBytes(24).toString('base64url');

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt:${salt.toString('hex')}:${scryptSync(password, salt, 32).toString('hex')}`;
}

/** As hashPassword, on libuv's thread pool (see verifyPasswordOffThread): an admin adding a user holds no wall's feed. */
export function hashPasswordOffThread(password: string): Promise<string> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 32, (err, hash) => (err ? reject(err) : resolve(`scrypt:${salt.toString('hex')}:${hash.toString('hex')}`)))
  );
}

/** A stored `scrypt:salt:hash`, as bytes; null for any other form. */
function storedHash(stored: string): { salt: Buffer; hash: Buffer } | null {
  const [scheme, salt, hash] = stored.split(':');
  return scheme === 'scrypt' && salt && hash ? { salt: Buffer.from(salt, 'hex'), hash: Buffer.from(hash, 'hex') } : null;
}

/** At start only (ADMIN_PASSWORD against a stored admin): a login checks off the main thread (verifyPasswordOffThread). */
function verifyPassword(password: string, stored: string): boolean {
  const s = storedHash(stored);
  return s !== null && timingSafeEqual(scryptSync(password, s.salt, 32), s.hash);
}

/**
 * As verifyPassword, on libuv's thread pool: a hash takes tens of ms, and anyone may post a login, so the
 * main thread (every other request, the live feed) must not wait for it.
 */
function verifyPasswordOffThread(password: string, stored: string): Promise<boolean> {
  const s = storedHash(stored);
  if (!s) return Promise.resolve(false);
  return new Promise((resolve, reject) => scrypt(password, s.salt, 32, (err, actual) => (err ? reject(err) : resolve(timingSafeEqual(actual, s.hash)))));
}

/**
 * Checked against when no user has the name, so a login takes as long whether or not the name exists. Random
 * bytes in the stored form: no password hashes to them.
 */
const UNKNOWN_USER_HASH = `scrypt:${randomBytes(16).toString('hex')}:${randomBytes(32).toString('hex')}`;

export function createToken(db: Db, role: Role, label: string, now: number, token = newSecret()): string {
  db.insert(apiTokens).values({ tokenHash: sha256(token), role, label, createdAt: now }).onConflictDoNothing().run();
  return token;
}

// Every ingest request carries a token: remember recent answers briefly, so the hot path neither hashes
// nor queries for each one. A token revoked here (DELETE /api/tokens/:id) stops at once: forgetTokenRoles.
const TOKEN_CACHE_MS = 5_000;
const tokenCache = new WeakMap<Db, Map<string, { role: Role | null; until: number }>>();

export function roleOfToken(db: Db, token: string, now = Date.now()): Role | null {
  let cache = tokenCache.get(db);
  if (!cache) tokenCache.set(db, (cache = new Map()));
  const hit = cache.get(token);
  if (hit && hit.until > now) return hit.role;
  const hash = sha256(token);
  const role = db.select({ role: apiTokens.role }).from(apiTokens).where(eq(apiTokens.tokenHash, hash)).get()?.role ?? null;
  if (cache.size > 1000) cache.clear();
  cache.set(token, { role, until: now + TOKEN_CACHE_MS });
  if (role) noteTokenUse(db, hash, now);
  return role;
}

/**
 * How often a token's last use is stored, at most: GET /api/tokens shows it to the minute ("3 min ago"), and every
 * batch of events carries a token, so a write a request would cost ingest its pace.
 */
export const LAST_USE_EVERY_MS = 60_000;
/** When each token's use was last stored (or is being), by its hash; as many as there are tokens in use. */
const lastUseStored = new WeakMap<Db, Map<string, number>>();
/** Whether a write now would be lost or misplaced (the database's files found deleted or replaced): set by the server. */
const tokenUseRefused = new WeakMap<Db, () => boolean>();

/**
 * Stops storing tokens' use while `refused()` says the database's files were found deleted or replaced under the
 * server (deleted-database.ts): written into a replaced file's -wal, even a time would be the new file's pages.
 */
export function refuseTokenUseWhen(db: Db, refused: () => boolean): void {
  tokenUseRefused.set(db, refused);
}

/**
 * A request came with the token of `hash` at `now`: stored once the request is through (a microtask later, never
 * inside a transaction of the request's), in the main connection's write turn, when LAST_USE_EVERY_MS has passed
 * since its last store. Called only when the role cache is refilled, so a busy token costs a look-up here every
 * TOKEN_CACHE_MS and a write every minute.
 */
function noteTokenUse(db: Db, hash: string, now: number): void {
  let stored = lastUseStored.get(db);
  if (!stored) lastUseStored.set(db, (stored = new Map()));
  const last = stored.get(hash);
  // Either way: a clock set back an hour would otherwise hold the time for that hour.
  if (last !== undefined && Math.abs(now - last) < LAST_USE_EVERY_MS) return;
  stored.set(hash, now);
  queueMicrotask(() => void storeTokenUse(db, hash, now, stored));
}

async function storeTokenUse(db: Db, hash: string, at: number, stored: Map<string, number>): Promise<void> {
  const refused = () => !db.$client.open || (tokenUseRefused.get(db)?.() ?? false);
  try {
    const written = await inWriteTurn(db.$client, () => {
      if (refused()) return false;
      db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.tokenHash, hash)).run();
      return true;
    });
    if (!written) stored.delete(hash);
  } catch (err) {
    // Tried again at the next use after the role cache's few seconds, where a minute would pass otherwise.
    stored.delete(hash);
    if (db.$client.open) warnNowAndThen(`A token's last use could not be stored (${(err as Error).message}): the admin's list of tokens shows an older time until it is.`, console.error);
  }
}

/** Forgets every token's remembered role: called once a token is revoked, so it stops at the next request. */
export function forgetTokenRoles(db: Db): void {
  tokenCache.delete(db);
}

/**
 * The user `username` names, as stored: that name, else the one user whose name it is in other capitals ("Admin"
 * for admin, as a phone's keyboard writes it). Two such (stored before migration 0013 refused them) name neither.
 */
export function userNamed(db: Db, username: string) {
  const exact = db.select().from(users).where(eq(users.username, username)).get();
  if (exact) return exact;
  const folded = db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`).limit(2).all();
  return folded.length === 1 ? folded[0] : undefined;
}

/** The user (their name as stored, and role) when `password` is theirs; null for a wrong password or an unknown name. */
export async function checkPassword(db: Db, username: string, password: string): Promise<{ username: string; role: Role } | null> {
  const user = userNamed(db, username);
  const matches = await verifyPasswordOffThread(password, user?.passwordHash ?? UNKNOWN_USER_HASH);
  return user && matches ? { username: user.username, role: user.role } : null;
}

/**
 * A new session of `username` (whose password was checked): its token, for the cookie. The session the browser's
 * cookie named, `replacing`, ends with it: kept, a tab or a wall's feed on it outlived the next sign-out.
 */
export function startSession(db: Db, username: string, now: number, replacing?: string): string {
  const token = newSecret();
  db.$client.transaction(() => {
    // Sessions past their 12 hours are dead rows: each sign-in clears them, so the table holds only live ones.
    db.delete(sessions).where(lte(sessions.expiresAt, now)).run();
    if (replacing !== undefined) db.delete(sessions).where(eq(sessions.tokenHash, sha256(replacing))).run();
    db.insert(sessions).values({ tokenHash: sha256(token), username, expiresAt: now + SESSION_MS }).run();
  })();
  return token;
}

export function roleOfSession(db: Db, token: string, now: number): { username: string; role: Role } | null {
  const row = db
    .select({ username: users.username, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.username, sessions.username))
    .where(and(eq(sessions.tokenHash, sha256(token)), gt(sessions.expiresAt, now)))
    .get();
  return row ?? null;
}

/** Ends the session; false when there was none with this token. */
export function logout(db: Db, token: string): boolean {
  return db.delete(sessions).where(eq(sessions.tokenHash, sha256(token))).run().changes > 0;
}

/** Secrets created at first start, to be shown to the operator once; and what the settings did not do. */
export interface FirstStart {
  adminPassword?: string;
  ingestToken?: string;
  displayToken?: string;
  notices: string[];
}

/** The label of the token INGEST_TOKEN names: one at a time, so a new value cuts off the old one. */
export const FROM_SETTING = 'INGEST_TOKEN';
/** The label of the tokens made, and shown once, at first start. */
export const FIRST_START = 'first start';

/**
 * First start on an empty database: user `admin` (ADMIN_PASSWORD or a random password) and, unless
 * INGEST_TOKEN is set, an ingest token; and a display token for the wall. Returns the secrets it made. At every
 * start INGEST_TOKEN's value is the ingest token it names: changed (a leaked token replaced), the old value stops
 * working, as does the ingest token printed at first start.
 */
export function bootstrapCredentials(db: Db, opts: { adminPassword?: string; ingestToken?: string; now: number; show?: (made: FirstStart) => void }): FirstStart {
  // One transaction: a start killed midway (SIGKILL, power) leaves all of it or none. Autocommitted one by one, a
  // kill after the admin's insert left a user whose random password was never shown, and no ingest or display
  // token, and the next start, finding a user, made none. `show` prints the secrets before the commit: killed
  // after it, they were shown; killed before it, nothing was stored, and the next start makes and shows others.
  return db.$client.transaction(() => {
    const made = makeCredentials(db, opts);
    opts.show?.(made);
    return made;
  }).immediate();
}

function makeCredentials(db: Db, opts: { adminPassword?: string; ingestToken?: string; now: number }): FirstStart {
  const made: FirstStart = { notices: [] };
  if (opts.ingestToken) {
    const other = (label: string) =>
      db.delete(apiTokens).where(and(eq(apiTokens.role, 'ingest'), eq(apiTokens.label, label), ne(apiTokens.tokenHash, sha256(opts.ingestToken!)))).run().changes > 0;
    if (other(FROM_SETTING)) made.notices.push('INGEST_TOKEN has a new value: the token it named before is no longer accepted.');
    // Set to replace the token printed at first start (leaked, or never written down): that one stops too.
    if (other(FIRST_START)) made.notices.push('INGEST_TOKEN is set: the ingest token printed at first start is no longer accepted.');
    createToken(db, 'ingest', FROM_SETTING, opts.now, opts.ingestToken);
  }
  if (db.select({ username: users.username }).from(users).limit(1).get()) {
    const admin = db.select().from(users).where(eq(users.username, 'admin')).get();
    if (opts.adminPassword !== undefined && admin && !verifyPassword(opts.adminPassword, admin.passwordHash))
      made.notices.push('ADMIN_PASSWORD is read only when the database is new: user "admin" keeps the password it has.');
    return made;
  }
  const password = opts.adminPassword ?? (made.adminPassword = newSecret());
  db.insert(users).values({ username: 'admin', passwordHash: hashPassword(password), role: 'admin', createdAt: opts.now }).run();
  if (!db.select().from(apiTokens).where(eq(apiTokens.role, 'ingest')).limit(1).get()) made.ingestToken = createToken(db, 'ingest', FIRST_START, opts.now);
  made.displayToken = createToken(db, 'display', FIRST_START, opts.now);
  return made;
}
