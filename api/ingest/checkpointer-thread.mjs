// The checkpointer thread's body (checkpointer.ts): a PASSIVE checkpoint every 1.5 s. One that finds the
// checkpoint lock taken (the writer's own checkpoint) or nothing new in the WAL returns at once.
//
// It also tells the main thread when the WAL has outgrown what the writer's checkpoints keep it to: a reader
// holding an old snapshot (a backup, a sqlite3 shell left in BEGIN) stopped them from resetting it. The writer
// then leaves its own checkpoints off (db/open.ts, ownCheckpoints) and this thread copies the WAL back once the
// reader lets go, round after round until a round finds little left or no longer halves what is left
// (wal-catch-up.mjs); before, the writer's first commit after the reader did all of it, and held every
// acknowledgement meanwhile.
//
// Plain JavaScript with better-sqlite3 alone, unlike the writer thread: it needs no TypeScript loader, schema or
// migrations, so starting it takes a few milliseconds instead of compiling those again on a core the first
// requests need. The file is in WAL mode already (db/open.ts made it so); the checkpoint syncs as NORMAL does.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { NotTheServersFile, openSameFile } from '../../db/same-file.mjs';
import { afterRound, catchUpStart } from './wal-catch-up.mjs';

/**
 * Every 1.5 s. Every 0.5 s, hot pages (open tickets, rollups) were copied three times as often, and the copying
 * took its CPU from the cores the writer needs: 8 batched clients on a fresh server measured ~10 % slower (6
 * alternating pairs). At 1.5 s it measured as without the thread (3 pairs), and the acknowledgement and
 * event-to-screen tails stayed as short as at 0.5 s (README.md, Benchmarks).
 */
const EVERY_MS = 1_500;

/** Started late (the machine busy as the server listens), the file at the name may no longer be the server's. */
function open() {
  if (workerData.sameFileAs === undefined) return new Database(workerData.path);
  try {
    return openSameFile(workerData.path, workerData.sameFileAs);
  } catch (err) {
    if (!(err instanceof NotTheServersFile)) throw err;
    parentPort.postMessage({ refused: err.message });
    return null;
  }
}
const sqlite = open();
if (!sqlite) process.exit(0);
sqlite.pragma('synchronous = NORMAL');
/** Bytes a WAL frame takes: a page and its 24-byte header. */
const FRAME_BYTES = sqlite.pragma('page_size', { simple: true }) + 24;
/** The failure last written, so one that repeats every 1.5 s (a full disk) is written once, and its end too. */
let failing = null;
/** Whether the writer leaves its checkpoints to this thread, and what it learnt from the last round (wal-catch-up.mjs). */
let catchUp = catchUpStart();
let timer = setTimeout(round, EVERY_MS);

function round() {
  timer = setTimeout(round, checkpointOnce() ? 0 : EVERY_MS);
}

/** One PASSIVE checkpoint; true when the next should follow at once. */
function checkpointOnce() {
  let result;
  try {
    [result] = sqlite.pragma('wal_checkpoint(PASSIVE)');
    if (failing) console.warn('WAL checkpoints work again.');
    failing = null;
  } catch (err) {
    if (failing !== err.message)
      console.error(`WAL checkpoint (PASSIVE) failed (${err.code ?? 'no code'}: ${err.message}); it is tried every 1.5 s, and the WAL file grows meanwhile.`);
    failing = err.message;
    return false;
  }
  const { state, ownCheckpointsOff, again } = afterRound(catchUp, result);
  catchUp = state;
  if (ownCheckpointsOff !== null) parentPort.postMessage({ ownCheckpointsOff, walBytes: result.log * FRAME_BYTES });
  return again;
}

parentPort.on('message', () => {
  clearTimeout(timer);
  sqlite.close();
  parentPort.close();
});
