// The database's -wal and -shm, which the server's connections hold open for as long as it runs. Deleted under it (by
// hand, or by a cleaner of old files in /tmp such as systemd-tmpfiles), SQLite goes on without a word in files no
// other program sees; only closing every connection (a restart) mends that.
import { statSync } from 'node:fs';

const WHY: Record<string, string> = {
  '-wal': 'the server writes on into the deleted file, which no other program sees, and a crash would lose what it has not yet copied into the database',
  '-shm': "other programs on the database (npm run backup, a sqlite3 shell) no longer see the server's locks, and may read it torn or damage it"
};

/** The file's identity (device and inode), or null when there is none. */
function identity(file: string): string | null {
  const s = statSync(file, { throwIfNoEntry: false, bigint: true });
  return s ? `${s.dev}:${s.ino}` : null;
}

/**
 * Notes the -wal and -shm beside the database at `path` as they are now (call it once the connections have opened
 * them); the function returned says, from when it was first found, that one was deleted or replaced since, and what to
 * do, or null.
 */
export function watchSideFiles(path: string, now: () => number = Date.now): () => { since: number; message: string } | null {
  if (path === ':memory:') return () => null;
  const noted = Object.keys(WHY).map((side) => ({ side, file: `${path}${side}`, id: identity(`${path}${side}`) }));
  let found: { since: number; message: string } | null = null;
  return () => {
    if (found) return found;
    const gone = noted.find((n) => n.id !== null && identity(n.file) !== n.id);
    if (gone)
      found = {
        since: now(),
        message: `${gone.file} was deleted while the server ran: ${WHY[gone.side]}. Nothing is lost yet: stop and start the server (a stop copies everything into the database), and until then run no other program on the database.`
      };
    return found;
  };
}
