// The server's watch on its database file and its -wal and -shm (db/side-files.ts), looked at every few seconds so
// the log says it whether or not a monitor asks /api/health. One found gone, batches are refused (their senders keep
// them) and what the server holds is saved where the next start reads it: the database itself copied back to its
// name; a deleted -wal or -shm, copied into the database file by a checkpoint of the connection that has it open.
import { existsSync } from 'node:fs';
import { checkpoint, type Db } from '../db/open';
import { SIDE_FILES } from '../db/restore-plan';
import { identity, type SideFileGone } from '../db/side-files';
import { warnNowAndThen } from './answers';
import { IngestUnavailable } from './ingest/failure';
import type { GroupCommit } from './ingest/group-commit';
import type { Runtime } from './runtime';

const LOOK_EVERY_MS = 5_000;

export interface DeletionWatch {
  /** Looks now (for /api/health) and starts the save a finding needs; its message says how the save stands. */
  look(): SideFileGone | null;
  /** What the last look found, without looking (for every batch). */
  found(): SideFileGone | null;
  /** Once the save under way is done: whether every batch committed is where the next start reads it. */
  saved(): Promise<boolean>;
  /** At a stop, once nothing commits: looks once more, and waits for a save under way. */
  stop(): Promise<void>;
}

export function watchDeletion(rt: Pick<Runtime, 'db' | 'commits' | 'sideFiles' | 'stopChores'>, path: string): DeletionWatch {
  let saving: Promise<boolean> | null = null;
  /** How the last save ended; null while one is under way. */
  let saved: boolean | null = null;
  /** The copy's identity once made: deleted in its turn, it is made again. */
  let copied: string | null = null;
  const copyGone = () => copied !== null && identity(path) !== copied;
  /** Where what the server holds of a database file replaced under it is kept. */
  let aside: string | null = null;
  /** The finding the save under way is for: the database itself found gone after a side file needs a save of its own. */
  let savingFor: SideFileGone | null = null;
  const save = (gone: SideFileGone) => {
    const again = savingFor === gone;
    if (gone.side === '' && gone.replaced) {
      if (again) return;
      aside = asideName(path, gone.since);
      saving = keepAside(rt, path, aside);
    } else if (gone.side === '') {
      if (again && !copyGone()) return;
      if (again) console.error(`${path}, copied back, was deleted again: the server copies it back again.`);
      copied = null;
      saving = copyBack(rt.db, rt.commits, path).then((made) => {
        if (made) copied = identity(path);
        return made;
      });
      // A side file's save that failed (a reader holding an old snapshot) is tried again at the next look.
    } else if (!again || saved === false) saving = copyIn(rt.db, rt.commits, path, gone.file);
    else return;
    savingFor = gone;
    saved = null;
    const current = saving;
    void current.then((ok) => {
      if (saving === current) saved = ok;
    });
  };
  const check = () => {
    const gone = rt.sideFiles?.check() ?? null;
    if (!gone) return null;
    warnNowAndThen(gone.message, console.error);
    // What a batch committed now would be stored in is lost at a crash (a side file) or at the stop (the database).
    rt.commits.refuse(new IngestUnavailable(gone.message));
    save(gone);
    return gone;
  };
  const timer = setInterval(check, LOOK_EVERY_MS);
  timer.unref();
  return {
    look() {
      const gone = check();
      return gone && { ...gone, message: `${gone.message} ${standing(gone, saved, aside ?? path)}` };
    },
    found: () => rt.sideFiles?.found() ?? null,
    saved: () => saving ?? Promise.resolve(true),
    async stop() {
      clearInterval(timer);
      // Deleted since the last look, or its save under way: closed first, what the deleted file holds went with it,
      // and the next start made an empty database. Nothing commits now, so the save has it all.
      if (check()) await saving;
    }
  };
}

/** How the save of what the server holds (to `where`) stands, in a sentence for /api/health. */
function standing(gone: SideFileGone, saved: boolean | null, where: string): string {
  const what = gone.side !== '' ? 'copied into the database file' : gone.replaced ? 'kept beside the new file' : 'copied back';
  if (saved === null) return `It is being ${what}.`;
  if (saved) return `It is ${what}: every batch acknowledged is in ${where}.`;
  return `It could not be ${what}: the log says what to do.`;
}

/** The name `npm run restore` gives the database it replaces (api/cli/restore.ts), one none of whose files exists. */
function asideName(path: string, at: number): string {
  const stamp = new Date(at).toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  let aside = `${path}.replaced-${stamp}`;
  for (let n = 2; SIDE_FILES.some((suffix) => existsSync(aside + suffix)); n++) aside = `${path}.replaced-${stamp}-${n}`;
  return aside;
}

/**
 * Keeps what the server's connection sees of its database, replaced under it by another file, as `aside`, once the
 * batches let in before that was found are committed; the new file is left as its operator put it there. The server's
 * -wal, beside the new file now, is emptied into the file it opened: a crash would leave its pages to be read as the
 * new file's at the next start. So the writer thread's chores stop first, for good: one committed after (a ticket
 * stamped ahead of the clock come due) left an open ticket in the new file, of which it had no event.
 */
async function keepAside({ db, commits, stopChores }: Pick<Runtime, 'db' | 'commits' | 'stopChores'>, path: string, aside: string): Promise<boolean> {
  try {
    await commits.settled();
    await stopChores?.();
    await db.$client.backup(aside);
    checkpoint(db);
    console.error(
      `What the server held of ${path}, every batch acknowledged, is kept as ${aside}; ${path}, the file put in its place, is left as it is: stop and start the server to open it. To go back to what the server held instead, stop it and run npm run restore -- --from ${aside}.`
    );
    return true;
  } catch (err) {
    console.error(
      `What the server held of ${path} could not be kept as ${aside} (${(err as Error).message}): do not stop the server; copy the file it opened from /proc/${process.pid}/fd (ls -l shows it as "${path} (deleted)") to another name, then stop and start it.`
    );
    return false;
  }
}

/**
 * Copies what the server's connections wrote to a deleted -wal (or with a deleted -shm) into the database file, once
 * the batches let in before the deletion was found are committed: a checkpoint through the main connection, which
 * still has the files open. A new connection would make new ones, empty, beside the database.
 */
async function copyIn(db: Db, commits: GroupCommit, path: string, file: string): Promise<boolean> {
  try {
    await commits.settled();
    if (!checkpoint(db)) throw new Error('a reader holds an old snapshot of the database: a backup, or a sqlite3 shell left in a transaction');
    console.error(`Every batch acknowledged is in ${path} now, copied from the deleted ${file}: a crash of the server loses none of them. Stop and start the server to take batches again.`);
    return true;
  } catch (err) {
    warnNowAndThen(
      `What the server holds could not be copied from the deleted ${file} into ${path} (${(err as Error).message}); it tries again every 5 s. Until it is, stop the server only cleanly (SIGTERM, as npm stop or docker stop send), which copies it; a crash or SIGKILL would lose it.`,
      console.error
    );
    return false;
  }
}

/**
 * Copies what the server's connection sees of its (deleted) database to `path`, through SQLite's online backup, once
 * the batches let in before the deletion was found are committed: one committed after the copy was answered 200 and
 * gone at the next start. The -wal is emptied into the deleted file first: SQLite, opening the new, empty file, deletes
 * the -wal beside it. A thread of the server's that opened the copy then (the scan thread, started late) made a new
 * one and reset the -shm the server's connections share, after which they saw the deleted file alone, and a copy made
 * again from them (the copy deleted in its turn, or at the stop) held none of what the -wal held. The threads keep to
 * the file the server opened now (db/same-file.mjs); the -wal is emptied first all the same.
 */
async function copyBack(db: Db, commits: GroupCommit, path: string): Promise<boolean> {
  try {
    await commits.settled();
    checkpoint(db);
    await db.$client.backup(path);
    console.error(`${path} is copied back, with every batch acknowledged: stop and start the server, which opens it again.`);
    return true;
  } catch (err) {
    console.error(`${path} could not be copied back (${(err as Error).message}): do not stop the server; copy the deleted file from /proc/${process.pid}/fd (ls -l shows it as "${path} (deleted)") to ${path}, then stop and start it.`);
    return false;
  }
}

/**
 * An admin's change refused once a file of the database was found deleted or replaced (`nothingChanged` says which
 * change): committed after the save of what the server held, it would be in a file the restart does not open, or in a
 * -wal a crash takes with it, and the admin, told it was saved, found it gone. Its `error` is not "unavailable" (the
 * database busy, worth saving again in a few seconds): only a restart of the server lets the change be saved.
 */
export function changeRefused(gone: SideFileGone, nothingChanged: string): { error: 'restart_needed'; message: string } {
  return {
    error: 'restart_needed',
    message: `${gone.file} was ${gone.replaced ? 'replaced by another file' : 'deleted'} while the server ran, and a change saved now would be lost when it restarts: ${nothingChanged}. Stop and start the server once its log says what it held is saved, then save again.`
  };
}
