// The wall must run for weeks: its JS heap, measured in Chromium over a long run of ~10 updates a second,
// must stay flat. Usage: npx tsx test/bench/wall-heap.ts [--minutes 30] [--sample-seconds 30]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDemo } from '../../api/sim/demo';
import { ensureDashboardBuilt } from '../../api/web-build';
import { launchChromium } from '../helpers/browser';
import { TEST_INGEST_TOKEN, seedToken, startServer } from '../helpers/server';
import { fmt, heading, median, row } from './stats';

const { values: o } = parseArgs({ options: { minutes: { type: 'string', default: '30' }, 'sample-seconds': { type: 'string', default: '30' } } });
const minutes = Number(o.minutes);
const every = Number(o['sample-seconds']) * 1000;

export async function wallHeap(minutes: number, every: number) {
  await ensureDashboardBuilt();
  const dbPath = join(mkdtempSync(join(tmpdir(), 'floorboard-heap-')), 'kpi.sqlite');
  const token = seedToken(dbPath, 'display');
  const server = await startServer({ dbPath, env: { FLOORBOARD_SKIP_WEB_BUILD: '' } });
  // A busy centre: events every few ms keep the hub broadcasting at its cap of ~10 a second.
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
    timezone: 'Asia/Shanghai'
  });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const cdp = await page.context().newCDPSession(page);
  let frames = 0;
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameReceived', () => frames++);
  await page.goto(`${server.url}/wall?token=${token}`);
  await page.waitForSelector('[data-kpi="tickets.created"]');

  const samples: { min: number; heapMb: number; updatesPerSec: number }[] = [];
  const started = Date.now();
  let lastFrames = frames;
  let lastAt = started;
  while (Date.now() - started < minutes * 60_000) {
    await new Promise((r) => setTimeout(r, every));
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    const now = Date.now();
    samples.push({ min: (now - started) / 60_000, heapMb: usedSize / 2 ** 20, updatesPerSec: ((frames - lastFrames) * 1000) / (now - lastAt) });
    lastFrames = frames;
    lastAt = now;
    const s = samples[samples.length - 1];
    console.log(`  ${fmt(s.min, 1).padStart(5)} min  heap ${fmt(s.heapMb, 2)} MB  ${fmt(s.updatesPerSec, 1)} updates/s`);
  }
  await demo.stop();
  await browser.close();
  await server.kill('SIGTERM');

  // Warm-up: the first sixth of the run (at least one sample) sets the reference.
  const warm = Math.max(1, Math.floor(samples.length / 6));
  const reference = median(samples.slice(0, warm).map((s) => s.heapMb));
  const after = samples.slice(warm);
  const drift = Math.max(...after.map((s) => Math.abs(s.heapMb - reference) / reference)) * 100;
  const last = after.length ? after[after.length - 1].heapMb : reference;
  row(`heap after warm-up (median of first ${warm} samples)`, `${fmt(reference, 2)} MB`);
  row(`heap at the end (${fmt(minutes)} min)`, `${fmt(last, 2)} MB`, `${fmt(((last - reference) / reference) * 100, 1)} %`);
  row('largest deviation after warm-up', `${fmt(drift, 1)} %`, 'goal ±10 %');
  row('updates received', `${fmt(median(samples.map((s) => s.updatesPerSec)), 1)}/s median`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  heading(`Wall heap over ${minutes} min`);
  await wallHeap(minutes, every);
}
