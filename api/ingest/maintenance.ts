// The database's own chores beside ingest: the backlog sample every minute, summing up stale hour, day and
// week rollups once ingest has stopped writing them (rollup-compaction.ts, checked every 2 s), replaying the
// subjects whose events stamped ahead of the clock have come (every second), and folding the WAL back every
// 30 s. They write, so they run where the writes run: on the writer thread in the server (writer-thread.ts),
// so the main thread never waits for the write lock, or in this thread for the CLI and tests. Either way a
// timer fires between two transactions, never inside one.
import { checkpoint, checkpointsOwn, type Db } from '../../db/open';
import { startBacklogSampler } from '../live/backlog-sampler';
import { failureLog } from './failure-log';
import { compactRollups } from './rollup-compaction';

const CHECKPOINT_EVERY_MS = 30_000;
const UPCOMING_EVERY_MS = 1_000;
const COMPACT_EVERY_MS = 2_000;
/**
 * A round sums buckets for this long at most (one at least): ingest waits for it. Rounds of 24 buckets after a
 * 3-day backfill at 2,000 tickets an hour took 170–220 ms each, a stall of every acknowledgement and of the wall.
 */
const COMPACT_MAX_MS = 30;
/** After a round that summed something, the next comes this soon: a backlog of buckets is caught up in short rounds. */
const COMPACT_AGAIN_MS = 250;
/**
 * A bucket is summed once ingest has not marked it for this long: a backfill, or a burst of late events, marks
 * the same day and hours in every commit, and summing them again every round while they filled cost batched
 * ingest a tenth of its throughput (8 clients, 7 alternating pairs: 45,200 against 50,200 events/s).
 */
const COMPACT_QUIET_MS = 10_000;
/** Or once it has waited this long since its first mark: a bucket marked without pause is still summed each minute. */
const COMPACT_MAX_WAIT_MS = 60_000;

/**
 * How long the periodic checkpoint waits for readers on an older snapshot. The server's own queries end within
 * it; a long read (a backup, a sqlite3 shell left in a transaction) does not, and waiting the connection's busy
 * timeout (5 s) for it held every commit and acknowledgement behind it for 5 s, every 30 s, while it stayed.
 */
const CHECKPOINT_WAIT_MS = 100;

/**
 * The checkpoint every CHECKPOINT_EVERY_MS, on the thread that writes; the next tries again what this gave up.
 * Skipped while the connection's own checkpoints are off (ownCheckpoints in db/open.ts): the checkpointer
 * thread is copying back a WAL a long reader held, which this would otherwise copy on the writer's thread.
 */
export function periodicCheckpoint(db: Db): void {
  if (checkpointsOwn(db)) checkpoint(db, { waitMs: CHECKPOINT_WAIT_MS });
}


/**
 * Starts the chores; the returned function stops them. `replayDue` (the ingest service's) brings the backlog
 * up to now for events that were stamped ahead of the clock; `onReplayed` hears when that changed something.
 */
export function startMaintenance(db: Db, now: () => number, replayDue: (now: number) => number, onReplayed: () => void): () => void {
  const stopSampler = startBacklogSampler(db.$client, now);
  const checkpointLog = failureLog('WAL checkpoint', 'it is tried every 30 s, and autocheckpoints still bound the WAL meanwhile.');
  const timer = setInterval(() => {
    try {
      periodicCheckpoint(db);
      checkpointLog.worked();
    } catch (err) {
      checkpointLog.failed(err);
    }
  }, CHECKPOINT_EVERY_MS);
  timer.unref();
  const compactionLog = failureLog('rollup compaction', 'it is tried every 2 s, and queries read the buckets it has not summed from finer rows meanwhile.');
  let compaction: NodeJS.Timeout;
  const compactRound = () => {
    let again = false;
    try {
      const t = now();
      // Only buckets that have ended: the current hour and day would be summed again every round while they fill
      // (18 ms and 45 ms at 1M tickets), and a window covering them reads at most 12 and 24 finer rows instead.
      const r = compactRollups(db.$client, { maxMs: COMPACT_MAX_MS, endedBy: t, lastMarkBy: t - COMPACT_QUIET_MS, firstMarkBy: t - COMPACT_MAX_WAIT_MS, now: t });
      again = r.hours + r.days + r.weeks > 0 && r.left > 0;
      // Works again once a round ends with nothing it could do left. On a full disk a slow round, cut short after a
      // few buckets, can fit in the pages left free between rounds that fail: the log said "works again" and the
      // failure again, round after round.
      if (!again) compactionLog.worked();
    } catch (err) {
      compactionLog.failed(err);
    }
    compaction = setTimeout(compactRound, again ? COMPACT_AGAIN_MS : COMPACT_EVERY_MS);
    compaction.unref();
  };
  compaction = setTimeout(compactRound, COMPACT_EVERY_MS);
  compaction.unref();
  const upcomingLog = failureLog(
    'replaying events whose time has come',
    'it is tried every second, and the backlog keeps its state as of those events’ arrival meanwhile.'
  );
  const upcoming = setInterval(() => {
    try {
      if (replayDue(now()) > 0) onReplayed();
      upcomingLog.worked();
    } catch (err) {
      upcomingLog.failed(err);
    }
  }, UPCOMING_EVERY_MS);
  upcoming.unref();
  return () => {
    stopSampler();
    clearInterval(timer);
    clearTimeout(compaction);
    clearInterval(upcoming);
  };
}
