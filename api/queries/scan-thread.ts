// The scan thread's body (scans.ts): answers GET /api/kpis for filters only a scan of facts can answer, and
// GET /api/agents narrowed by channel, priority or category, and GET /api/trend's buckets under two or more of
// agent, channel, priority and category, on a connection of its own that only reads. WAL
// lets it read beside the writer thread's commits.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../../db/open';
import { NotTheServersFile } from '../../db/same-file.mjs';
import { getAgents } from './getAgents';
import { getKpis } from './getKpis';
import { getTrend } from './getTrend';
import type { ScanAnswer, ScanRequest } from './scans';

const port = parentPort!;
const { path, sameFileAs } = workerData as { path: string; sameFileAs?: string };

/** Its connection; or, the file at the name no longer the server's, the thread says so and ends. */
function open() {
  try {
    return openDb(path, { migrate: false, sameFileAs });
  } catch (err) {
    if (!(err instanceof NotTheServersFile)) throw err;
    port.postMessage({ refused: err.message } satisfies ScanAnswer);
    // Messages posted before the thread ends are delivered before its exit event.
    process.exit(0);
  }
}
const db = open();

port.on('message', (r: ScanRequest | 'close') => {
  if (r === 'close') return void (db.$client.close(), port.close());
  try {
    const answer =
      r.what === 'kpis'
        ? getKpis(db.$client, r.window, r.filters, r.now)
        : r.what === 'agents'
          ? getAgents(db.$client, r.window, r.team, r.narrow)
          : getTrend(db.$client, r.window, r.filters, r.tz);
    port.postMessage({ id: r.id, answer } satisfies ScanAnswer);
  } catch (err) {
    port.postMessage({ id: r.id, message: err instanceof Error ? err.message : String(err) } satisfies ScanAnswer);
  }
});
