// Event-to-screen latency: many WebSocket clients on /api/live, background ingest at a steady rate, and probe
// events timed from the moment before their POST until a subscribed client sees its count change.
//
// Probe events are `ticket.created` for team "probe", so for the clients subscribed to {team:"probe"} the
// k-th probe is exactly the moment `windows.today.tickets.created` reaches k. Every other client stays on the
// default (whole-centre) scope, the heaviest message, so the fan-out is what a floor of wall displays costs.
// Everything runs on this machine: the clients, the loader and the server share its cores.
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { generateHistory } from '../../api/sim/history';
import { ticketsPerHourForEventRate } from '../../api/sim/rates';
import type { RawEvent } from '../../api/sim/simulator';
import { seedToken, startServer, TEST_INGEST_TOKEN, type RunningServer } from '../helpers/server';
import { httpClient } from './http';
import { withDb } from './scratch';
import { fmt, percentile, row } from './stats';

export interface LiveBenchOptions {
  /** WebSocket clients in all. */
  clients: number;
  /** Of them, subscribed to the probe team (the rest stay on the whole-centre scope). */
  probeClients: number;
  /** Background ingest target, events per second. */
  rate: number;
  probes: number;
  probeEveryMs: number;
  /** Background load before the first probe, so the server is in its steady state. */
  warmupMs: number;
  /** Events per background POST. */
  batch: number;
  /** A probe not seen by every probe client within this long counts as missed. */
  timeoutMs: number;
}

export const LIVE_DEFAULTS: Omit<LiveBenchOptions, 'clients' | 'rate'> = {
  probeClients: 20,
  probes: 100,
  probeEveryMs: 200,
  warmupMs: 3000,
  batch: 100,
  timeoutMs: 10_000
};

export interface LiveBenchResult {
  opts: LiveBenchOptions;
  /** Background events acknowledged per second while the probes ran. */
  achievedRate: number;
  backgroundErrors: number;
  /** Per probe: the first probe client to see it, and the last (all of them). */
  firstClient: number[];
  allClients: number[];
  /** Every (probe, client) pair. */
  pairs: number[];
  /** POST sent → 200 received, per probe. */
  ack: number[];
  missed: number;
  /** Messages per second per whole-centre client, and their mean size. */
  updatesPerSec: number;
  messageBytes: number;
  receivedMBps: number;
  /** Event-loop delay in this (client) process, p99 ms: how much the clients themselves added. */
  clientLoopP99: number;
  /** Server process CPU while the probes ran, in cores (1 = one core busy all the time); null off Linux. */
  serverCpu: number | null;
  connectSec: number;
}

// Background events: the simulator's last few hours ending a minute ago, so they land (mostly) in today's
// window like a live floor's, and the server recomputes a growing day on every broadcast.
export function backgroundEvents(target: number, seed = 11): RawEvent[] {
  const to = Date.now() - 60_000;
  const from = to - 3 * 3_600_000;
  let perHour = ticketsPerHourForEventRate(target / (3 * 3600));
  for (let attempt = 0; ; attempt++) {
    const out: RawEvent[] = [];
    for (const chunk of generateHistory({ from, to, seed, ticketsPerHour: perHour, idPrefix: `live${seed}-`, timezone: 'UTC' })) {
      out.push(...chunk);
      if (out.length >= target) return out.slice(0, target);
    }
    // Quiet hours of the simulated day: scale the arrival rate up and go again.
    if (attempt >= 5) return out;
    perHour *= (1.3 * target) / Math.max(out.length, 1);
  }
}

const poster = httpClient;

/** Sends `bodies` at `rate` events a second (bounded in-flight requests); counts what the server acknowledged. */
function backgroundLoader(server: RunningServer, bodies: string[], counts: number[], rate: number, batch: number) {
  const { post, close } = poster(server.url, 32);
  const maxInFlight = 16;
  const started = performance.now();
  let next = 0;
  let inFlight = 0;
  let stopped = false;
  const state = { acked: 0, errors: 0, lastError: '', exhausted: false };
  const send = (i: number) => {
    inFlight++;
    post(bodies[i]).then(
      (r) => {
        inFlight--;
        if (r.status === 200) state.acked += counts[i];
        else {
          state.errors++;
          state.lastError = `${r.status} ${r.text.slice(0, 200)}`;
        }
      },
      (e: Error) => {
        inFlight--;
        if (!stopped) {
          state.errors++;
          state.lastError = e.message;
        }
      }
    );
  };
  const timer = setInterval(() => {
    // Batches due by now at the target rate; when the server falls behind, catch up as fast as the in-flight cap allows.
    const due = Math.floor((((performance.now() - started) / 1000) * rate) / batch) + 1;
    while (next < due && next < bodies.length && inFlight < maxInFlight) send(next++);
    if (next >= bodies.length) state.exhausted = true;
  }, 5);
  return {
    state,
    stop() {
      stopped = true;
      clearInterval(timer);
      close();
    }
  };
}

interface ProbeClient {
  ws: WebSocket;
  seen: number;
  /** Per probe k (1-based): performance.now() when this client first saw created ≥ k. */
  seenAt: number[];
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => {
      // After the handshake an error only ends this client; the run counts what it saw.
      ws.on('error', () => {});
      resolve(ws);
    });
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket refused: ${res.statusCode}`)));
  });
}

export async function liveLatency(opts: LiveBenchOptions): Promise<LiveBenchResult> {
  // Enough background events for warm-up, probes and slack, generated before anything is timed.
  const runMs = opts.warmupMs + opts.probes * opts.probeEveryMs + 5000;
  const events = backgroundEvents(Math.ceil((opts.rate * runMs) / 1000));
  const bodies: string[] = [];
  const counts: number[] = [];
  for (let i = 0; i < events.length; i += opts.batch) {
    const b = events.slice(i, i + opts.batch);
    bodies.push(JSON.stringify(b));
    counts.push(b.length);
  }
  events.length = 0;
  return withDb((dbPath) => measure(dbPath, bodies, counts, opts), 'floorboard-bench-live-');
}

async function measure(dbPath: string, bodies: string[], counts: number[], opts: LiveBenchOptions): Promise<LiveBenchResult> {
  // A display token, written before the server's first start (it only creates tokens on an empty database).
  const token = seedToken(dbPath, 'display');

  const server = await startServer({ dbPath, env: { LIVE_MAX_CLIENTS: String(Math.max(5000, opts.clients + 100)) } });
  const wsUrl = `ws://127.0.0.1:${server.port}/api/live?token=${encodeURIComponent(token)}`;
  const sockets: WebSocket[] = [];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let loader: ReturnType<typeof backgroundLoader> | null = null;
  const probePoster = poster(server.url, 4);
  try {
    // Connect, a few at a time (each connection costs the server one snapshot).
    const connectStarted = performance.now();
    const whole = { messages: 0, bytes: 0, clients: 0 };
    const probeClients: ProbeClient[] = [];
    let connected = 0;
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        while (connected < opts.clients) {
          const index = connected++;
          const ws = await open(wsUrl);
          sockets.push(ws);
          if (index < opts.probeClients) {
            const pc: ProbeClient = { ws, seen: -1, seenAt: [] };
            probeClients.push(pc);
            ws.on('message', (data: Buffer) => {
              const m = JSON.parse(data.toString('utf8')) as { type: string; filters?: { team?: string }; windows?: { today: { tickets: { created: number } } } };
              // Until the subscription's snapshot arrives this client still gets the whole centre.
              if (m.type === 'error' || m.filters?.team !== 'probe' || !m.windows) return;
              const created = m.windows.today.tickets.created;
              const t = performance.now();
              if (pc.seen < 0) pc.seen = 0;
              for (let k = pc.seen + 1; k <= created; k++) pc.seenAt[k] = t;
              pc.seen = Math.max(pc.seen, created);
            });
            ws.send(JSON.stringify({ type: 'subscribe', filters: { team: 'probe' } }));
          } else {
            whole.clients++;
            ws.on('message', (data: Buffer) => {
              // Received and framed, but not parsed: parsing ~1,000 whole-centre states per tick here would
              // take the CPU the server needs. The probe clients parse everything they get.
              whole.messages++;
              whole.bytes += data.length;
            });
          }
        }
      })
    );
    for (const pc of probeClients) {
      const deadline = performance.now() + 10_000;
      while (pc.seen < 0 && performance.now() < deadline) await sleep(20);
      if (pc.seen < 0) throw new Error('a probe client never got its subscription snapshot');
    }
    const connectSec = (performance.now() - connectStarted) / 1000;

    loader = backgroundLoader(server, bodies, counts, opts.rate, opts.batch);
    await sleep(opts.warmupMs);

    // Probes: t0 just before each POST; the k-th probe is seen when created reaches k.
    loop.enable();
    const t0: number[] = [];
    const ackAt: number[] = [];
    const probeErrors: string[] = [];
    const ackedAtStart = loader.state.acked;
    const cpuAtStart = treeCpuSec(server.proc.pid);
    const probeStarted = performance.now();
    const runTag = `${opts.clients}c${opts.rate}r${Date.now()}`;
    for (let k = 1; k <= opts.probes; k++) {
      const at = Date.now();
      const body = JSON.stringify({ id: `probe-${runTag}-${k}`, type: 'ticket.created', at, ticket: `PROBE-${runTag}-${k}`, channel: 'chat', team: 'probe' });
      t0[k] = performance.now();
      probePoster.post(body).then(
        (r) => {
          if (r.status === 200) ackAt[k] = performance.now();
          else probeErrors.push(`${r.status} ${r.text.slice(0, 200)}`);
        },
        (e: Error) => probeErrors.push(e.message)
      );
      // Keep the cadence even when a POST is slow: the next probe goes at its own time.
      const nextAt = probeStarted + k * opts.probeEveryMs;
      await sleep(Math.max(0, nextAt - performance.now()));
    }
    const probeEnded = performance.now();
    const ackedAtEnd = loader.state.acked;
    const cpuAtEnd = treeCpuSec(server.proc.pid);
    const deadline = performance.now() + opts.timeoutMs;
    while (probeClients.some((pc) => pc.seen < opts.probes) && performance.now() < deadline) await sleep(20);
    loop.disable();
    loader.stop();
    if (server.proc.exitCode !== null || server.proc.signalCode !== null) {
      throw new Error(`the server exited during the run (${server.proc.exitCode ?? server.proc.signalCode}):\n${server.output().slice(-3000)}`);
    }
    if (loader.state.errors) console.log(`  (background ingest: ${loader.state.errors} failed POSTs, last: ${loader.state.lastError})`);
    if (probeErrors.length) console.log(`  (${probeErrors.length} probe POSTs failed, first: ${probeErrors[0]})`);
    if (loader.state.exhausted) console.log('  (background ingest ran out of pre-generated events before the end)');

    const firstClient: number[] = [];
    const allClients: number[] = [];
    const pairs: number[] = [];
    const ack: number[] = [];
    let missed = 0;
    for (let k = 1; k <= opts.probes; k++) {
      const seen = probeClients.map((pc) => pc.seenAt[k]).filter((t): t is number => t !== undefined);
      const lat = seen.map((t) => t - t0[k]);
      pairs.push(...lat);
      if (lat.length) firstClient.push(Math.min(...lat));
      if (lat.length === probeClients.length) allClients.push(Math.max(...lat));
      else missed++;
      if (ackAt[k] !== undefined) ack.push(ackAt[k] - t0[k]);
    }
    const seconds = (probeEnded - probeStarted) / 1000;
    const wholeSeconds = (performance.now() - connectStarted) / 1000;
    return {
      opts,
      achievedRate: (ackedAtEnd - ackedAtStart) / seconds,
      backgroundErrors: loader.state.errors,
      firstClient,
      allClients,
      pairs,
      ack,
      missed,
      updatesPerSec: whole.clients ? whole.messages / whole.clients / wholeSeconds : 0,
      messageBytes: whole.messages ? whole.bytes / whole.messages : 0,
      receivedMBps: whole.bytes / wholeSeconds / 1e6,
      clientLoopP99: loop.percentile(99) / 1e6,
      serverCpu: cpuAtStart !== null && cpuAtEnd !== null ? (cpuAtEnd - cpuAtStart) / seconds : null,
      connectSec
    };
  } finally {
    loop.disable();
    loader?.stop();
    probePoster.close();
    for (const ws of sockets) ws.terminate();
    await server.kill('SIGTERM');
  }
}

/** CPU seconds used so far by a process and its descendants (Linux /proc; null elsewhere). */
function treeCpuSec(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const tick = 100; // USER_HZ on Linux
    let total = 0;
    const visit = (p: number) => {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / tick; // utime, stime
      for (const t of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(' ').filter(Boolean)) visit(Number(c));
      }
    };
    visit(pid);
    return total;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const ms = (v: number) => (Number.isFinite(v) ? `${fmt(v, v < 10 ? 1 : 0)} ms` : '—');
const dist = (values: number[]) => [0.5, 0.9, 0.99].map((q) => ms(percentile(values, q))).concat(ms(values.length ? Math.max(...values) : NaN));

export function printLive(r: LiveBenchResult, goalMs: number, goal: string): void {
  const o = r.opts;
  row(
    `${fmt(o.clients)} clients (${o.probeClients} on probe), target ${fmt(o.rate)} ev/s`,
    `${fmt(r.achievedRate)} ev/s bg`,
    `${fmt(o.probes - r.missed)}/${fmt(o.probes)} probes`,
    r.serverCpu === null ? 'server CPU ?' : `server CPU ${fmt(r.serverCpu * 100)} %`,
    `${fmt(r.updatesPerSec, 1)} upd/s/cl`,
    `${fmt(r.messageBytes / 1024, 1)} KB/update`
  );
  const p99 = percentile(r.firstClient, 0.99);
  row('  first client sees it   p50 / p90 / p99 / max', ...dist(r.firstClient), goal, `p99/goal ${fmt(p99 / goalMs, 2)}`);
  row('  all probe clients saw it', ...dist(r.allClients));
  row('  every (probe, client) pair', ...dist(r.pairs));
  row('  probe POST acknowledged', ...dist(r.ack));
  row('  client process event-loop delay p99', ms(r.clientLoopP99), `${fmt(r.receivedMBps, 1)} MB/s recv`, `connect ${fmt(r.connectSec, 1)} s`);
}

/** The "Event-to-screen latency" section of npm run bench: the goal configuration, then the stretch one. */
export async function liveLatencySection(configs: { clients: number; rate: number; goalMs: number; goal: string }[] = [
  { clients: 200, rate: 5000, goalMs: 250, goal: 'goal p99 ≤ 250 ms' },
  { clients: 1000, rate: 10_000, goalMs: 250, goal: 'stretch ≤ 250 ms' }
]): Promise<void> {
  const d = LIVE_DEFAULTS;
  console.log(
    `  workload: ${d.probes} probe ticket.created (team "probe") every ${d.probeEveryMs} ms, timed from just before the POST until a` +
      `\n  subscribed client sees today's created count reach it; background = simulator events (last 3 h), ${d.batch} a POST.` +
      `\n  Clients, loader and server share this machine's ${cpus().length} cores, which inflates the latency.`
  );
  for (const c of configs) printLive(await liveLatency({ ...d, clients: c.clients, rate: c.rate }), c.goalMs, c.goal);
}
