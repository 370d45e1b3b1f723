// How a chore that runs between transactions (compaction, checkpoints, the backlog sample) says it fails.

/**
 * Logs a chore's failure once, not every round it repeats: a full disk failed compaction every 2 s, and wrote
 * its stack trace to the log 1,800 times an hour. A new failure is written again, and the chore's recovery once.
 */
export function failureLog(chore: string, meanwhile: string) {
  let failing: string | null = null;
  return {
    failed(err: unknown): void {
      const code = (err as { code?: unknown } | null)?.code;
      const message = err instanceof Error ? err.message : String(err);
      if (failing !== message) {
        const line = `${chore} failed (${typeof code === 'string' ? `${code}: ` : ''}${message}); ${meanwhile}`;
        // SQLite's own failures (a full disk, a read-only file) say all in a line; anything else is a bug, with its stack.
        if (typeof code === 'string' && code.startsWith('SQLITE_')) console.error(line);
        else console.error(line, err);
      }
      failing = message;
    },
    worked(): void {
      if (failing !== null) console.warn(`${chore} works again.`);
      failing = null;
    }
  };
}
