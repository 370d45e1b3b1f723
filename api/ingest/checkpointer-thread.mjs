// The checkpointer thread's body (checkpointer.ts): a PASSIVE checkpoint every 1.5 s. One that finds the
// checkpoint lock taken (the writer's own checkpoint) or nothing new in the WAL returns at once.
//
// Plain JavaScript with better-sqlite3 alone, unlike the writer thread: it needs no TypeScript loader, schema or
// migrations, so starting it takes a few milliseconds instead of compiling those again on a core the first
// requests need. The file is in WAL mode already (db/open.ts made it so); the checkpoint syncs as NORMAL does.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * Every 1.5 s. Every 0.5 s, hot pages (open tickets, rollups) were copied three times as often, and the copying
 * took its CPU from the cores the writer needs: 8 batched clients on a fresh server measured ~10 % slower (6
 * alternating pairs). At 1.5 s it measured as without the thread (3 pairs), and the acknowledgement and
 * event-to-screen tails stayed as short as at 0.5 s (README.md, Benchmarks).
 */
const EVERY_MS = 1_500;

const sqlite = new Database(workerData.path);
sqlite.pragma('synchronous = NORMAL');
/** The failure last written, so one that repeats every 1.5 s (a full disk) is written once, and its end too. */
let failing = null;
const timer = setInterval(() => {
  try {
    sqlite.pragma('wal_checkpoint(PASSIVE)');
    if (failing) console.warn('WAL checkpoints work again.');
    failing = null;
  } catch (err) {
    if (failing === err.message) return;
    failing = err.message;
    console.error(`WAL checkpoint (PASSIVE) failed (${err.code ?? 'no code'}: ${err.message}); it is tried every 1.5 s, and the WAL file grows meanwhile.`);
  }
}, EVERY_MS);

parentPort.on('message', () => {
  clearInterval(timer);
  sqlite.close();
  parentPort.close();
});
