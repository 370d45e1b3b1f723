// Once a minute, writes the backlog of the whole centre and of each team into backlog_samples.
import type Database from 'better-sqlite3';
import { getBacklog } from '../queries/getBacklog';

export const MINUTE_MS = 60_000;

export function sampleBacklog(sqlite: Database.Database, now: number): void {
  // A database where no ticket or callback counts yet has no backlog to chart; a zero sampled before a backfill
  // would draw a false cliff. (Every ticket and callback that counts has a fact: its creation or schedule.)
  if (!sqlite.prepare('SELECT EXISTS (SELECT 1 FROM facts)').pluck().get()) return;
  const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const teams = sqlite.prepare("SELECT DISTINCT team FROM open_tickets WHERE team IS NOT NULL UNION SELECT DISTINCT team FROM pending_callbacks WHERE team IS NOT NULL").pluck().all() as string[];
  const insert = sqlite.prepare(
    `INSERT OR REPLACE INTO backlog_samples (minute, team, open, unassigned, unattended, callbacks_pending, callbacks_overdue)
     VALUES (?, ?, ?, ?, ?, ?, ?)`
  );
  // IMMEDIATE: the writer thread commits beside this connection, and a deferred transaction that read
  // before it wrote would fail at once (SQLITE_BUSY) instead of waiting its turn.
  sqlite
    .transaction(() => {
      for (const team of ['', ...teams]) {
        const b = getBacklog(sqlite, team === '' ? {} : { team }, now);
        insert.run(minute, team, b.open, b.unassigned, b.unattended, b.callbacksPending, b.callbacksOverdue);
      }
    })
    .immediate();
}

export function startBacklogSampler(sqlite: Database.Database, now: () => number): () => void {
  const sample = () => {
    try {
      sampleBacklog(sqlite, now());
    } catch (err) {
      // A missed sample leaves a one-minute gap in the backlog chart; the next minute tries again.
      console.error('backlog sample failed:', err);
    }
  };
  sample();
  let timer: NodeJS.Timeout;
  const schedule = () => {
    // Aligned to the minute, so samples land on round minutes.
    timer = setTimeout(() => {
      sample();
      schedule();
    }, MINUTE_MS - (now() % MINUTE_MS) + 50);
    timer.unref();
  };
  schedule();
  return () => clearTimeout(timer);
}
