// npm run bench — prints figures and ratios measured in this run (options: USAGE below).
import { exit, readFlags } from '../../api/cli/exit';
import { startServer } from '../helpers/server';
import { baselineEventsPerSec } from './baseline';
import { batchedBodies, closeClients, drive, health, inProcessEventsPerSec, startBareHttp } from './ingest';
import { liveLatencySection } from './live-latency';
import { benchDatabase, queryLatency } from './queries';
import { fmt, heading, median, row } from './stats';
import { sampleThreads, threadShares, type ThreadShare } from './threads';
import { recentEvents } from './workload';
import { withDb } from './scratch';

const USAGE = `Usage: npm run bench [-- options]

Measures ingest, query latency and event-to-screen latency, each beside a baseline measured in the same run.
  --only SECTION   ingest, queries or live alone
  --tickets N      tickets in the query-latency database (default 1000000; cached in data/bench/)
  --events N       events for the ingest runs (default 200000)
  --repeat N       runs of each ingest figure, of which the median is shown (default 3)
  --help           show this`;

// Unknown flags ended in parseArgs' stack trace, --help among them.
const opts = readFlags(
  {
    tickets: { type: 'string', default: '1000000' },
    events: { type: 'string', default: '200000' },
    only: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    help: { type: 'boolean', default: false }
  },
  USAGE
);
const SECTIONS = ['ingest', 'queries', 'live'];
// A misspelt section (--only ingset) ran none and exited 0, as if measured.
if (opts.only !== undefined && !SECTIONS.includes(opts.only)) exit(`--only must be one of ${SECTIONS.join(', ')}, got ${JSON.stringify(opts.only)}`);
// Read as Number, --repeat 0 or abc measured nothing and printed NaN as every figure, and --events abc no workload.
const count = (name: 'tickets' | 'events' | 'repeat'): number => {
  const text = opts[name];
  if (!/^\d+$/.test(text) || Number(text) < 1) exit(`--${name} must be a whole number of at least 1, got ${JSON.stringify(text)}\n\n${USAGE}`);
  return Number(text);
};
const [tickets, eventCount, repeat] = [count('tickets'), count('events'), count('repeat')];
/**
 * Keep-alive clients posting batches concurrently; concurrent batches share a commit (group commit). More
 * senders make larger commits, and a commit's cost grows slower than its size, so both counts are shown.
 */
const CLIENTS = [8, 32];

console.log(`Floorboard benchmark — ${new Date().toISOString()} — node ${process.version}, ${(await import('node:os')).cpus().length} cores`);

if (!opts.only || opts.only === 'ingest') {
  heading('Ingest');
  const events = recentEvents(eventCount);
  const { bodies, counts } = batchedBodies(events, 100);
  // As many other events (another seed: other tickets, agents' days and ids), sent next, to the same server: a
  // running server, its code compiled and its database already holding the first workload.
  const later = batchedBodies(recentEvents(eventCount, 8), 100);
  console.log(`  workload: ${fmt(events.length)} simulated events (a weekday from midnight UTC, the same in every run: realistic lifecycles, ~1 % duplicates, some late), median of ${repeat} runs`);
  console.log(`  HTTP batched: 100 events a POST, to a fresh server, then ${fmt(events.length)} other events to the same server (running)`);

  const base: number[] = [];
  const inProcess: number[] = [];
  const PHASES = ['fresh', 'running'] as const;
  type Phase = (typeof PHASES)[number];
  const timings = () => ({ perSec: [] as number[], perCommit: 0, threads: [] as ReturnType<typeof threadShares>[] });
  const runs = CLIENTS.map(() => ({ fresh: timings(), running: timings() }));
  for (let i = 0; i < repeat; i++) {
    base.push(await withDb((path) => baselineEventsPerSec(path, events)));
    inProcess.push(await withDb((path) => inProcessEventsPerSec(path, events)));
    for (const [c, clients] of CLIENTS.entries()) {
      await withDb(async (dbPath) => {
        const server = await startServer({ dbPath });
        for (const phase of PHASES) {
          const load = phase === 'fresh' ? { bodies, counts } : later;
          const run = runs[c][phase];
          const before = { threads: sampleThreads(server.proc.pid!), health: await health(server) };
          run.perSec.push((await drive(server, load.bodies, load.counts, clients)).perSec);
          const after = { threads: sampleThreads(server.proc.pid!), health: await health(server) };
          const sent = load.counts.reduce((a, b) => a + b, 0);
          if (before.threads && after.threads) run.threads.push(threadShares(server.proc.pid!, before.threads, after.threads, sent));
          run.perCommit = (after.health.events - before.health.events) / (after.health.commits - before.health.commits);
        }
        await server.kill('SIGTERM');
      });
    }
  }
  // Its runs' spread beside it: the one-thread baseline moves by a third within minutes, and every ratio with it.
  const spread = (list: number[]) => (list.length > 1 ? `runs ${fmt(Math.min(...list))}–${fmt(Math.max(...list))}` : '');
  row('baseline: bare better-sqlite3, batches of 1000', `${fmt(median(base))} ev/s`, spread(base));
  row('in process, no HTTP: 800 events a commit', `${fmt(median(inProcess))} ev/s`, `ratio ${fmt(median(inProcess) / median(base), 2)}`);
  const label = (phase: Phase) => (phase === 'fresh' ? 'a fresh server' : `${fmt(events.length)} more`);
  for (const phase of PHASES)
    for (const [c, clients] of CLIENTS.entries()) {
      const run = runs[c][phase];
      row(`HTTP batched, ${clients} clients: ${label(phase)}`, `${fmt(median(run.perSec))} ev/s`, `ratio ${fmt(median(run.perSec) / median(base), 2)}`, `${fmt(run.perCommit)} ev/commit`, 'goal ≥ 0.50', spread(run.perSec));
    }
  // Where the server's CPU went: each part's time on a core, and (in brackets) waiting for one, per event.
  console.log('  server CPU an event, on a core (and waiting for one):');
  const part = (list: ReturnType<typeof threadShares>[], name: 'writer' | 'main' | 'others') => {
    const of = (k: keyof ThreadShare) => fmt(median(list.map((t) => t[name][k])), 1);
    return `${of('run')} µs (${of('wait')})`;
  };
  if (runs.every((r) => r.fresh.threads.length && r.running.threads.length))
    for (const phase of PHASES)
      for (const [c, clients] of CLIENTS.entries()) {
        const list = runs[c][phase].threads;
        row(`    ${clients} clients, ${label(phase)}`, `writer ${part(list, 'writer')}`, `main ${part(list, 'main')}`, `V8 background ${part(list, 'others')}`);
      }
  else console.log('  (no /proc here: the server CPU by thread is left out)');

  // A fresh server spends its first seconds compiling (V8 runs its optimizing compiler beside the threads that
  // work), and 20,000 posts last about that long: so both the first 10,000 posts to a fresh server (cold) and
  // the 20,000 after them (warm, as a running server is) are timed, on the ceiling and on the server alike.
  const posts = events.slice(0, 30_000).map((e) => JSON.stringify(e));
  // A third cold, the rest warm, should --events leave fewer than 30,000.
  const coldCount = Math.min(10_000, Math.floor(posts.length / 3));
  const [cold, warm] = [posts.slice(0, coldCount), posts.slice(coldCount)];
  const ones = (a: string[]) => a.map(() => 1);
  const single = { cold: [] as number[], warm: [] as number[] };
  const bare = { cold: [] as number[], warm: [] as number[] };
  let sharing = '';
  for (let i = 0; i < repeat; i++) {
    const ceiling = await startBareHttp();
    bare.cold.push((await drive(ceiling, cold, ones(cold), 50)).perSec);
    bare.warm.push((await drive(ceiling, warm, ones(warm), 50)).perSec);
    ceiling.stop();
    await withDb(async (dbPath) => {
      const server = await startServer({ dbPath });
      single.cold.push((await drive(server, cold, ones(cold), 50)).perSec);
      const before = await health(server);
      single.warm.push((await drive(server, warm, ones(warm), 50)).perSec);
      const after = await health(server);
      sharing = `${fmt((after.batches - before.batches) / (after.commits - before.commits), 1)} requests/commit`;
      await server.kill('SIGTERM');
    });
  }
  for (const phase of ['cold', 'warm'] as const) {
    const label = phase === 'cold' ? `first ${fmt(cold.length)} to a fresh server` : `the ${fmt(warm.length)} after them`;
    row(`ceiling: bare node:http, ${label}`, `${fmt(median(bare[phase]))} req/s`);
    row(`HTTP single-event POSTs, 50 clients, ${label}`, `${fmt(median(single[phase]))} ev/s`, phase === 'warm' ? sharing : '', `${fmt((100 * median(single[phase])) / median(bare[phase]))} % of ceiling`, 'goal ≥ 10,000');
  }
  closeClients();
}

if (!opts.only || opts.only === 'queries') {
  heading('Query latency');
  const path = benchDatabase(tickets, console.log);
  await queryLatency(path, 300);
}

if (!opts.only || opts.only === 'live') {
  heading('Event-to-screen latency');
  await liveLatencySection();
}
