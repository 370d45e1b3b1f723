// The database's own chores beside ingest: the backlog sample every minute and folding the WAL back every
// 30 s. They write, so they run where the writes run: on the writer thread in the server (writer-thread.ts),
// so the main thread never waits for the write lock, or in this thread for the CLI and tests. Either way a
// timer fires between two transactions, never inside one.
import { checkpoint, type Db } from '../../db/open';
import { startBacklogSampler } from '../live/backlog-sampler';

const CHECKPOINT_EVERY_MS = 30_000;

/** Starts both chores; the returned function stops them. */
export function startMaintenance(db: Db, now: () => number): () => void {
  const stopSampler = startBacklogSampler(db.$client, now);
  const timer = setInterval(() => {
    try {
      checkpoint(db);
    } catch (err) {
      // Autocheckpoints still bound the WAL; the next tick tries again.
      console.error('WAL checkpoint failed:', err);
    }
  }, CHECKPOINT_EVERY_MS);
  timer.unref();
  return () => {
    stopSampler();
    clearInterval(timer);
  };
}
