// The writer thread: one write connection and one ingest service; each message is one transaction.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../../db/open';
import { createIngestService } from '../ingest/ingest';
import { defaultTargets } from '../kpi/targets';
import type { WriterReply, WriterRequest } from './writer';

const db = openDb(workerData.dbPath as string, { migrate: false, autoCheckpoint: false });
const ingest = createIngestService(db.$client, { targetSec: defaultTargets, now: Date.now });
const port = parentPort!;

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
});
port.postMessage({ id: 0 } satisfies WriterReply);
