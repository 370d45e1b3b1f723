// The real server (its writer thread on a connection of its own): an admin's SLA policy is saved while events keep
// coming, and a restarted server still has it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { middayZone, postEvents, seedToken, startServer, type RunningServer } from '../helpers/server';

let running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running) await s.kill();
  running = [];
});
const start = async (dbPath: string) => {
  // About noon in the centre's zone: a reply stamped 80 s ahead is today's (GET /api/kpis's default) whenever the file
  // runs, where in UTC a run in the last 80 s before midnight counted it in tomorrow.
  const s = await startServer({ dbPath, env: { KPI_TIMEZONE: middayZone() } });
  running.push(s);
  return s;
};

describe('SLA policies on the server', () => {
  it('saves a version while the writer thread goes on storing events, and keeps it across a restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-sla-server-')), 'kpi.sqlite');
    const admin = seedToken(path, 'admin');
    const server = await start(path);
    const sla = (method: 'GET' | 'PUT', body?: unknown) =>
      fetch(`${server.url}/api/sla-policies`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const at = Date.now() - 120_000;
    expect((await postEvents(server.url, [{ id: 'c1', type: 'ticket.created', at, ticket: 'T1', channel: 'chat', priority: 'urgent' }])).status).toBe(200);

    const before = Date.now();
    const saved = await sla('PUT', { rules: [{ priority: 'urgent', channel: 'chat', targetSec: 120 }] });
    const after = Date.now();
    expect(saved.status).toBe(200);
    const { versions } = (await saved.json()) as { versions: { effectiveFrom: number; rules: unknown[] }[] };
    expect(versions).toHaveLength(1);
    // The next whole minute after 5 min from the save.
    expect(versions[0].effectiveFrom % 60_000).toBe(0);
    expect(versions[0].effectiveFrom).toBeGreaterThan(before + 5 * 60_000);
    expect(versions[0].effectiveFrom).toBeLessThanOrEqual(after + 6 * 60_000);

    // The writer thread took the word and stores on: the first response, before effectiveFrom, within the default 300 s.
    expect((await postEvents(server.url, [{ id: 'r1', type: 'ticket.replied', at: at + 200_000, ticket: 'T1', agent: 'ann' }])).body).toMatchObject({ accepted: 1 });
    const kpis = await fetch(`${server.url}/api/kpis`, { headers: { authorization: `Bearer ${admin}` } });
    expect(((await kpis.json()) as { firstResponse: unknown }).firstResponse).toMatchObject({ count: 1, withinTarget: 1, breached: 0 });

    await server.kill();
    running = [];
    const again = await start(path);
    const reread = await fetch(`${again.url}/api/sla-policies`, { headers: { authorization: `Bearer ${admin}` } });
    expect(((await reread.json()) as { versions: unknown }).versions).toEqual(versions);
  }, 60_000);
});
