// The writer thread's body: it owns the one connection that writes events, and runs the transactions
// (ingest.ts) while the main thread goes on reading requests and answering queries. With `maintain`, the
// backlog sampler, rollup compaction and WAL checkpoints run here too, between transactions.
//
// The main thread posts each group of requests as soon as it has validated them, without waiting for the
// transaction in flight; everything that arrived meanwhile shares this thread's next transaction. So the
// thread never sits idle waiting for a round trip through a main thread that is busy validating a body.
import { parentPort, workerData } from 'node:worker_threads';
import { WRITER_CACHE_KIB, openDb, ownCheckpoints } from '../../db/open';
import { parseEventRecord } from './event-record';
import { createIngestService, type Bodies } from './ingest';
import { startMaintenance } from './maintenance';
import type { GroupAnswer, WriterOptions, WriterReply, WriterRequest } from './writer';
import { commitGroups, takeGroups, type Posted } from './writer-inbox';

const { path, sameFileAs, memoSubjects, maintain, ownCheckpointsOff } = workerData as WriterOptions;
const port = parentPort!;

/** Its connection and ingest service; or, when opening throws (a damaged file), the thread says why and ends. */
function open() {
  try {
    const db = openDb(path, { migrate: false, cacheKiB: WRITER_CACHE_KIB, sameFileAs });
    if (ownCheckpointsOff) ownCheckpoints(db, false);
    return { db, ingest: createIngestService(db.$client, { now: Date.now, memoSubjects }) };
  } catch (err) {
    // Thrown, better-sqlite3's error reached the main thread as its code alone, its message lost.
    const { code, message } = err as { code?: unknown; message?: unknown };
    port.postMessage({ kind: 'unopened', code: typeof code === 'string' ? code : undefined, message: String(message) } satisfies WriterReply);
    // Messages posted before the thread ends are delivered before its exit event.
    process.exit(1);
  }
}
const { db, ingest } = open();
/** Maintenance, here: it tells the main thread when replaying events whose time has come changed something (the live hub broadcasts). */
const startChores = () => startMaintenance(db, Date.now, ingest.replayDue, () => port.postMessage({ kind: 'replayed' } satisfies WriterReply));
let stopMaintenance = maintain ? startChores() : null;
port.postMessage({ kind: 'ready' } satisfies WriterReply);

const inbox: Posted[] = [];
let scheduled = false;
/** Transactions committed by this thread, sent with each answer so the main thread can count commits. */
let commits = 0;

port.on('message', (m: WriterRequest) => {
  if (m.kind === 'ingest') {
    inbox.push(m);
    // Messages that arrived during a transaction are all delivered before the check phase: one commit takes them all.
    if (!scheduled) (scheduled = true), setImmediate(commitInbox);
    return;
  }
  if (m.kind === 'maintain') {
    stopMaintenance ??= startChores();
    return;
  }
  if (m.kind === 'stopChores') {
    stopMaintenance?.();
    stopMaintenance = null;
    return port.postMessage({ kind: 'choresStopped' } satisfies WriterReply);
  }
  if (m.kind === 'ownCheckpoints') return ownCheckpoints(db, m.on);
  // Before any batch posted after it is even in the inbox: messages come in the order they were posted.
  if (m.kind === 'slaPolicies') return ingest.slaPoliciesChanged();
  // close: the main thread sends it once every group it posted has been answered; should any still wait, they
  // are committed and answered first.
  while (inbox.length) commitInbox();
  stopMaintenance?.();
  db.$client.close();
  port.postMessage({ kind: 'closed' } satisfies WriterReply);
  port.close();
});

function commitInbox(): void {
  scheduled = false;
  const groups = takeGroups(inbox);
  if (inbox.length) (scheduled = true), setImmediate(commitInbox);
  if (!groups.length) return;
  const answers: GroupAnswer[] = [];
  commits += commitGroups(groups, store, (a) => answers.push(a), commits);
  port.postMessage({ kind: 'answers', answers } satisfies WriterReply);
}

function store(bodies: Bodies) {
  return ingest.ingestBatches(bodies.map((b) => b.map(parseEventRecord)), bodies);
}
