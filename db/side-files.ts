// The database file and its -wal and -shm, which the server's connections hold open for as long as it runs. Deleted
// under it (by hand, or by a cleaner of old files in /tmp such as systemd-tmpfiles), or replaced (a restore by hand,
// `mv other.sqlite kpi.sqlite`), SQLite goes on without a word in files no other program sees; only closing every
// connection (a restart) mends that.
import { realpathSync, statSync } from 'node:fs';
import { identity } from './same-file.mjs';

export { identity };

const WHY: Record<string, string> = {
  '': 'the server went on in the deleted file, which goes when it stops. Batches are refused from then on (their senders keep them), and the server copies what it holds back to the same name',
  '-wal': 'the server went on in the file it opened, which no other program sees and which a crash of the server takes with it. Batches are refused from then on (their senders keep them), and the server copies what it holds into the database file',
  '-shm': "other programs on the database (npm run backup, a sqlite3 shell) no longer see the server's locks, and may read it torn or damage it. Batches are refused from then on (their senders keep them), and the server copies what it holds into the database file"
};

/** The database file replaced: the new file is what its operator put there, and nothing of the server's goes over it. */
const REPLACED =
  'the server went on in the file it opened, which no longer has that name and goes when it stops. Batches are refused from then on (their senders keep them), and the server keeps what it holds beside the new file, which it leaves as it is';

/**
 * One of the files deleted or replaced, from when it was first found: which (`side`, '' for the database itself; `file`,
 * its name), whether another file now has its name (`replaced`), and what to do.
 */
export interface SideFileGone {
  side: string;
  file: string;
  replaced: boolean;
  since: number;
  message: string;
}

/** The file's size in bytes, 0 when there is none to be reached. */
function sizeOf(file: string): number {
  try {
    return statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
}

/**
 * Notes the database at `path` and the -wal and -shm beside it as they are now (call it once the connections have
 * opened them). `check()` looks whether one was deleted or replaced since (and after a side file, the database itself);
 * `found()` says what the last check found, without looking (for every batch).
 */
export function watchSideFiles(path: string, now: () => number = Date.now): { check(): SideFileGone | null; found(): SideFileGone | null } {
  let found: SideFileGone | null = null;
  if (path === ':memory:') return { check: () => null, found: () => null };
  // SQLite keeps the -wal and -shm beside the file a link names, not beside the link.
  const real = identity(path) === null ? path : realpathSync(path);
  const noted = Object.keys(WHY).map((side) => ({ side, file: side ? `${real}${side}` : path, id: identity(side ? `${real}${side}` : path) }));
  return {
    check() {
      if (found?.side === '') return found;
      // With a side file gone, the database file is still looked at: deleted in its turn (a cleaner of old files in /tmp
      // takes the -shm first, its time never changed by the writes through its mapping), it must be copied back.
      const gone = noted
        .filter((n) => !found || n.side === '')
        .map((n) => ({ ...n, now: identity(n.file) }))
        .find((n) => n.id !== null && n.now !== n.id);
      if (gone) {
        // An empty file at the name is one SQLite made, opening it after the deletion (a thread of the server's own).
        const replaced = gone.now !== null && sizeOf(gone.file) > 0;
        const why = replaced && gone.side === '' ? `${REPLACED}; stop and start the server once the log says it is kept, and it opens the new file` : `${WHY[gone.side]}; stop and start the server once the log says it is copied`;
        found = {
          side: gone.side,
          file: gone.file,
          replaced,
          since: now(),
          message: `${gone.file} was ${replaced ? 'replaced by another file' : 'deleted'} while the server ran: ${why}, and until then run no other program on the database.`
        };
      }
      return found;
    },
    found: () => found
  };
}
