// The one place that opens SQLite: pragmas, migrations, and the WAL checkpoint policy.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './index';
import { linkedFile, refuseUnfinishedRestore } from './restore-plan';
import { openSameFile } from './same-file.mjs';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Page cache of the connections that answer queries, in KiB. The writer thread's connection takes a smaller
 * one (WRITER_CACHE_KIB): at every commit after a B-tree split that reordered pages, SQLite's page cache scans
 * its whole hash table (balance_nonroot parks a page at the pending-byte page number, 262,145, and
 * pcache1Truncate then drops everything above the database's size), so the commit's cost grows with the cache.
 */
export const QUERY_CACHE_KIB = 65_536;

/** How long a connection waits for a lock another holds before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * 8 MiB: what the writer reads again (index pages, recent rollup and fact pages) stays cached. Against 64 MiB,
 * in alternating runs: 8 batched clients +4 % on a fresh server, +6 % on a running one; 32 clients +8 %.
 */
export const WRITER_CACHE_KIB = 8_192;

/** The WAL pages at which a commit checkpoints (see openDb). */
export const WAL_AUTOCHECKPOINT_PAGES = 16_000;

/**
 * `sameFileAs`: the identity of the file the server opened (db/same-file.mjs), for a thread's connection opened after
 * the server's own: none is opened on another file put at the name since.
 */
export function openDb(path: string, opts: { migrate?: boolean; cacheKiB?: number; sameFileAs?: string } = {}): Db {
  const main = opts.migrate ?? true;
  // A thread's connection (sameFileAs) opens the file the server made, or none: its directory deleted, not again.
  if (path !== ':memory:' && opts.sameFileAs === undefined) {
    mkdirSync(dirname(path), { recursive: true });
    // SQLite opens a file it may not write read-only without a word; every commit would then fail.
    if (main) writable(path);
  }
  const sqlite = opts.sameFileAs === undefined ? new Database(path) : openSameFile(path, opts.sameFileAs);
  if (main) {
    try {
      refuseForeign(sqlite);
      refuseNewer(sqlite);
    } catch (err) {
      sqlite.close();
      throw err;
    }
  }
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives a process crash (SIGKILL); only power loss can take the last ones.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`cache_size = -${opts.cacheKiB ?? QUERY_CACHE_KIB}`);
  sqlite.pragma('temp_store = MEMORY');
  // Checkpoint every ~64 MB of WAL and truncate the file back to 96 MB at most afterwards, so it stays bounded.
  // Commits rewrite the same hot pages (current state, rollups) again and again, and a checkpoint copies each
  // page once however often it changed: every 64 MB rather than every 16 MB, batched ingest ran ~10 % faster.
  // In the server a checkpointer thread (api/ingest/checkpointer.ts) does the copying beforehand, beside the
  // writer, so this checkpoint finds little left to do.
  sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  sqlite.pragma('journal_size_limit = 100663296');
  // The writer thread's connection skips this: the main thread migrated before starting it.
  if (main) {
    try {
      migrate(sqlite);
    } catch (err) {
      sqlite.close();
      throw err;
    }
  }
  return drizzle(sqlite, { schema }) as Db;
}

/**
 * Applies the migrations the database lacks in one transaction, as drizzle's migrate() does: its table, its rule (each
 * migration made after the last one applied) and its hashes, so either may migrate a database the other did. Drizzle's
 * lost why it failed, and the start ended in a DrizzleError stack trace: it wraps SQLite's error without its code
 * (a database held by another process), and a full disk, which rolls the transaction back itself, had its ROLLBACK
 * throw "no transaction is active" in place of SQLITE_FULL. Here SQLite's own error reaches openFailure.
 */
function migrate(sqlite: Database.Database): void {
  sqlite.exec('CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)');
  const last = sqlite.prepare('SELECT created_at FROM "__drizzle_migrations" ORDER BY created_at DESC LIMIT 1').pluck().get() as number | string | null | undefined;
  const pending = readMigrationFiles({ migrationsFolder: MIGRATIONS }).filter((m) => last == null || Number(last) < m.folderMillis);
  if (!pending.length) return;
  const record = sqlite.prepare('INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES (?, ?)');
  sqlite.transaction(() => {
    for (const m of pending) {
      for (const statement of m.sql) sqlite.exec(statement);
      record.run(m.hash, m.folderMillis);
    }
  })();
}

/**
 * Throws (EACCES, EROFS, EISDIR, FLOORBOARD_NOT_FILE) unless this process may write the database and, for its WAL
 * files, its directory.
 */
function writable(path: string): void {
  accessSync(dirname(path), constants.W_OK);
  if (!existsSync(path)) return;
  const stat = statSync(path);
  if (stat.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
  // A device or a pipe (DATABASE_PATH=/dev/null, for "keep nothing"): SQLite's "disk I/O error" was a stack trace.
  if (!stat.isFile()) throw Object.assign(new Error(`${path} is not a file`), { code: 'FLOORBOARD_NOT_FILE' });
  accessSync(path, constants.W_OK);
  // Its WAL files, where a process that was killed left them (another user's, or frozen): SQLite opened the database
  // all the same, and the first write ended the start in a SQLITE_READONLY stack trace.
  for (const side of [`${path}-wal`, `${path}-shm`]) if (existsSync(side)) accessSync(side, constants.W_OK);
}

/** Thrown for a SQLite database that holds another application's tables. */
class ForeignDatabase extends Error {
  readonly code = 'FLOORBOARD_FOREIGN';
}

/** Thrown for a database that a later Floorboard migrated: its message is when that migration was made. */
class NewerDatabase extends Error {
  readonly code = 'FLOORBOARD_NEWER';
}

/** Thrown when the server's claim (claimForServer) cannot be taken for a reason of its lock file's: the message says why and what to do. */
class UnusableLock extends Error {
  readonly code = 'FLOORBOARD_LOCK';
}

/**
 * A database with tables but none of the migrations' bookkeeping is another application's: migrating it would
 * add fifteen tables to it and switch its journal to WAL. Checked before any pragma changes the file.
 */
export function refuseForeign(sqlite: Database.Database): void {
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  if (tables.length > 0 && !tables.includes('__drizzle_migrations'))
    throw new ForeignDatabase(tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : ''));
}

/** Whether the database holds Floorboard's events table: a new, empty SQLite file does not, and passes refuseForeign. */
export const holdsEvents = (sqlite: Database.Database): boolean =>
  sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get() !== undefined;

let newestKnown: number | undefined;
/** When the newest of this code's migrations was made (drizzle records it as the migration's created_at). */
function newestMigration(): number {
  if (newestKnown === undefined) {
    const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
    newestKnown = Math.max(...journal.entries.map((e) => e.when));
  }
  return newestKnown;
}

/**
 * A database whose last migration is newer than this code's newest was written by a later Floorboard: drizzle's
 * migrate() compares the last created_at with each migration's time and would skip them all, and this code would
 * then run on tables it does not know. The same rule as drizzle's, so a database this code migrated always opens.
 */
export function refuseNewer(sqlite: Database.Database): void {
  const bookkept = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!bookkept) return;
  const last = sqlite.prepare('SELECT created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1').pluck().get() as number | string | null | undefined;
  if (last != null && Number(last) > newestMigration()) throw new NewerDatabase(new Date(Number(last)).toISOString().slice(0, 10));
}

/**
 * The refusals openDb would make, made before the server claims the database, so that a refused path is left
 * without a lock file beside it: a directory, a file this user may not write, another application's database,
 * a damaged one, one a later Floorboard wrote. It only reads; and it opens the file as openDb would (not
 * read-only: a read-only connection leaves a -wal and -shm beside a WAL database, which the last read-write
 * connection's close removes). What it cannot tell is left to openDb. First, though, one of its own: a database
 * a restore is part way through replacing (db/restore-plan.ts), which may not be at the path at all.
 */
function checkBeforeClaim(path: string): void {
  refuseUnfinishedRestore(path);
  // Links that lead round in a loop "exist" no more than a missing file, but stat refuses them (ELOOP): SQLite said
  // only "unable to open database file", after the lock was made beside them.
  if (!existsSync(path)) return void statSync(path, { throwIfNoEntry: false });
  writable(path);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path, { fileMustExist: true });
  } catch {
    return; // openDb will say why
  }
  try {
    refuseForeign(sqlite);
    refuseNewer(sqlite);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'FLOORBOARD_FOREIGN' || code === 'FLOORBOARD_NEWER' || unreadableFile(err)) throw err;
  } finally {
    sqlite.close();
  }
}

/**
 * The side file a server holds while it runs (see claimForServer), named from the database's real path: a
 * symlink, `./x` or `a/../x` to one database all name one lock. (A hard link is another name for the file and
 * is not told apart.)
 */
function serverLockPath(path: string): string {
  // A link to a file not made yet is followed too: named from the link, the first server's lock was not the one a
  // second server or npm run restore looked for once the server had made the file it names.
  const file = linkedFile(path);
  const real = existsSync(file) ? realpathSync(file) : join(existsSync(dirname(file)) ? realpathSync(dirname(file)) : dirname(file), basename(file));
  return `${real}.server-lock`;
}
const claims: Database.Database[] = [];
// Given up at the end of the process, however it exits: closed, the claim's transaction rolls back and removes its
// journal, which a process that exited holding it (a refusal after the claim, exit 2) left beside the database.
process.on('exit', () => claims.splice(0).forEach((lock) => lock.close()));

/** Who owns `path`, by name where /etc/passwd has it. */
function ownerOf(path: string): string {
  const uid = statSync(path).uid;
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.split(':')[2] === String(uid));
    if (line) return `${line.split(':')[0]} (uid ${uid})`;
  } catch {
    // No passwd file to read: the number will do.
  }
  return `uid ${uid}`;
}

function unusableLock(lock: string, db: string): UnusableLock {
  const who = typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : '';
  return new UnusableLock(
    `${lock} (the lock that keeps a second server off ${db}) belongs to ${ownerOf(lock)}, and this user${who} may not write it: ` +
      `while no Floorboard server runs on the database, delete it (and ${basename(lock)}-journal, if there is one) or chown it to this user`
  );
}

/**
 * Claims the database at `path` for this process's server; false when another process holds it. Two servers
 * on one file each keep their own memory of what is stored, and their rollups drift from the events (a trial
 * lost a third of the counts). The claim is an exclusive transaction on a side file, never written, which the
 * operating system releases when the process ends however it ends: a killed server leaves no stale claim.
 * Throws, before making any side file, for a database openDb would refuse (checkBeforeClaim); and for a lock
 * file this user may not write, which SQLite would open read-only and "lock" without keeping anyone out.
 */
export function claimForServer(path: string, opts: { checkFile?: boolean } = {}): boolean {
  if (path === ':memory:') return true;
  mkdirSync(dirname(path), { recursive: true });
  // npm run restore claims a file it is about to replace, damaged or not.
  if (opts.checkFile ?? true) checkBeforeClaim(path);
  const lockPath = serverLockPath(path);
  if (existsSync(lockPath)) {
    try {
      accessSync(lockPath, constants.R_OK | constants.W_OK);
    } catch {
      throw unusableLock(lockPath, path);
    }
  }
  const lock = new Database(lockPath);
  lock.pragma('busy_timeout = 0');
  try {
    lock.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    lock.close();
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') return false;
    throw err;
  }
  // Whether the claim keeps anyone out: another connection (the system's locks are per process, SQLite's own
  // table of them is not) must find the file locked. A read-only open of the lock "locks" nothing.
  if (!heldElsewhere(lockPath)) {
    lock.close();
    throw unusableLock(lockPath, path);
  }
  claims.push(lock);
  return true;
}

/** Whether a connection of its own finds the lock at `lockPath` taken. */
function heldElsewhere(lockPath: string): boolean {
  const probe = new Database(lockPath, { readonly: true, fileMustExist: true });
  probe.pragma('busy_timeout = 0');
  try {
    probe.prepare('SELECT count(*) FROM sqlite_master').get();
    return false;
  } catch (err) {
    return (err as { code?: unknown }).code === 'SQLITE_BUSY';
  } finally {
    probe.close();
  }
}

/**
 * Turns the connection's own checkpoints, in the commit past WAL_AUTOCHECKPOINT_PAGES and every 30 s
 * (api/ingest/maintenance.ts), off or on again. The server's writer turns them off while the checkpointer thread
 * copies back a WAL a long reader kept from being reset: the first commit after the reader let go copied all of it
 * (1.6 GB after a 30 s hold under 8 batched clients), and every acknowledgement waited 3.3 s behind it.
 */
export function ownCheckpoints(db: Db, on: boolean): void {
  db.$client.pragma(`wal_autocheckpoint = ${on ? WAL_AUTOCHECKPOINT_PAGES : 0}`);
}

/** Whether the connection checkpoints on its own (ownCheckpoints). */
export const checkpointsOwn = (db: Db): boolean => db.$client.pragma('wal_autocheckpoint', { simple: true }) !== 0;

/**
 * Folds the WAL back into the database file and truncates it; run when ingest is idle and at shutdown. `waitMs`
 * bounds its wait for readers on an older snapshot (else the busy timeout's 5 s): given up, it has still copied
 * what it could, as a PASSIVE checkpoint does, and returns false (SQLite reports a reader in the way as a result,
 * not an error).
 */
export function checkpoint(db: Db, opts: { waitMs?: number } = {}): boolean {
  const truncate = () => (db.$client.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0]?.busy === 0;
  if (opts.waitMs === undefined) return truncate();
  db.$client.pragma(`busy_timeout = ${opts.waitMs}`);
  try {
    return truncate();
  } finally {
    db.$client.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/** Whether SQLite found the file unreadable as a database: its pages garbled (a disk fault, a copy made mid-write), or not SQLite at all. */
export function unreadableFile(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** What to tell an operator when opening the database at `path` threw for a reason of the file's; null for anything else. */
export function openFailure(err: unknown, path: string): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  const why =
    code === 'SQLITE_NOTADB'
      ? `${path} is not a SQLite database (or it is damaged): point DATABASE_PATH at the server's database, or at a new file`
      : typeof code === 'string' && code.startsWith('SQLITE_CORRUPT')
      ? `${path} is damaged (${(err as Error).message}): restore it from a backup (npm run restore -- --from <backup>), or point DATABASE_PATH at a new file`
      : code === 'FLOORBOARD_NEWER'
      ? `${path} was written by a newer Floorboard (its schema has a migration of ${(err as Error).message}, which this version does not know): run that version, or point DATABASE_PATH at another database or a new file`
      : code === 'FLOORBOARD_LOCK' || code === 'FLOORBOARD_RESTORE'
      ? (err as Error).message
      : code === 'SQLITE_FULL'
      ? `the disk holding ${path} is full: free some space, then try again`
      : code === 'FLOORBOARD_FOREIGN'
      ? `${path} is another application's database (tables ${(err as Error).message}), which Floorboard leaves as it is: point DATABASE_PATH at the server's database, or at a new file`
      : code === 'ELOOP'
      ? `${path} is a link that leads round in a loop of links: point DATABASE_PATH at the database file`
      : code === 'EISDIR'
      ? `${path} is a directory: point DATABASE_PATH at a file in it, such as ${join(path, 'kpi.sqlite')}`
      : code === 'FLOORBOARD_NOT_FILE'
      ? `${path} is not a regular file (a device, a pipe or a socket): point DATABASE_PATH at a file, or at :memory: for a database that keeps nothing`
      : // The directory to make for it is a file: mkdir says EEXIST (ENOTDIR is a file further up).
        code === 'EEXIST' && (err as { syscall?: unknown }).syscall === 'mkdir'
        ? `${path} cannot be made: ${dirname(path)} is a file, not a directory; point DATABASE_PATH at a file in a directory`
      : // EPERM: a file frozen with chattr +i, which refuses root too.
        code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || (typeof code === 'string' && code.startsWith('SQLITE_READONLY'))
        ? `${path} cannot be opened (${(err as Error).message}): check that the directory exists or can be made, and that this user may write there`
        : code === 'SQLITE_BUSY'
          ? // Said after the claim (claimForServer), which names a Floorboard server, rebuild or restore: this is another program.
            `${path} is held by another program (a sqlite3 shell left in a transaction, or a tool writing to it): let it finish or stop it, then try again`
          : null;
  return why && `Cannot open the database: ${why}.`;
}

/** What to tell an operator when `npm run rebuild`'s transaction threw: it rolled back, so nothing changed. */
export function rebuildFailure(err: unknown, path: string): string | null {
  return (err as { code?: unknown } | null)?.code === 'SQLITE_FULL'
    ? `Cannot rebuild: the disk holding ${path} is full. Nothing was changed (the rebuild is one transaction, rolled back); free some space and run it again.`
    : openFailure(err, path);
}
