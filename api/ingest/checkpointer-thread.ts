// The checkpointer thread's body (checkpointer.ts): a PASSIVE checkpoint every half second. One that finds the
// checkpoint lock taken (the writer's own checkpoint) or nothing new in the WAL returns at once.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../../db/open';

const EVERY_MS = 500;
/** It reads WAL frames and writes database pages directly; the page cache holds only the schema. */
const CACHE_KIB = 1_024;

const db = openDb((workerData as { path: string }).path, { migrate: false, cacheKiB: CACHE_KIB });
const timer = setInterval(() => {
  try {
    db.$client.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    console.error('WAL checkpoint (PASSIVE) failed; the next one tries again:', err);
  }
}, EVERY_MS);

parentPort!.on('message', () => {
  clearInterval(timer);
  db.$client.close();
  parentPort!.close();
});
