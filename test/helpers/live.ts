// Live tests' server and WebSocket clients, ended after each test: a server left listening holds its port and file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import WebSocket from 'ws';
import { createToken } from '../../api/auth/credentials';
import { loadConfig } from '../../api/config';
import { listen, type Listening } from '../../api/listen';
import type { HubOptions } from '../../api/live/hub';
import type { ServerMessage, SnapshotMessage, UpdateMessage } from '../../api/live/protocol';
import { createRuntime } from '../../api/runtime';
import { freePort, middayZone } from './server';

/** What a test opened: `running`, the server it listens with, and `sockets`, its clients; each ended after each test. */
export function endedAfterEach(): { running: Listening | null; sockets: WebSocket[] } {
  const live = { running: null as Listening | null, sockets: [] as WebSocket[] };
  afterEach(async () => {
    for (const s of live.sockets.splice(0)) s.terminate();
    await live.running?.close();
    live.running = null;
  });
  return live;
}

type Live = SnapshotMessage | UpdateMessage;

/**
 * A server on a new database with a display and an admin token, whose hub sends nothing on its own within a test
 * (no heartbeat, no pings): only a change can bring its clients an update.
 */
export async function listenQuiet(live: { running: Listening | null }, name: string): Promise<{ display: string; admin: string; port: number }> {
  const config = loadConfig({ DATABASE_PATH: join(mkdtempSync(join(tmpdir(), `floorboard-${name}-`)), 'kpi.sqlite'), PORT: String(await freePort()), HOST: '127.0.0.1', KPI_TIMEZONE: middayZone() });
  const rt = createRuntime(config);
  const display = createToken(rt.db, 'display', 'wall', Date.now());
  const admin = createToken(rt.db, 'admin', 'admin', Date.now());
  live.running = await listen(rt, config, { hub: { minIntervalMs: 50, heartbeatMs: 600_000, pingMs: 600_000 } });
  return { display, admin, port: live.running.port };
}

/**
 * A server on a new database in the centre's `zone`, with a display and an ingest token, whose hub runs as `hub`
 * says; `post` sends events to it and expects them stored.
 */
export async function listenInZone(live: { running: Listening | null }, name: string, zone: string, hub: Partial<HubOptions>) {
  const config = loadConfig({ DATABASE_PATH: join(mkdtempSync(join(tmpdir(), `floorboard-${name}-`)), 'kpi.sqlite'), PORT: '0', HOST: '127.0.0.1', KPI_TIMEZONE: zone });
  const rt = createRuntime(config);
  const tokens = { display: createToken(rt.db, 'display', 'wall', Date.now()), ingest: createToken(rt.db, 'ingest', 'test', Date.now()) };
  live.running = await listen(rt, config, { hub });
  const port = live.running.port;
  const post = async (events: unknown[]) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify(events)
    });
    expect(res.status).toBe(200);
  };
  return { port, tokens, post };
}

/** A wall on `live`'s server that records every message but errors, subscribed to `filters` once connected. */
export function recordingWall(live: { running: Listening | null; sockets: WebSocket[] }, token: string, filters?: Record<string, string>) {
  const ws = new WebSocket(`ws://127.0.0.1:${live.running!.port}/api/live?token=${token}`);
  live.sockets.push(ws);
  const messages: Live[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as ServerMessage;
    if (m.type !== 'error') messages.push(m);
  });
  if (filters) ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', filters })));
  // As long as the work takes on a loaded machine: the test's own timeout is the limit.
  const until = async (pred: (m: Live) => boolean): Promise<Live> => {
    for (;;) {
      const found = messages.find(pred);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { messages, until };
}
