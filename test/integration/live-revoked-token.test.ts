// A wall's token revoked by an admin (DELETE /api/tokens/:id) ends the wall's open live feed at the hub's next
// check of its credentials, with the close code the wall shows as "signed out" (4401), not reconnecting.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
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

it('closes the live feed of a wall whose token an admin revoked (4401), and refuses the token for a new one', async () => {
  const config = loadConfig({ DATABASE_PATH: join(mkdtempSync(join(tmpdir(), 'floorboard-revoke-')), 'kpi.sqlite'), PORT: '0', HOST: '127.0.0.1', KPI_TIMEZONE: 'UTC' });
  const rt = createRuntime(config);
  const admin = createToken(rt.db, 'admin', 'test admin', Date.now());
  running = await listen(rt, config, { hub: { minIntervalMs: 50, heartbeatMs: 400, pingMs: 150 } });
  const http = `http://127.0.0.1:${running.port}`;
  const asAdmin = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
  const made = (await (await fetch(`${http}/api/tokens`, { method: 'POST', headers: asAdmin, body: JSON.stringify({ role: 'display', label: 'wall, 3rd floor' }) })).json()) as { token: string; id: string };

  const wall = new WebSocket(`ws://127.0.0.1:${running.port}/api/live?token=${made.token}`);
  const closed = new Promise<number>((resolve) => wall.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => (wall.once('message', resolve), wall.once('error', reject)));
  expect((await fetch(`${http}/api/tokens/${made.id}`, { method: 'DELETE', headers: asAdmin })).status).toBe(204);
  expect(await closed).toBe(4401);

  const again = new WebSocket(`ws://127.0.0.1:${running.port}/api/live?token=${made.token}`);
  again.on('error', () => {});
  expect(await new Promise((resolve) => again.on('unexpected-response', (_req, res) => resolve(res.statusCode)))).toBe(401);
});
