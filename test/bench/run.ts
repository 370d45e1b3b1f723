// npm run bench — prints figures and ratios measured in this run. Options:
//   --tickets N   tickets in the query-latency database (default 1,000,000; cached in data/bench/)
//   --events N    events for the ingest runs (default 200,000)
//   --only ingest|queries|live
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../helpers/server';
import { baselineEventsPerSec } from './baseline';
import { batchedBodies, closeClients, drive, health } from './ingest';
import { liveLatencySection } from './live-latency';
import { benchDatabase, queryLatency } from './queries';
import { fmt, heading, median, row } from './stats';
import { recentEvents } from './workload';

const { values: opts } = parseArgs({
  options: { tickets: { type: 'string', default: '1000000' }, events: { type: 'string', default: '200000' }, only: { type: 'string' }, repeat: { type: 'string', default: '3' } }
});
const repeat = Number(opts.repeat);
/** Keep-alive clients posting batches concurrently; concurrent batches share a commit (group commit). */
const CLIENTS = 8;
const tmp = () => join(mkdtempSync(join(tmpdir(), 'floorboard-bench-')), 'kpi.sqlite');

console.log(`Floorboard benchmark — ${new Date().toISOString()} — node ${process.version}, ${(await import('node:os')).cpus().length} cores`);

if (!opts.only || opts.only === 'ingest') {
  heading('Ingest');
  const events = recentEvents(Number(opts.events));
  const { bodies, counts } = batchedBodies(events, 100);
  console.log(`  workload: ${fmt(events.length)} simulated events (realistic lifecycles, ~1 % duplicates, some late), median of ${repeat} runs`);

  const base: number[] = [];
  const http: number[] = [];
  for (let i = 0; i < repeat; i++) {
    base.push(baselineEventsPerSec(tmp(), events));
    const server = await startServer({ dbPath: tmp() });
    http.push((await drive(server, bodies, counts, CLIENTS)).perSec);
    await server.kill('SIGTERM');
  }
  row('baseline: bare better-sqlite3, batches of 1000', `${fmt(median(base))} ev/s`);
  row(`HTTP batched: 100 events a POST, ${CLIENTS} clients`, `${fmt(median(http))} ev/s`, `ratio ${fmt(median(http) / median(base), 2)}`, 'goal ≥ 0.50');

  const singles = events.slice(0, 20_000).map((e) => JSON.stringify(e));
  const single: number[] = [];
  let sharing = '';
  for (let i = 0; i < repeat; i++) {
    const server = await startServer({ dbPath: tmp() });
    single.push((await drive(server, singles, singles.map(() => 1), 50)).perSec);
    const h = await health(server);
    sharing = `${fmt(h.batches / h.commits, 1)} requests/commit`;
    await server.kill('SIGTERM');
  }
  row('HTTP single-event POSTs, 50 clients', `${fmt(median(single))} ev/s`, sharing, 'goal ≥ 10,000');
  closeClients();
}

if (!opts.only || opts.only === 'queries') {
  heading('Query latency');
  const path = benchDatabase(Number(opts.tickets), console.log);
  await queryLatency(path, 300);
}

if (!opts.only || opts.only === 'live') {
  heading('Event-to-screen latency');
  await liveLatencySection();
}
