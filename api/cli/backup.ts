// npm run backup -- --to <file>: a copy of the database at DATABASE_PATH as of one moment, taken beside a running
// server (or not), checked, and only then given its name.
import { closeSync, existsSync, linkSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { configFailure, loadDatabaseConfig } from '../config';
import { holdsEvents, openFailure, refuseForeign } from '../../db/open';
import { BESIDE_DATABASE, refuseUnfinishedRestore, syncDirectory } from '../../db/restore-plan';
import { counted, size } from '../plain-words';
import { copyDatabase, deniedOnTheWay, fileOnTheWay, seconds, statOrLoop, stopOnSignals } from './copy';
import { exit, goOnWithoutOutput, orExit, readFlags } from './exit';

const USAGE = `Usage: npm run backup -- --to <file>

Copies the database at DATABASE_PATH to <file> as it stood when the copy began (SQLite's VACUUM INTO), whether a
server is running on it or not, then checks the copy. It never overwrites a file.
A server goes on meanwhile; its write-ahead log grows until the copy is done, and is folded back after.
To restore: stop the server, run npm run restore -- --from <file>, and start it again.`;

goOnWithoutOutput();
const flags = readFlags({ to: { type: 'string' }, help: { type: 'boolean', default: false } }, USAGE);
if (!flags.to) exit(`--to is missing: name the file to write the copy to.\n\n${USAGE}`);
const config = orExit(loadDatabaseConfig, configFailure);
const source = config.DATABASE_PATH;
if (source === ':memory:') exit('DATABASE_PATH is :memory:, a database no other process can read: there is nothing to back up.');
// A name read from a file written with CRLF ends in a carriage return: the copy went under a name no restore of the
// name meant finds, or (a space before it) into a directory named with a space, as DATABASE_PATH would.
if (flags.to !== flags.to.trim())
  exit(`--to has a line break or spaces around it (a name read from a file written with CRLF?): remove them (it is ${JSON.stringify(flags.to)}).`);
// Read literally, --to=~/backups/x.sqlite (bash expands no ~ after an =) made a directory named ~ where the command was typed.
if (flags.to === '~' || flags.to.startsWith('~/'))
  exit(
    `${flags.to} starts with ~, which the shell did not read as the home directory (after --to=, or in quotes): write --to ${flags.to}, with a space, or ${homedir()}${flags.to.slice(1)}.`
  );
// npm runs scripts in the project's directory; a relative --to means the one the command was typed in, which npm
// passes as INIT_CWD.
const target = resolve(process.env.INIT_CWD ?? '.', flags.to);
// resolve() drops a trailing slash: --to /backups/ wrote the copy to a file named /backups.
const inDirectory = `such as ${resolve(target, 'kpi.sqlite')}`;
if (flags.to.endsWith('/')) exit(`${flags.to} names a directory: name the file to write in it, ${inDirectory}.`);
/** What to say when this user may not reach or make the directory `target` goes in. */
const cannotWrite = (why: string) =>
  `Cannot write ${target}: ${why}; name a --to in a directory this user may write${why.endsWith('(permission denied)') ? ', or give it that permission' : ''}.`;
/** What to say of `err`, met writing `path`: cannotWrite when this user may not reach or make it, else `otherwise`. */
const writeFailure = (err: unknown, path: string, otherwise: string) => {
  const why = deniedOnTheWay(err, path);
  return why ? cannotWrite(why) : otherwise;
};
const inFile = fileOnTheWay(target);
if (inFile) exit(`${target} lies inside ${inFile}, a file, not a directory: name a file in a directory.`);
if (statOrLoop(target, 'a file', cannotWrite)?.isDirectory()) exit(`${target} is a directory: name the file to write in it, ${inDirectory}.`);
// Part way through a restore the database may be missing, or beside a log not its own.
orExit(() => refuseUnfinishedRestore(source), (err) => openFailure(err, source));
const file = orExit(() => statSync(source, { throwIfNoEntry: false }), (err) => openFailure(err, source));
// As the server says it: SQLite's own word for a directory is that it cannot open it, as for a missing permission.
if (file?.isDirectory()) exit(openFailure(Object.assign(new Error(), { code: 'EISDIR' }), source)!);
if (!file || (file.isFile() && file.size === 0))
  exit(`There is no database at ${source}${file ? ' (the file is empty)' : ''}; set DATABASE_PATH to the server's (default ./data/kpi.sqlite).`);
// SQLite finds the database's log, its index and its journal by name beside it (beside the file a link names), as
// the server its lock and a restore its copy and plan: a copy written under one of those names is taken for that
// file, and removed (the next connection to open the database, the next restore) or overwritten.
const sourceNames = [resolve(source), realpathSync(source)];
if (BESIDE_DATABASE.some((suffix) => sourceNames.some((name) => target === `${name}${suffix}`)))
  exit(`${target} is a file kept beside the database at ${source}: name a file of its own.`);
if (existsSync(target)) exit(`${target} exists already: name a new file (a backup never overwrites one).`);

/** The bytes the copy will take: the database's pages in use (VACUUM leaves out the free ones). */
const expected = orExit(
  () => {
    const sqlite = new Database(source, { fileMustExist: true });
    try {
      refuseForeign(sqlite);
      // A SQLite file with no tables at all (not another application's either): nothing of Floorboard's to copy.
      if (!holdsEvents(sqlite))
        exit(`${source} holds no Floorboard tables (a new, empty SQLite file?): there is nothing to back up; set DATABASE_PATH to the server's.`);
      const pragma = (name: string) => sqlite.pragma(name, { simple: true }) as number;
      return pragma('page_size') * (pragma('page_count') - pragma('freelist_count'));
    } finally {
      sqlite.close();
    }
  },
  (err) => openFailure(err, source)
);
orExit(
  () => mkdirSync(dirname(target), { recursive: true }),
  (err) => writeFailure(err, target, `Cannot write ${target}: ${(err as Error).message}.`)
);
const partial = `${target}.partial`;
/** The partial copy and the rollback journal SQLite keeps beside it while it writes. */
const removePartial = () => [partial, `${partial}-journal`].forEach((f) => rmSync(f, { force: true }));

/** Whether the partial copy is this backup's to remove (until made, one there is another backup's). */
let ours = false;
// Before the partial copy is made: a signal in between would end the process and leave it, for the next
// backup to the same name to refuse.
stopOnSignals(() => { if (ours) removePartial(); }, 'no backup written (the partial copy is removed).');
// Made here, empty (VACUUM INTO writes into an empty file), and only where no file has its name: one there is
// another backup's to the same name, still copying (a cron entry run again before the last finished), and
// removing it made both fail. Left by a backup killed outright, it is for the operator to delete.
orExit(
  () => closeSync(openSync(partial, 'wx')),
  (err) =>
    (err as NodeJS.ErrnoException).code === 'EEXIST'
      ? `${partial} exists: another backup to ${target} is running, or one was killed before it could remove it; once none runs, delete it.`
      : writeFailure(err, partial, `Backup failed, nothing written: ${partial} cannot be written (${(err as Error).message}): check that this user may write in ${dirname(target)}.`)
);
ours = true;
rmSync(`${partial}-journal`, { force: true });

console.log(`Backing up ${source} (${size(expected)} in use) to ${target}…`);
const result = await copyDatabase(source, partial, { expected, readOnly: false });
if (result.kind === 'failed') {
  removePartial();
  const why =
    result.code === 'SQLITE_FULL'
      ? `the disk holding ${dirname(target)} is full (the copy needs ${size(expected)})`
      : result.code === 'SQLITE_CANTOPEN'
        ? `${partial} cannot be written (${result.message}): check that this user may write in ${dirname(target)}`
        : // openFailure's sentence without its opening and full stop: the database did open, and this one ends in one.
          (openFailure(result, source)?.replace(/^Cannot open the database: (.*)\.$/s, '$1') ?? result.message);
  exit(`Backup failed, nothing written: ${why}.`, 1);
}
if (result.sound !== 'ok') {
  removePartial();
  exit(`Backup failed, nothing written: the copy failed SQLite's quick_check (${result.sound}); the disk may be failing.`, 1);
}
// A link, not a rename: a rename replaces a file given the target's name while it copied (a second backup to the
// same name), and a link refuses to. A file system without links (FAT, some network shares) gets the rename,
// after one more look.
const taken = () => (removePartial(), `${target} exists already: name a new file (a backup never overwrites one).`);
orExit(
  () => {
    try {
      linkSync(partial, target);
      removePartial();
    } catch (err) {
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      if (existsSync(target)) throw err;
      renameSync(partial, target);
    }
  },
  (err) => ((err as NodeJS.ErrnoException).code === 'EEXIST' || existsSync(target) ? taken() : null)
);
// The copy's pages SQLite syncs as it writes them (VACUUM INTO takes its connection's synchronous setting, FULL in
// backup-copy.mjs); its name, an entry in the directory, is synced here before "Done".
syncDirectory(dirname(target));
console.log(`Done in ${seconds()} s: ${target}, ${size(statSync(target).size)}, ${counted(result.events, 'event')}; SQLite's quick_check finds it sound.`);
process.exit(0);
