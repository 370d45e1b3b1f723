// The writer thread's body: it owns the one connection that writes events, and runs each group commit's
// transaction (ingest.ts) while the main thread goes on reading requests and answering queries.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../../db/open';
import { defaultTargets } from '../kpi/targets';
import { createIngestService } from './ingest';
import type { WriterReply, WriterRequest } from './writer';

const { path, memoSubjects } = workerData as { path: string; memoSubjects?: number };
const db = openDb(path, { migrate: false });
const ingest = createIngestService(db.$client, { targetSec: defaultTargets, now: Date.now, memoSubjects });
const port = parentPort!;

port.on('message', (m: WriterRequest) => {
  if (m.kind === 'close') {
    db.$client.close();
    port.postMessage({ kind: 'closed' } satisfies WriterReply);
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    reply = { kind: 'committed', id: m.id, results: ingest.ingestBatches(m.batches) };
  } catch (err) {
    reply = { kind: 'failed', id: m.id, message: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
