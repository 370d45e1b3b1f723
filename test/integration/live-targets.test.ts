// An admin's change of KPI targets reaches every connected wall at once, as an update (no reload), whatever its
// filters; a wall connecting afterwards gets them in its snapshot.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createToken } from '../../api/auth/credentials';
import { loadConfig } from '../../api/config';
import { listen } from '../../api/listen';
import type { ServerMessage, SnapshotMessage, UpdateMessage } from '../../api/live/protocol';
import { DEFAULT_KPI_TARGETS } from '../../api/kpi/targets';
import { createRuntime } from '../../api/runtime';
import { endedAfterEach } from '../helpers/live';
import { freePort, middayZone } from '../helpers/server';

const live = endedAfterEach();

type Live = SnapshotMessage | UpdateMessage;

/** A wall that records every message, subscribed to `filters` once connected. */
function wall(token: string, filters?: Record<string, string>) {
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

describe('KPI targets on the live feed', () => {
  it('sends an admin\'s new targets to every connected wall at once, and in the snapshot of walls that connect later', async () => {
    const config = loadConfig({ DATABASE_PATH: join(mkdtempSync(join(tmpdir(), 'floorboard-live-targets-')), 'kpi.sqlite'), PORT: String(await freePort()), HOST: '127.0.0.1', KPI_TIMEZONE: middayZone() });
    const rt = createRuntime(config);
    const display = createToken(rt.db, 'display', 'wall', Date.now());
    const admin = createToken(rt.db, 'admin', 'admin', Date.now());
    // No time-driven refresh within the test: only the change itself can bring the walls an update.
    live.running = await listen(rt, config, { hub: { minIntervalMs: 50, heartbeatMs: 600_000, pingMs: 600_000 } });

    const centre = wall(display);
    const team = wall(display, { team: 'wallet' });
    await centre.until((m) => m.type === 'snapshot');
    await team.until((m) => m.type === 'snapshot' && m.filters.team === 'wallet');
    expect(centre.messages[0]!.targets).toEqual(DEFAULT_KPI_TARGETS);

    const res = await fetch(`http://127.0.0.1:${live.running.port}/api/targets`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ 'csat.pct': { warn: 95, critical: 90 }, 'backlog.unattended': { warn: 3, critical: 8 } })
    });
    expect(res.status).toBe(200);
    const changed = { ...DEFAULT_KPI_TARGETS, 'csat.pct': { higherIsBetter: true, warn: 95, critical: 90 }, 'backlog.unattended': { higherIsBetter: false, warn: 3, critical: 8 } };
    for (const w of [centre, team]) expect((await w.until((m) => m.type === 'update' && m.targets['csat.pct']!.warn === 95)).targets).toEqual(changed);

    const later = wall(display);
    expect((await later.until((m) => m.type === 'snapshot')).targets).toEqual(changed);
  });
});
