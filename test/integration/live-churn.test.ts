// Walls come and go for months (TVs switched off, networks dropping, browsers reloading): after thousands of
// connections the hub holds what its connected clients need, no more. Sizes are asserted, never timings.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createToken } from '../../api/auth/credentials';
import { loadConfig } from '../../api/config';
import { listen, type Listening } from '../../api/listen';
import { createRuntime } from '../../api/runtime';

let running: Listening | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

/** The hub's own per-client and per-scope state, and ws's set of clients. */
type Internals = { clients: Set<unknown>; latest: Map<string, unknown>; wss: { clients: Set<unknown> } };

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

async function until(ok: () => boolean, ms = 10_000): Promise<boolean> {
  for (let waited = 0; waited < ms && !ok(); waited += 50) await new Promise((r) => setTimeout(r, 50));
  return ok();
}

describe('the live hub after thousands of walls came and went', () => {
  it('keeps no state, timer or cached scope of a client that has gone, however it went', async () => {
    const config = loadConfig({ DATABASE_PATH: join(mkdtempSync(join(tmpdir(), 'floorboard-churn-')), 'kpi.sqlite'), PORT: '0', HOST: '127.0.0.1', KPI_TIMEZONE: 'UTC' });
    const rt = createRuntime(config);
    const token = createToken(rt.db, 'display', 'wall', Date.now());
    running = await listen(rt, config, { hub: { minIntervalMs: 20, heartbeatMs: 200, pingMs: 200 } });
    const hub = running.hub as unknown as Internals;
    const url = `ws://127.0.0.1:${running.port}/api/live?token=${token}`;
    const baseline = timers();

    // One wall of each way of going, 100 at a time: closed cleanly after its snapshot; closed just after subscribing
    // to a scope of its own (its snapshot still owed); cut off without a close frame; or gone silent, answering no
    // ping, until the hub drops it.
    const wall = (i: number) =>
      new Promise<void>((resolve) => {
        const way = i % 4;
        const ws = new WebSocket(url, { autoPong: way !== 3 });
        ws.once('error', () => resolve());
        ws.once('close', () => resolve());
        ws.once('message', () => {
          if (way === 0) ws.close();
          else if (way === 1) ws.send(JSON.stringify({ type: 'subscribe', filters: { agent: `agent-${i}` } }), () => ws.close());
          else if (way === 2) ws.terminate();
        });
      });
    for (let i = 0; i < 2_000; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => wall(i + j)));

    expect(await until(() => hub.clients.size === 0 && hub.wss.clients.size === 0)).toBe(true);
    // One wall left on: the next rounds keep the scope it reads, and none of the 2,000 others'.
    const last = new WebSocket(url);
    await new Promise((r) => last.once('message', r));
    expect(await until(() => hub.latest.size === 1)).toBe(true);
    expect(hub.clients.size).toBe(1);
    // The hub's own timers (heartbeat, ping, the next round) and none owed to a client that has gone.
    expect(timers()).toBeLessThanOrEqual(baseline + 2);
    last.close();
  }, 120_000);
});
