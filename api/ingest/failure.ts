// Which ingest failures are the sender's to retry: the batch was not stored, through no fault of its own,
// and the same batch sent again in a few seconds will be (ids make a resend safe). POST /api/events answers
// these with 503 and Retry-After; anything else is a bug and stays a 500.

/** The batch was not stored for a passing reason; `message` says what to do. */
export class IngestUnavailable extends Error {
  override readonly name = 'IngestUnavailable';
}

/** Seconds a sender should wait before resending, sent as Retry-After. */
export const RETRY_AFTER_SECONDS = 2;

/** SQLite result codes (better-sqlite3's `code`) that pass, with what the sender should know. */
const PASSING: [prefix: string, message: string][] = [
  ['SQLITE_BUSY', 'The database is busy (another process, such as `npm run rebuild`, holds it); send this batch again in a few seconds.'],
  ['SQLITE_LOCKED', 'The database is busy; send this batch again in a few seconds.'],
  ['SQLITE_FULL', 'The server’s disk is full, so nothing was stored; free space on it, then send this batch again.'],
  ['SQLITE_IOERR', 'The server could not write to its disk, so nothing was stored; send this batch again in a few seconds.'],
  // The file, its directory or its -wal/-shm became read-only to the server (a volume remounted read-only, a
  // restore run as another user): its operator must mend it, and the batches kept by their senders meanwhile.
  ['SQLITE_READONLY', 'The server cannot write its database (it became read-only to the server), so nothing was stored; send this batch again once its operator has mended that.'],
  ['SQLITE_CANTOPEN', 'The server cannot open its database files, so nothing was stored; send this batch again once its operator has mended that.']
];

/** The sender-facing message if `err` passes, or null if it is a bug. */
export function passingFailure(err: unknown): string | null {
  if (err instanceof IngestUnavailable) return err.message;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  return PASSING.find(([prefix]) => code.startsWith(prefix))?.[1] ?? null;
}

/**
 * Another connection holds the database (SQLITE_BUSY once the busy timeout has passed, SQLITE_LOCKED): every
 * batch would wait and fail alike, so a shared transaction refused for it is not retried batch by batch.
 */
export function heldElsewhere(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** An error that crossed from the writer thread as a message, with its SQLite code kept for `passingFailure`. */
export function revive(message: string, code: string | undefined): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}
