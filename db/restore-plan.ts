// What npm run restore (api/cli/restore.ts) leaves beside the database while it renames files: a database and
// its write-ahead log cannot be swapped for a backup in one step. Killed between the renames, a restore left no
// file at DATABASE_PATH (the next start made a new, empty database, its numbers all zero) or a -wal beside a file
// it was not written for (SQLite would have replayed it onto that file). The plan says what the renames were to
// be; until it is gone, servers, rebuilds and backups refuse the database, and npm run restore finishes them.
import { closeSync, existsSync, fsyncSync, lstatSync, openSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The files SQLite keeps for a database at a path: the database itself, its log, the log's index, its journal. */
export const SIDE_FILES = ['', '-wal', '-shm', '-journal'] as const;

/**
 * The suffixes of every file kept beside a database: a restore's checked copy and its journal, a restore's plan,
 * the server's lock and its journal, and SQLite's own. A backup written under one of these names is taken for
 * that file, and removed or overwritten (a restore clears `.restoring` before copying).
 */
export const BESIDE_DATABASE = ['.restoring', '.restoring-journal', '.restore-plan', '.server-lock', '.server-lock-journal', '-wal', '-shm', '-journal'] as const;

export interface RestorePlan {
  /** The backup, as named to npm run restore. */
  from: string;
  /** The checked copy of it, to take the database's name. */
  restoring: string;
  /** The name the database's files are moved to, each with its suffix. */
  replaced: string;
}

/**
 * The file a database path names: SQLite follows a link to the file it names and keeps its -wal beside that file,
 * so that file is the one a restore replaces (a data volume, say), and the one the plan sits beside.
 */
export function linkedFile(path: string): string {
  let file = resolve(path);
  for (let hops = 0; hops < 40 && lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink(); hops++)
    file = resolve(dirname(file), readlinkSync(file));
  return file;
}

/** Where the plan of a restore into the database at `path` is kept. */
export const planPath = (path: string) => `${linkedFile(path)}.restore-plan`;

/** Thrown for a database a restore is part way through replacing: its message says what to do. */
class UnfinishedRestore extends Error {
  readonly code = 'FLOORBOARD_RESTORE';
}

/**
 * The plan of a restore into the database at `path` that has not finished; null when there is none. Throws
 * (FLOORBOARD_RESTORE) for one that cannot be read, edited by hand, say: what the renames were is then unknown.
 */
export function unfinishedRestore(path: string): RestorePlan | null {
  const file = planPath(path);
  if (!existsSync(file)) return null;
  try {
    const text = readFileSync(file, 'utf8');
    // Made but not yet written (killed, or the machine went down, before it was synced): no rename comes before
    // that, so the database is as it was. Taken for unreadable, it kept every server off it, with no way to finish.
    if (text === '') return null;
    const plan = JSON.parse(text) as Partial<RestorePlan> | null;
    if (typeof plan?.from === 'string' && typeof plan.restoring === 'string' && typeof plan.replaced === 'string') return plan as RestorePlan;
  } catch {
    // Said below.
  }
  throw new UnfinishedRestore(
    `${file}, the plan of a restore into ${linkedFile(path)} that stopped part way, cannot be read: put the files it names back by hand, then delete it`
  );
}

/** Throws (FLOORBOARD_RESTORE) while a restore into the database at `path` has not finished. */
export function refuseUnfinishedRestore(path: string): void {
  const plan = unfinishedRestore(path);
  if (plan)
    throw new UnfinishedRestore(
      `a restore of ${plan.from} into ${linkedFile(path)} stopped before it had put it in place: run npm run restore to finish it ` +
        `(the database it replaces is kept as ${plan.replaced})`
    );
}

/** Writes `data` to `file` and makes it, and its name in the directory, durable before returning. */
function durably(file: string, data: string): void {
  writeFileSync(file, data); // over an empty one only (unfinishedRestore): npm run restore finished any other first
  const fd = openSync(file, 'r');
  fsyncSync(fd);
  closeSync(fd);
  syncDirectory(dirname(file));
}

/** Makes the names in `dir` (a file linked or renamed into it) durable: a power cut can lose a name whose directory was not synced. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Puts `plan.restoring` in place of the database at `target`, moving the database's files to `plan.replaced`
 * first; the plan is written before the first rename and removed after the last, and running this again after a
 * kill at any point finishes the same renames. Returns the suffixes of the files it moved (or an earlier run did).
 */
export function carryOut(target: string, plan: RestorePlan, opts: { written?: boolean } = {}): string[] {
  const file = planPath(target);
  if (!opts.written)
    try {
      durably(file, JSON.stringify(plan));
    } catch (err) {
      // Not written (a full disk), and no file renamed: a plan left empty kept every server off the database, saying
      // to put back by hand files that had not moved.
      rmSync(file, { force: true });
      throw err;
    }
  if (existsSync(plan.restoring)) {
    for (const suffix of SIDE_FILES)
      if (existsSync(target + suffix) && !existsSync(plan.replaced + suffix)) renameSync(target + suffix, plan.replaced + suffix);
    renameSync(plan.restoring, target);
  } else if (!existsSync(target)) {
    // The checked copy is gone (deleted by hand while the restore was stopped) and nothing took the database's
    // place: the restore cannot be finished, and was said to be, and the next start made a new, empty database.
    // The files set aside go back, the database itself last, so that a kill meanwhile leaves this to do again.
    for (const suffix of [...SIDE_FILES].reverse())
      if (existsSync(plan.replaced + suffix) && !existsSync(target + suffix)) renameSync(plan.replaced + suffix, target + suffix);
    syncDirectory(dirname(target));
    rmSync(file, { force: true });
    throw new UnfinishedRestore(
      `${plan.restoring}, the checked copy of ${plan.from} that a stopped restore was putting in place, is gone: the database it was ` +
        `replacing is back at ${target}, and nothing was restored. To restore it, run npm run restore -- --from ${plan.from} again`
    );
  }
  syncDirectory(dirname(target));
  rmSync(file, { force: true });
  return SIDE_FILES.filter((suffix) => existsSync(plan.replaced + suffix));
}
