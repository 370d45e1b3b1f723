// The server's watch on its database file and its -wal and -shm (db/side-files.ts), looked at every few seconds so
// the log says it whether or not a monitor asks /api/health; and, the database itself deleted, the copy back of what
// the server holds to its name, where the next start opens it.
import { identity, type SideFileGone } from '../db/side-files';
import type { Db } from '../db/open';
import { warnNowAndThen } from './answers';
import type { GroupCommit } from './ingest/group-commit';
import type { Runtime } from './runtime';

const LOOK_EVERY_MS = 5_000;

export interface DeletionWatch {
  /** Looks now (for /api/health), and starts a copy back the database needs. */
  look(): SideFileGone | null;
  /** What the last look found, without looking (for every batch). */
  found(): SideFileGone | null;
  /** At a stop, once nothing commits: looks once more, and waits for a copy back under way. */
  stop(): Promise<void>;
}

export function watchDeletion(rt: Pick<Runtime, 'db' | 'commits' | 'sideFiles'>, path: string): DeletionWatch {
  let copying: Promise<unknown> | null = null;
  /** The copy's identity once made: deleted in its turn, it is made again. */
  let copied: string | null = null;
  const copyGone = () => copied !== null && identity(path) !== copied;
  const look = () => {
    const gone = rt.sideFiles?.check() ?? null;
    if (gone) warnNowAndThen(gone.message, console.error);
    // Batches are refused from now on (routes/events.ts); the copy waits for those already let in.
    if (gone?.side === '' && (!copying || copyGone())) {
      if (copying) console.error(`${path}, copied back, was deleted again: the server copies it back again.`);
      copied = null;
      copying = copyBack(rt.db, rt.commits, path).then((made) => void (made && (copied = identity(path))));
    }
    return gone;
  };
  const timer = setInterval(look, LOOK_EVERY_MS);
  timer.unref();
  return {
    look,
    found: () => rt.sideFiles?.found() ?? null,
    async stop() {
      clearInterval(timer);
      // Deleted since the last look, or its copy under way: closed first, what the deleted file holds went with it,
      // and the next start made an empty database. Nothing commits now, so the copy has it all.
      if (look()?.side === '') await copying;
    }
  };
}

/**
 * Copies what the server's connection sees of its (deleted) database to `path`, through SQLite's online backup, once
 * the batches let in before the deletion was found are committed: one committed after the copy was answered 200 and
 * gone at the next start.
 */
async function copyBack(db: Db, commits: GroupCommit, path: string): Promise<boolean> {
  try {
    await commits.settled();
    await db.$client.backup(path);
    console.error(`${path} is copied back, with every batch acknowledged: stop and start the server, which opens it again.`);
    return true;
  } catch (err) {
    console.error(`${path} could not be copied back (${(err as Error).message}): do not stop the server; copy the deleted file from /proc/${process.pid}/fd (ls -l shows it as "${path} (deleted)") to ${path}, then stop and start it.`);
    return false;
  }
}
