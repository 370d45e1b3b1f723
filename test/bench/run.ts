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
import { batchedBodies, closeClients, drive, health, inProcessEventsPerSec, startBareHttp } from './ingest';
import { liveLatencySection } from './live-latency';
import { benchDatabase, queryLatency } from './queries';
import { fmt, heading, median, row } from './stats';
import { sampleThreads, threadShares, type ThreadShare } from './threads';
import { recentEvents } from './workload';

const { values: opts } = parseArgs({
  options: { tickets: { type: 'string', default: '1000000' }, events: { type: 'string', default: '200000' }, only: { type: 'string' }, repeat: { type: 'string', default: '3' } }
});
const repeat = Number(opts.repeat);
/**
 * Keep-alive clients posting batches concurrently; concurrent batches share a commit (group commit). More
 * senders make larger commits, and a commit's cost grows slower than its size, so both counts are shown.
 */
const CLIENTS = [8, 32];
const tmp = () => join(mkdtempSync(join(tmpdir(), 'floorboard-bench-')), 'kpi.sqlite');

console.log(`Floorboard benchmark — ${new Date().toISOString()} — node ${process.version}, ${(await import('node:os')).cpus().length} cores`);

if (!opts.only || opts.only === 'ingest') {
  heading('Ingest');
  const events = recentEvents(Number(opts.events));
  const { bodies, counts } = batchedBodies(events, 100);
  console.log(`  workload: ${fmt(events.length)} simulated events (realistic lifecycles, ~1 % duplicates, some late), median of ${repeat} runs`);

  const base: number[] = [];
  const inProcess: number[] = [];
  const http = CLIENTS.map(() => [] as number[]);
  const perCommit = CLIENTS.map(() => 0);
  const threads = CLIENTS.map(() => [] as ReturnType<typeof threadShares>[]);
  for (let i = 0; i < repeat; i++) {
    base.push(baselineEventsPerSec(tmp(), events));
    inProcess.push(inProcessEventsPerSec(tmp(), events));
    for (const [c, clients] of CLIENTS.entries()) {
      const server = await startServer({ dbPath: tmp() });
      const before = sampleThreads(server.proc.pid!);
      http[c].push((await drive(server, bodies, counts, clients)).perSec);
      const after = sampleThreads(server.proc.pid!);
      if (before && after) threads[c].push(threadShares(server.proc.pid!, before, after, events.length));
      const h = await health(server);
      perCommit[c] = h.events / h.commits;
      await server.kill('SIGTERM');
    }
  }
  row('baseline: bare better-sqlite3, batches of 1000', `${fmt(median(base))} ev/s`);
  row('in process, no HTTP: 800 events a commit', `${fmt(median(inProcess))} ev/s`, `ratio ${fmt(median(inProcess) / median(base), 2)}`);
  for (const [c, clients] of CLIENTS.entries())
    row(`HTTP batched: 100 events a POST, ${clients} clients`, `${fmt(median(http[c]))} ev/s`, `ratio ${fmt(median(http[c]) / median(base), 2)}`, `${fmt(perCommit[c])} ev/commit`, 'goal ≥ 0.50');
  // Where the server's CPU went: each part's time on a core, and (in brackets) waiting for one, per event.
  const part = (c: number, name: 'writer' | 'main' | 'others') => {
    const of = (k: keyof ThreadShare) => fmt(median(threads[c].map((t) => t[name][k])), 1);
    return `${of('run')} µs (${of('wait')})`;
  };
  if (threads.every((t) => t.length))
    for (const [c, clients] of CLIENTS.entries())
      row(`  server CPU an event, ${clients} clients (waiting)`, `writer ${part(c, 'writer')}`, `main ${part(c, 'main')}`, `V8 background ${part(c, 'others')}`);
  else console.log('  (no /proc here: the server CPU by thread is left out)');

  // A fresh server spends its first seconds compiling (V8 runs its optimizing compiler beside the threads that
  // work), and 20,000 posts last about that long: so both the first 10,000 posts to a fresh server (cold) and
  // the 20,000 after them (warm, as a running server is) are timed, on the ceiling and on the server alike.
  const posts = events.slice(0, 30_000).map((e) => JSON.stringify(e));
  const [cold, warm] = [posts.slice(0, 10_000), posts.slice(10_000)];
  const ones = (a: string[]) => a.map(() => 1);
  const single = { cold: [] as number[], warm: [] as number[] };
  const bare = { cold: [] as number[], warm: [] as number[] };
  let sharing = '';
  for (let i = 0; i < repeat; i++) {
    const ceiling = await startBareHttp();
    bare.cold.push((await drive(ceiling, cold, ones(cold), 50)).perSec);
    bare.warm.push((await drive(ceiling, warm, ones(warm), 50)).perSec);
    ceiling.stop();
    const server = await startServer({ dbPath: tmp() });
    single.cold.push((await drive(server, cold, ones(cold), 50)).perSec);
    const before = await health(server);
    single.warm.push((await drive(server, warm, ones(warm), 50)).perSec);
    const after = await health(server);
    sharing = `${fmt((after.batches - before.batches) / (after.commits - before.commits), 1)} requests/commit`;
    await server.kill('SIGTERM');
  }
  for (const phase of ['cold', 'warm'] as const) {
    const label = phase === 'cold' ? 'first 10,000 to a fresh server' : 'the 20,000 after them';
    row(`ceiling: bare node:http, ${label}`, `${fmt(median(bare[phase]))} req/s`);
    row(`HTTP single-event POSTs, 50 clients, ${label}`, `${fmt(median(single[phase]))} ev/s`, phase === 'warm' ? sharing : '', `${fmt((100 * median(single[phase])) / median(bare[phase]))} % of ceiling`, 'goal ≥ 10,000');
  }
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
