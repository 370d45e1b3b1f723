// npm run restore -- --from <backup>: puts a backup (npm run backup) in place of the database at DATABASE_PATH while
// no server runs, after checking it, and keeps the database it replaces, write-ahead log and all, beside it. Done
// by hand, a copy over the file that left the old -wal beside it would have that log replayed onto the backup.
import { closeSync, constants as fs, existsSync, lstatSync, openSync, readSync, realpathSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { configFailure, loadDatabaseConfig } from '../config';
import { claimForServer, holdsEvents, openFailure, refuseForeign, refuseNewer, unreadableFile } from '../../db/open';
import { BESIDE_DATABASE, carryOut, linkedFile, planPath, SIDE_FILES, unfinishedRestore, type RestorePlan } from '../../db/restore-plan';
import { counted, size } from '../plain-words';
import { accessError, copyDatabase, fileOnTheWay, statOrLoop, stopOnSignals } from './copy';
import { exit, goOnWithoutOutput, orExit, readFlags } from './exit';

const USAGE = `Usage: npm run restore -- --from <backup>

Puts <backup>, a copy npm run backup made, in place of the database at DATABASE_PATH, after checking it. The server
must be stopped. The database it replaces is kept beside it, with its write-ahead log, as
<DATABASE_PATH>.replaced-<time>: delete it once the server runs well on the restored one.
Run without --from, it finishes a restore that was stopped part way (killed, or the machine went down).`;

goOnWithoutOutput();
const flags = readFlags({ from: { type: 'string' }, help: { type: 'boolean', default: false } }, USAGE);
const config = orExit(loadDatabaseConfig, configFailure);
if (config.DATABASE_PATH === ':memory:') exit('DATABASE_PATH is :memory:, which no file holds: there is nothing to restore into.');
// The file a link at DATABASE_PATH names, not the link: renamed over, the link became a file beside it, and the
// database it replaced a link, its WAL left behind.
// Inside a file (DATABASE_PATH=./data/kpi.sqlite, ./data a file), lstat's ENOTDIR was a stack trace.
const target = orExit(() => linkedFile(config.DATABASE_PATH), (err) => openFailure(err, config.DATABASE_PATH));
// Still a link after linkedFile's 40 hops: links that lead round in a loop, which stat refuses (ELOOP).
if (lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink()) exit(`${config.DATABASE_PATH} is a link that leads round in a loop of links: point DATABASE_PATH at the database file.`);
// A directory (DATABASE_PATH=./data) was moved aside whole, the database in it too, and the operator told to delete it.
if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) exit(openFailure(Object.assign(new Error(), { code: 'EISDIR' }), target)!);
/** The plan of a restore into the database stopped part way, if there is one (one that cannot be read is refused). */
const planned = () => orExit(() => unfinishedRestore(target), (err) => openFailure(err, target));
if (!flags.from && !planned()) exit(`--from is missing: name the backup to restore.\n\n${USAGE}`);

/** The real paths of the files a restore, the server and SQLite keep beside the database at `file`. */
const besideDatabase = (file: string) =>
  BESIDE_DATABASE.map((suffix) =>
    join(realpathSync(dirname(file)), basename(file) + suffix)
  );

/** Says what a restore put in place and where the database it replaced went, given the files it moved there. */
function tell(plan: RestorePlan, events: string, moved: string[]): void {
  console.log(`Restored ${target} from ${plan.from}: ${events}.`);
  console.log(
    moved.includes('')
      ? `The database it replaced is kept as ${plan.replaced}${moved.length > 1 ? ` (with its ${moved.filter(Boolean).join(', ')})` : ''}; delete it once the server runs well on the restored one.`
      : `There was no database at ${target} before.`
  );
}

/**
 * Ends the sessions a checked copy holds, and says how many: a backup's sessions include ones signed out since it
 * was taken (or stolen, and signed out for that), which opened the dashboard again for the rest of their 12 hours.
 */
function endSessions(path: string): number {
  const db = new Database(path);
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'").get();
    return has ? db.prepare('DELETE FROM sessions').run().changes : 0;
  } finally {
    db.close();
  }
}

/**
 * What to say when carrying out `plan` threw for a reason of the file system's (a full disk, a database file
 * bind-mounted into a container, which cannot be renamed over); null for a bug. Before the plan was written
 * nothing was renamed, and the copy goes; after, the plan stays, for npm run restore to finish.
 */
function carryOutFailure(err: unknown, plan: RestorePlan): string | null {
  const { code, syscall, message } = err as NodeJS.ErrnoException;
  if (code === 'FLOORBOARD_RESTORE') return `${message}.`;
  if (typeof syscall !== 'string') return null;
  const why = code === 'ENOSPC' ? `the disk holding ${target} is full` : message;
  if (!existsSync(planPath(target))) {
    rmSync(plan.restoring, { force: true });
    return `Cannot write ${planPath(target)} (${why}): nothing was restored.`;
  }
  return (
    `The restore of ${plan.from} stopped part way (${why}): once that is put right, run npm run restore to finish it. ` +
    `Until then no server starts on ${target}; the database it replaces is kept as ${plan.replaced}.`
  );
}

// A name read from a file written with CRLF ends in a carriage return, which a terminal does not show: "There is no
// backup at" it read as the very file that is there.
if (flags.from && flags.from !== flags.from.trim())
  exit(`--from has a line break or spaces around it (a name read from a file written with CRLF?): remove them (it is ${JSON.stringify(flags.from)}).`);
// npm runs scripts in the project's directory; a relative --from means the one the command was typed in (INIT_CWD).
const from = flags.from && resolve(process.env.INIT_CWD ?? '.', flags.from);
if (from) {
  const inFile = fileOnTheWay(from);
  if (inFile) exit(`There is no backup at ${from}: ${inFile} is a file, not a directory (name it alone, if it is the backup).`);
  const fromStat = statOrLoop(from, 'the backup file', (why) => `Cannot read ${from}: ${why}; give this user that permission, or copy the backup to a directory it may read. Nothing was restored.`);
  // Said as it is: "no backup at" a directory sent the operator looking for a missing file.
  if (fromStat?.isDirectory()) exit(`${from} is a directory: name the backup file in it (npm run backup -- --to wrote one file).`);
  if (!fromStat?.isFile()) exit(`There is no backup at ${from}.`);
  const real = realpathSync(from);
  if (existsSync(target) && real === realpathSync(target)) exit(`${from} is the database at DATABASE_PATH itself, not a backup of it.`);
  // A file kept beside the database: the copy a killed restore left (removed before copying, so the backup named went
  // with it), the plan (gone once the stopped restore it names is finished), the server's lock (which this
  // process holds: reading it ended in a stack trace), the database's log or its index.
  const beside = existsSync(dirname(target)) && besideDatabase(target).includes(real);
  if (beside) exit(`${from} is a file kept beside the database at ${target}, not a backup: name a file npm run backup wrote.`);
}

// The server's claim, held until this process ends: no server may be running on the database, nor start meanwhile.
// The file itself is not checked: it is being replaced, damaged or not.
if (!orExit(() => claimForServer(target, { checkFile: false }), (err) => openFailure(err, target)))
  // Another restore too: told of a server alone, an operator who had started one in another terminal went looking for a server.
  exit(`A Floorboard server, npm run rebuild or another npm run restore is using ${target}; stop it (or let a restore finish), then restore.`);

// A restore stopped part way (killed, the machine gone down) is finished first: its copy was checked, and until
// it is done no server starts on the database. Read under the claim: another restore may have been running.
const stopped = planned();
if (stopped) {
  console.log(`Finishing the restore of ${stopped.from} that was stopped part way…`);
  tell(stopped, 'the copy it had checked', orExit(() => carryOut(target, stopped, { written: true }), (err) => carryOutFailure(err, stopped)));
}
// Nothing more asked, or the same backup, which is now in place.
if (!from || from === stopped?.from) process.exit(0);

/** The backup's WAL and its index, as they were: a read-only connection to a WAL-mode file makes both, and leaves them. */
const besideBackup = ['-wal', '-shm'].filter((suffix) => existsSync(from + suffix));
/** Removes what reading the backup made beside it. */
const tidyBackup = () => ['-wal', '-shm'].forEach((suffix) => besideBackup.includes(suffix) || rmSync(from + suffix, { force: true }));
/** Why the backup cannot be restored, for an error reading it that says so; null for anything else. */
function refused(err: unknown): string | null {
  const code = (err as { code?: unknown }).code;
  const say = (why: string, advice = ' Name a file npm run backup wrote.') => `${from} ${why}: nothing was restored.${advice}`;
  if (unreadableFile(err)) return say('is not a sound SQLite database');
  if (code === 'FLOORBOARD_FOREIGN') return say('is not a Floorboard database');
  if (code === 'FLOORBOARD_NEWER') return say('was written by a newer Floorboard, which this version cannot run');
  // A hot journal: a read-only connection may not roll it back, and the read ended in a stack trace.
  if (code === 'SQLITE_READONLY_ROLLBACK')
    return say(`was being written when its writer stopped, and ${from}-journal beside it holds what to roll back, which reading it cannot do: open it once with sqlite3 (which rolls that back), or name another backup`, '');
  const cannotOpen = code === 'SQLITE_CANTOPEN' || (typeof code === 'string' && code.startsWith('SQLITE_READONLY_'));
  // Told to check that it may "read it, and write in its directory", an operator looked at the directory for nothing.
  if (cannotOpen && accessError(from!, fs.R_OK) !== null)
    return say('cannot be read by this user (permission denied)', ' Give this user read permission on it, or copy it to a file this user may read.');
  if (cannotOpen && walInReadOnlyPlace(from!))
    return say(
      `is in WAL mode (a server's file copied as it was), which SQLite reads only by writing its index (-shm) beside it, and ${dirname(from!)} cannot be written (read-only media, or not this user's to write)`,
      ' Copy it, with its -wal if one is beside it, to a directory this user may write, and restore from that copy.'
    );
  // SQLite's word for a file this user may not read, or whose directory it may not write (for a WAL's index:
  // READONLY_DIRECTORY, for a WAL-mode backup in a directory this user may not write, ended in a stack trace).
  if (cannotOpen)
    return say(`cannot be read (${(err as Error).message}): check that this user may read it, and write in its directory`, '');
  // Locked past the busy timeout by a process writing it (a rollback-journal database): it ended in a stack trace.
  if (code === 'SQLITE_BUSY') return say('is locked by another process writing it: wait until it has finished, or name another backup', '');
  return null;
}

/**
 * Whether `file` is a WAL-mode database this user may read in a directory it may not write (a read-only mount of
 * backups): SQLite cannot read it there, and it must be copied to a place that can be written first.
 */
function walInReadOnlyPlace(file: string): boolean {
  const header = Buffer.alloc(20);
  try {
    const fd = openSync(file, 'r');
    try {
      readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  // The file format's read and write versions: 2 for WAL.
  return header[18] === 2 && accessError(dirname(file), fs.W_OK) !== null;
}

console.log(`Checking ${from}…`);
/** The bytes of the backup's pages in use, once it is known to be a Floorboard database this version runs. */
const expected = orExit(() => {
  const sqlite = new Database(from, { readonly: true, fileMustExist: true });
  try {
    refuseForeign(sqlite);
    refuseNewer(sqlite);
    if (!holdsEvents(sqlite)) throw Object.assign(new Error('no tables'), { code: 'FLOORBOARD_FOREIGN' });
    const pragma = (name: string) => sqlite.pragma(name, { simple: true }) as number;
    return pragma('page_size') * (pragma('page_count') - pragma('freelist_count'));
  } finally {
    sqlite.close();
    tidyBackup();
  }
}, refused);

// The copy first, under another name: should it fail (a full disk) or be stopped, the database is as it was.
// Copied by SQLite (VACUUM INTO, as npm run backup makes them), not byte for byte: a backup with a -wal beside it
// (copied by hand from a server's database) holds what is in that log too; its file alone held less, or no
// tables at all, and the server would have started on that. Then the copy's pages are checked: they are what
// the server will run on.
const restoring = `${target}.restoring`;
const removeRestoring = () => [restoring, `${restoring}-journal`].forEach((f) => rmSync(f, { force: true }));
stopOnSignals(() => (removeRestoring(), tidyBackup()), 'nothing was restored (the partial copy is removed).');
removeRestoring(); // VACUUM INTO writes only into a new or empty file: one a killed restore left goes first
console.log(`Copying it to ${restoring} (${size(expected)})…`);
const copy = await copyDatabase(from, restoring, { expected, readOnly: true });
tidyBackup();
if (copy.kind === 'failed') {
  removeRestoring();
  exit(
    refused(copy) ??
      (copy.code === 'SQLITE_FULL'
        ? `Cannot copy ${from}: the disk holding ${target} is full (the copy needs ${size(expected)}); nothing was restored.`
        : `Cannot copy ${from} to ${restoring} (${copy.message}); nothing was restored.`)
  );
}
if (copy.sound !== 'ok') {
  removeRestoring();
  exit(`The copy of ${from} failed SQLite's quick_check (${copy.sound}): nothing was restored. Try an older backup.`);
}

const ended = orExit(
  () => endSessions(restoring),
  (err) => (removeRestoring(), `Cannot end the sessions the copy holds (${(err as Error).message}); nothing was restored.`)
);

const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
// A rename replaces a file of the new name without a word: a restore run again within the second (the wrong
// backup named first) would have overwritten the database the first one set aside, and left its -wal beside
// another database. The name taken is one none of whose files exists.
let replaced = `${target}.replaced-${stamp}`;
for (let n = 2; SIDE_FILES.some((suffix) => existsSync(replaced + suffix)); n++) replaced = `${target}.replaced-${stamp}-${n}`;
const plan: RestorePlan = { from, restoring, replaced };
const moved = orExit(() => carryOut(target, plan), (err) => carryOutFailure(err, plan));
tell(plan, `${counted(copy.events, 'event')}${copy.newest === null ? '' : `, the newest received ${new Date(copy.newest).toISOString()}`}`, moved);
if (ended > 0) console.log(`${counted(ended, 'session')} it held ${ended === 1 ? 'is' : 'are'} ended: everyone signs in again.`);
// A Ctrl-C from here on waited for the renames (a signal's handler runs once the code running now has finished):
// they are done, and it is not said to have stopped anything.
process.exit(0);
