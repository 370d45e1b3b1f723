// The one database file a server opened, to which every thread it starts later must keep: the writer (again after one
// ended), the checkpointer, the scan thread. The file at the database's name may be another by then (a backup restored
// by hand over it, `mv other.sqlite kpi.sqlite`), beside the -wal and -shm the server still writes in. A connection on
// that other file in the same process sees no lock of another process on the -shm, so SQLite empties it and reads the
// server's -wal as the new file's: the server died of a bus error (its threads' mapping of the -shm cut short under
// them), a scan answered from the new file, and a checkpoint copied the server's pages into it.
//
// Plain JavaScript, so that the checkpointer thread (plain JavaScript too) uses it as the TypeScript threads do.
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';

/**
 * The file's identity (device and inode), or null when there is none to be reached at its name.
 * @param {string} file
 * @returns {string | null}
 */
export function identity(file) {
  try {
    const s = statSync(file, { throwIfNoEntry: false, bigint: true });
    return s ? `${s.dev}:${s.ino}` : null;
  } catch {
    // Its directory now a file (ENOTDIR), a loop of links (ELOOP), a directory this user may no longer enter (EACCES):
    // the file is gone from its name as surely as deleted, and thrown from the look every 5 s, it ended the process.
    return null;
  }
}

/** Refused: the file at the database's name is no longer the one the server opened. */
export class NotTheServersFile extends Error {
  /**
   * @param {string} path
   * @param {boolean} replaced another file is at the name (else none is)
   */
  constructor(path, replaced) {
    super(
      `${path} is no longer the file the server opened (${replaced ? 'replaced by another file' : 'deleted'} while it ran), so no connection of the server is opened on it: stop and start the server, which opens what is there now.`
    );
    this.code = 'FLOORBOARD_NOT_THE_SERVERS_FILE';
  }
}

/**
 * A connection on `path`, once it is the file whose identity is `opened`; otherwise none, and NotTheServersFile.
 * Opening reads nothing (the -wal and -shm are opened at the first read), so a connection on another file is closed
 * before it touches them. The file must exist: a thread never makes the database (the main connection did).
 * @param {string} path
 * @param {string} opened
 * @returns {Database.Database}
 */
export function openSameFile(path, opened) {
  let sqlite = null;
  try {
    sqlite = new Database(path, { fileMustExist: true });
  } catch (err) {
    if (identity(path) === opened) throw err;
  }
  // Looked at after opening: a file put at the name between the look and the open would otherwise be opened unseen.
  const now = identity(path);
  if (sqlite && now === opened) return sqlite;
  sqlite?.close();
  throw new NotTheServersFile(path, now !== null);
}
