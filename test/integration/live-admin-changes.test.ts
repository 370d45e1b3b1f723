// An admin's revoking a wall's token (DELETE /api/tokens/:id), or deleting a user (DELETE /api/users/:username), ends
// the open live feed on it at the hub's next check of its credentials, with the close code the wall shows as
// "signed out" (4401), not reconnecting.
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
let http = '';
let asAdmin: Record<string, string> = {};
afterEach(async () => {
  await running?.close();
  running = null;
});

async function start() {
  const config = loadConfig({ DATABASE_PATH: join(mkdtempSync(join(tmpdir(), 'floorboard-revoke-')), 'kpi.sqlite'), PORT: '0', HOST: '127.0.0.1', KPI_TIMEZONE: 'UTC' });
  const rt = createRuntime(config);
  const admin = createToken(rt.db, 'admin', 'test admin', Date.now());
  running = await listen(rt, config, { hub: { minIntervalMs: 50, heartbeatMs: 400, pingMs: 150 } });
  http = `http://127.0.0.1:${running.port}`;
  asAdmin = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
  return running;
}

/** A feed's close code once it has had its first message and `then` has run. */
async function closedAfter(ws: WebSocket, then: () => Promise<void>): Promise<number> {
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => (ws.once('message', resolve), ws.once('error', reject)));
  await then();
  return closed;
}

it('closes the live feed of a wall whose token an admin revoked (4401), and refuses the token for a new one', async () => {
  running = await start();
  const made = (await (await fetch(`${http}/api/tokens`, { method: 'POST', headers: asAdmin, body: JSON.stringify({ role: 'display', label: 'wall, 3rd floor' }) })).json()) as { token: string; id: string };

  const wall = new WebSocket(`ws://127.0.0.1:${running.port}/api/live?token=${made.token}`);
  const code = await closedAfter(wall, async () => {
    expect((await fetch(`${http}/api/tokens/${made.id}`, { method: 'DELETE', headers: asAdmin })).status).toBe(204);
  });
  expect(code).toBe(4401);

  const again = new WebSocket(`ws://127.0.0.1:${running.port}/api/live?token=${made.token}`);
  again.on('error', () => {});
  expect(await new Promise((resolve) => again.on('unexpected-response', (_req, res) => resolve(res.statusCode)))).toBe(401);
});

it('closes the live feed of a user an admin deleted (4401)', async () => {
  running = await start();
  const user = JSON.stringify({ username: 'mei', password: 'floor-supervisor-1', role: 'supervisor' });
  expect((await fetch(`${http}/api/users`, { method: 'POST', headers: asAdmin, body: user })).status).toBe(201);
  const login = await fetch(`${http}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: user });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const feed = new WebSocket(`ws://127.0.0.1:${running.port}/api/live`, { headers: { cookie, origin: http } });
  const code = await closedAfter(feed, async () => {
    expect((await fetch(`${http}/api/users/mei`, { method: 'DELETE', headers: asAdmin })).status).toBe(204);
  });
  expect(code).toBe(4401);
});

