// A write on the main thread's connection (an admin's change) waits for the write lock off the event loop.
import type Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { heldElsewhere } from './ingest/failure';

const RETRY_MS = 20;

/**
 * Runs `write` (a transaction begun IMMEDIATE) once no other connection holds the write lock: tried without SQLite's
 * busy wait, then again every few ms until the connection's busy timeout has passed, when its SQLITE_BUSY is thrown.
 * SQLite's own wait sleeps in the thread, and on the main thread that held every request, and the walls' pings,
 * for as long as the writer thread's commit or a backup held the lock (5 s, then a 503).
 */
export async function inWriteTurn<T>(sqlite: Database.Database, write: () => T): Promise<T> {
  const waitMs = sqlite.pragma('busy_timeout', { simple: true }) as number;
  const deadline = Date.now() + waitMs;
  for (;;) {
    sqlite.pragma('busy_timeout = 0');
    try {
      return write();
    } catch (err) {
      if (!heldElsewhere(err) || Date.now() >= deadline) throw err;
    } finally {
      sqlite.pragma(`busy_timeout = ${waitMs}`);
    }
    await sleep(RETRY_MS);
  }
}
