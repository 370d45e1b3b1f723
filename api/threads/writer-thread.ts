// The writer thread: one write connection and one ingest service; each message is one transaction.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../../db/open';
import { createIngestService } from '../ingest/ingest';
import { defaultTargets } from '../kpi/targets';
import type { WriterReply, WriterRequest } from './writer';

const db = openDb(workerData.dbPath as string, { migrate: false, autoCheckpoint: false });
const ingest = createIngestService(db.$client, { targetSec: defaultTargets, now: Date.now });
const port = parentPort!;

/**
 * The checkpointer thread copies the WAL into the database, but SQLite only restarts the WAL from the top
 * when every frame is copied before the writer's next transaction, which a busy writer never allows. So the
 * writer finishes the job about once a second, between transactions: the few frames the checkpointer has not
 * reached yet.
 */
const RESTART_WAL_EVERY_MS = 1000;
let lastCheckpoint = Date.now();
function letWalRestart(): void {
  if (Date.now() - lastCheckpoint < RESTART_WAL_EVERY_MS) return;
  db.$client.pragma('wal_checkpoint(PASSIVE)');
  lastCheckpoint = Date.now();
}

port.on('message', (req: WriterRequest) => {
  let reply: WriterReply;
  if ('close' in req) {
    db.$client.close();
    reply = { id: req.id, results: [] };
  } else {
    try {
      reply = { id: req.id, results: ingest.ingestBatches(req.batches) };
    } catch (err) {
      reply = { id: req.id, error: (err as Error).message };
    }
  }
  port.postMessage(reply);
  if (!('close' in req)) letWalRestart();
});
port.postMessage({ id: 0 } satisfies WriterReply);
