// HTTP ingest through a real server process: batched (100 a POST) and single-event with many clients.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { validateEvents } from '../../api/events/parse';
import { createRuntime } from '../../api/runtime';
import type { RawEvent } from '../../api/sim/simulator';
import { freePort, type RunningServer } from '../helpers/server';
import { httpClient } from './http';
import { batches } from './workload';

const clients = new Map<string, ReturnType<typeof httpClient>>();
function call(server: Pick<RunningServer, 'url'>, method: string, path: string, body?: string) {
  let c = clients.get(server.url);
  if (!c) clients.set(server.url, (c = httpClient(server.url, 256)));
  return c.request(method, path, body);
}

/** Sends every body through `clients` concurrent keep-alive connections; returns events per second. */
export async function drive(server: Pick<RunningServer, 'url'>, bodies: string[], eventsPerBody: number[], clients: number) {
  let next = 0;
  let duplicates = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < bodies.length) {
        const r = await call(server, 'POST', '/api/events', bodies[next++]);
        if (r.status !== 200) throw new Error(`POST /api/events → ${r.status}: ${r.text.slice(0, 300)}`);
        duplicates += (JSON.parse(r.text) as { duplicates: number }).duplicates;
      }
    })
  );
  const seconds = (performance.now() - started) / 1000;
  const total = eventsPerBody.reduce((a, b) => a + b, 0);
  return { perSec: total / seconds, seconds, duplicates };
}

export function batchedBodies(events: RawEvent[], size: number) {
  const list = batches(events, size);
  return { bodies: list.map((b) => JSON.stringify(b)), counts: list.map((b) => b.length) };
}

export async function health(server: RunningServer): Promise<{ commits: number; batches: number; events: number }> {
  const r = await call(server, 'GET', '/api/health');
  return (JSON.parse(r.text) as { ingest: { commits: number; batches: number; events: number } }).ingest;
}

export const closeClients = () => {
  for (const c of clients.values()) c.close();
  clients.clear();
};

/** The same ingest with no HTTP: validated events straight into the ingest service, 800 to a transaction. */
export function inProcessEventsPerSec(path: string, events: RawEvent[]): number {
  const valid = validateEvents(events, Date.now());
  if (!valid.ok) throw new Error(`simulator made invalid events: ${JSON.stringify(valid.errors.slice(0, 3))}`);
  const rt = createRuntime({ DATABASE_PATH: path });
  const started = performance.now();
  for (const b of batches(valid.events, 800)) rt.ingest.ingest(b);
  const seconds = (performance.now() - started) / 1000;
  rt.db.$client.close();
  return valid.events.length / seconds;
}

/** A bare node:http server in its own process (test/bench/bare-http-server.mjs), for the single-POST ceiling. */
export async function startBareHttp(): Promise<{ url: string; port: number; stop: () => void }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [fileURLToPath(new URL('./bare-http-server.mjs', import.meta.url)), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.once('data', () => resolve());
    proc.once('exit', (code) => reject(new Error(`bare HTTP server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, port, stop: () => proc.kill() };
}
