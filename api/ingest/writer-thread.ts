// The writer thread's body: it owns the one connection that writes events, and runs each group commit's
// transaction (ingest.ts) while the main thread goes on reading requests and answering queries. With
// `maintain`, the backlog sampler and WAL checkpoints run here too, between transactions.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../../db/open';
import { defaultTargets } from '../kpi/targets';
import { createIngestService } from './ingest';
import { startMaintenance } from './maintenance';
import type { FloorEvent } from '../events/schema';
import type { WriterOptions, WriterReply, WriterRequest } from './writer';

const { path, memoSubjects, maintain } = workerData as WriterOptions;
const db = openDb(path, { migrate: false });
const ingest = createIngestService(db.$client, { targetSec: defaultTargets, now: Date.now, memoSubjects });
let stopMaintenance = maintain ? startMaintenance(db, Date.now) : null;
const port = parentPort!;
port.postMessage({ kind: 'ready' } satisfies WriterReply);

port.on('message', (m: WriterRequest) => {
  if (m.kind === 'maintain') {
    stopMaintenance ??= startMaintenance(db, Date.now);
    return;
  }
  if (m.kind === 'close') {
    stopMaintenance?.();
    db.$client.close();
    port.postMessage({ kind: 'closed' } satisfies WriterReply);
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    const batches = m.bodies.map((b) => b.map((text) => JSON.parse(text) as FloorEvent));
    reply = { kind: 'committed', id: m.id, results: ingest.ingestBatches(batches, m.bodies) };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    reply = { kind: 'failed', id: m.id, message: err instanceof Error ? err.message : String(err), code: typeof code === 'string' ? code : undefined };
  }
  port.postMessage(reply);
});
