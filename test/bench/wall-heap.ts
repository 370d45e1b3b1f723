// The wall must run for weeks: its JS heap, measured in Chromium over a long run of ~10 updates a second,
// must stay flat (±10 % after warm-up). Usage:
//   npm run bench:heap -- [--warmup-minutes 45] [--minutes 30] [--sample-seconds 30] [--readings 5]
//
// What is measured, and why:
// - The clock starts once the demo has replayed today and streams live events: the replay (~130k tickets) takes
//   minutes, slows the broadcasts and is not the live traffic this is about.
// - Warm-up (`--warmup-minutes`, default 45): live traffic during which V8 is still compiling the wall's hot
//   functions. The charts' code runs a few times a second, so V8 keeps moving functions up its tiers (Sparkplug,
//   then Maglev, then TurboFan, which inlines and emits several times more code) for the better part of an hour:
//   heap snapshots showed no new functions, scripts or object shapes (hidden classes) after the first minutes, only
//   more functions gaining optimised code, each with at most one optimised code object. In a 120-minute run on
//   2026-11-25, code grew 5.09 → 6.66 MB in the first 45 minutes and 6.66 → 6.82 MB in the next 34, while the
//   rest stayed at 4.55–4.62 MB. Warm-up is sampled and printed like the rest, and the summary also gives the
//   change over the whole run, so what happens during warm-up stays visible.
// - The measured window (`--minutes`) starts with the sample taken at the end of warm-up, which is the reference:
//   every later sample is compared with it.
// - Each sample forces a full GC `--readings` times, a quarter second apart, and keeps the lowest: what the wall
//   retains. One reading also holds whatever the update in progress had allocated at that instant (a parsed
//   message, chart animations); the highest reading is printed too.
// - Then a heap snapshot splits the heap into V8's code (bytecode, function metadata, optimised machine code and
//   the lists of code that depends on each object shape) and the rest: the wall's own objects, arrays and strings,
//   where a leak would show. It also counts object shapes (V8 Maps): objects keyed by ever-new values (ids,
//   timestamps) would show there as a count that keeps growing, with code compiled for each shape.
// - The day's data grows while this runs (a backlog sample a minute, a 15-minute slot every quarter hour), so
//   each sample also counts the points the charts show, read from the last message the wall received.
import type { CDPSession } from 'playwright-core';
import type { TodaySeries } from '../../api/live/protocol';
import { exit, readFlags } from '../../api/cli/exit';
import { startDemo } from '../../api/sim/demo';
import { ensureDashboardBuilt } from '../../api/web-build';
import { visibleSlots } from '../../web/lib/charts/slots';
import { launchChromium } from '../helpers/browser';
import { TEST_INGEST_TOKEN, seedToken, startServer } from '../helpers/server';
import { withDb } from './scratch';
import { fmt, heading, median, row } from './stats';

const USAGE = `Usage: npm run bench:heap [-- options]

The wall's JS heap in Chromium over a long run of live updates, after JIT warm-up (test/bench/wall-heap.ts says how).
  --warmup-minutes N   live traffic before the reference sample (default 45; 0 for none)
  --minutes N          the measured window after it (default 30)
  --sample-seconds N   time between samples (default 30)
  --readings N         full GCs a sample, of which the lowest heap is kept (default 5)
  --help               show this`;

// Unknown flags ended in parseArgs' stack trace, --help among them; and a count read as Number (abc, 0 seconds
// between samples) ran Chromium for nothing, or sampled without pause.
const o = readFlags(
  {
    'warmup-minutes': { type: 'string', default: '45' },
    minutes: { type: 'string', default: '30' },
    'sample-seconds': { type: 'string', default: '30' },
    readings: { type: 'string', default: '5' },
    help: { type: 'boolean', default: false }
  },
  USAGE
);
/** The flag's value as a number of at least `least`, or exit 2 saying so. */
function amount(name: 'warmup-minutes' | 'minutes' | 'sample-seconds' | 'readings', least: number, whole = false): number {
  const text = o[name];
  const n = Number(text);
  if (!(whole ? /^\d+$/ : /^\d+(\.\d+)?$/).test(text) || n < least)
    exit(`--${name} must be ${whole ? 'a whole number' : 'a number'} of at least ${least}, got ${JSON.stringify(text)}\n\n${USAGE}`);
  return n;
}
const warmupMinutes = amount('warmup-minutes', 0);
const minutes = amount('minutes', 1);
const every = amount('sample-seconds', 1) * 1000;
const readings = amount('readings', 1, true);

const MB = 2 ** 20;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Points the three charts draw for this message: created and resolved bars, the p90 line, the backlog line. */
function chartPoints(frame: string): number {
  try {
    const msg = JSON.parse(frame) as { at?: string; series?: TodaySeries };
    if (!msg.series || !msg.at) return NaN;
    const w = visibleSlots(msg.series, msg.at);
    return 3 * (w.last - w.first + 1) + msg.series.backlog.filter(([at]) => at >= w.min).length;
  } catch {
    return NaN;
  }
}

/**
 * Self sizes in a heap snapshot: V8's code (code objects, and the lists of optimised code that depends on each
 * object shape, which grow with it), and the rest of the V8 heap; Blink's own objects are left out. Also the number
 * of object shapes (V8 Maps).
 */
async function heapSplit(cdp: CDPSession): Promise<{ codeMb: number; otherMb: number; maps: number }> {
  const chunks: string[] = [];
  const onChunk = ({ chunk }: { chunk: string }) => void chunks.push(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const snap = JSON.parse(chunks.join('')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const { node_fields: nf, node_types: nt, edge_fields: ef, edge_types: et } = snap.snapshot.meta;
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => nf.indexOf(f));
  const [edgeType, edgeName, toNode] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f));
  const dependentCode = new Set<number>();
  for (let e = 0; e < snap.edges.length; e += ef.length) {
    const t = et[0][snap.edges[e + edgeType]];
    if (t !== 'element' && t !== 'hidden' && snap.strings[snap.edges[e + edgeName]] === 'dependent_code') dependentCode.add(snap.edges[e + toNode]);
  }
  let code = 0;
  let other = 0;
  let maps = 0;
  for (let i = 0; i < snap.nodes.length; i += nf.length) {
    const t = nt[0][snap.nodes[i + type]];
    if (t === 'object shape' && snap.strings[snap.nodes[i + name]] === 'system / Map') maps++;
    if (t === 'code' || dependentCode.has(i)) code += snap.nodes[i + size];
    else if (t !== 'native' || snap.strings[snap.nodes[i + name]].startsWith('system /')) other += snap.nodes[i + size];
  }
  return { codeMb: code / MB, otherMb: other / MB, maps };
}

interface Sample {
  min: number;
  warmup: boolean;
  heapMb: number;
  highestMb: number;
  codeMb: number;
  otherMb: number;
  maps: number;
  updatesPerSec: number;
  points: number;
}

/** Samples the wall's heap through warm-up and the measured window, on a server with its database at `dbPath`. */
async function sampleWall(dbPath: string, warmupMinutes: number, minutes: number, every: number, readingsPerSample: number): Promise<Sample[]> {
  const token = seedToken(dbPath, 'display');
  const server = await startServer({ dbPath, env: { FLOORBOARD_SKIP_WEB_BUILD: '' } });
  // A busy centre: events every few ms keep the hub broadcasting at its cap of ~10 a second.
  let markLive!: () => void;
  const live = new Promise<void>((resolve) => (markLive = resolve));
  const launched = Date.now();
  const demo = startDemo({
    send: async (events) => {
      const res = await fetch(`${server.url}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(events)
      });
      if (res.status !== 200) throw new Error(`POST → ${res.status}`);
    },
    ticketsPerHour: 20_000,
    tickMs: 50,
    // Mid-afternoon in Shanghai: the simulated centre is busy while this runs (at this machine's usual hours).
    timezone: 'Asia/Shanghai',
    onLive: () => markLive()
  });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const cdp = await page.context().newCDPSession(page);
  let frames = 0;
  let lastFrame = '';
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameReceived', (e) => {
    frames++;
    lastFrame = e.response.payloadData;
  });
  await page.goto(`${server.url}/wall?token=${token}`);
  await page.waitForSelector('[data-kpi="tickets.created"]');
  await Promise.race([live, server.exited.then((code) => Promise.reject(new Error(`the server exited (${code}):\n${server.output()}`)))]);
  console.log(`  today replayed in ${fmt((Date.now() - launched) / 1000)} s; measuring the wall under live traffic`);

  const heapUsed = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize / MB;
  };
  // Samples every `every` ms through warm-up, one exactly at its end (the reference), then every `every` ms to the
  // end of the measured window; times are from the start of live traffic, so the time a sample takes adds no drift.
  const warmupMs = warmupMinutes * 60_000;
  const endMs = warmupMs + minutes * 60_000;
  const schedule: number[] = [];
  for (let t = every; t < warmupMs; t += every) schedule.push(t);
  for (let t = warmupMs; t <= endMs + 1; t += every) schedule.push(t);
  const samples: Sample[] = [];
  const started = Date.now();
  let lastFrames = frames;
  let lastAt = started;
  for (const at of schedule) {
    await pause(started + at - Date.now());
    const now = Date.now();
    const updatesPerSec = now > lastAt ? ((frames - lastFrames) * 1000) / (now - lastAt) : NaN;
    const points = chartPoints(lastFrame);
    const heap: number[] = [];
    for (let i = 0; i < readingsPerSample; i++) {
      if (i) await pause(250);
      heap.push(await heapUsed());
    }
    // After the readings: taking a snapshot allocates in the page for a while.
    const split = await heapSplit(cdp);
    lastFrames = frames;
    lastAt = Date.now();
    const s: Sample = {
      min: (now - started) / 60_000,
      warmup: at < warmupMs,
      heapMb: Math.min(...heap),
      highestMb: Math.max(...heap),
      ...split,
      updatesPerSec,
      points
    };
    samples.push(s);
    console.log(
      `  ${fmt(s.min, 1).padStart(5)} min${s.warmup ? ' (warm-up)' : at === warmupMs ? ' (reference)' : ''}  heap ${fmt(s.heapMb, 2)} MB (readings up to ${fmt(s.highestMb, 2)}; snapshot: code ${fmt(s.codeMb, 2)}, rest ${fmt(s.otherMb, 2)}, ${s.maps} shapes)  ${fmt(s.updatesPerSec, 1)} updates/s  ${s.points} chart points`
    );
  }
  await demo.stop();
  await browser.close();
  await server.kill('SIGTERM');
  return samples;
}

export async function wallHeap(warmupMinutes: number, minutes: number, every: number, readingsPerSample = readings) {
  await ensureDashboardBuilt();
  const samples = await withDb((dbPath) => sampleWall(dbPath, warmupMinutes, minutes, every, readingsPerSample), 'floorboard-heap-');

  const measured = samples.filter((s) => !s.warmup);
  const ref = measured[0];
  const after = measured.slice(1);
  const end = measured[measured.length - 1];
  const first = samples[0];
  const pct = (to: number, from: number) => `${to >= from ? '+' : ''}${fmt(((to - from) / from) * 100, 1)} %`;
  const drift = (pick: (s: Sample) => number, against = pick) =>
    `${fmt(Math.max(0, ...after.map((s) => Math.abs(pick(s) - against(ref)) / against(ref))) * 100, 1)} %`;
  const heap = (s: Sample) => s.heapMb;
  const rest = (s: Sample) => s.otherMb;
  const span = (pick: (s: Sample) => number, digits: number, unit = '') =>
    [`${fmt(pick(ref), digits)} → ${fmt(pick(end), digits)}${unit}`, pct(pick(end), pick(ref))];
  const warm = warmupMinutes > 0 ? `after ${fmt(warmupMinutes, warmupMinutes % 1 ? 1 : 0)} min of warm-up` : 'at the start (no warm-up)';
  row(`heap ${warm}`, `${fmt(ref.heapMb, 2)} MB`);
  row(`heap at the end (${fmt(minutes, minutes % 1 ? 1 : 0)} min later)`, `${fmt(end.heapMb, 2)} MB`, pct(end.heapMb, ref.heapMb));
  row(`largest deviation in the measured ${fmt(minutes, minutes % 1 ? 1 : 0)} min`, drift(heap), 'goal ±10 %');
  row('  same, highest reading of each sample', drift((s) => s.highestMb, heap), 'garbage in flight');
  row('snapshot: V8 code, reference → end', ...span((s) => s.codeMb, 2, ' MB'));
  row('snapshot: the rest, reference → end', ...span(rest, 2, ' MB'));
  row('  largest deviation of the rest', drift(rest));
  row('object shapes (V8 Maps), reference → end', ...span((s) => s.maps, 0));
  row('chart points on screen, reference → end', ...span((s) => s.points, 0));
  row('updates received (measured window)', `${fmt(median(measured.map((s) => s.updatesPerSec)), 1)}/s median`);
  if (first !== ref) {
    // Not part of the criterion, printed so that warm-up hides nothing.
    row(`whole run from ${fmt(first.min, 1)} min of live traffic: heap`, `${fmt(first.heapMb, 2)} → ${fmt(end.heapMb, 2)} MB`, pct(end.heapMb, first.heapMb));
    row('  V8 code', `${fmt(first.codeMb, 2)} → ${fmt(end.codeMb, 2)} MB`, pct(end.codeMb, first.codeMb));
    row('  the rest', `${fmt(first.otherMb, 2)} → ${fmt(end.otherMb, 2)} MB`, pct(end.otherMb, first.otherMb));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  heading(`Wall heap over ${minutes} min after ${warmupMinutes} min of warm-up`);
  await wallHeap(warmupMinutes, minutes, every);
}
