// HTTP ingest through a real server process: batched (100 a POST) and single-event with many clients.
import type { RawEvent } from '../../api/sim/simulator';
import type { RunningServer } from '../helpers/server';
import { httpClient } from './http';
import { batches } from './workload';

const clients = new Map<string, ReturnType<typeof httpClient>>();
function call(server: RunningServer, method: string, path: string, body?: string) {
  let c = clients.get(server.url);
  if (!c) clients.set(server.url, (c = httpClient(server.url, 256)));
  return c.request(method, path, body);
}

/** Sends every body through `clients` concurrent keep-alive connections; returns events per second. */
export async function drive(server: RunningServer, bodies: string[], eventsPerBody: number[], clients: number) {
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
