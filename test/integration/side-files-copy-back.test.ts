// The copy back of a deleted database (api/deleted-database.ts) opens a new, empty file at the database's name, and
// SQLite, opening an empty database, deletes the -wal beside it: the -wal the server still writes in. Any connection
// opened on the copy afterwards (a thread the server starts late, such as its scan thread) makes a new -wal and resets
// the -shm the server's connections share, which then no longer see what they committed to the old one: a copy made
// again from them (the copy deleted in its turn, or at the stop) held none of it.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postEvents, seedToken, startServer, TEST_INGEST_TOKEN } from '../helpers/server';

const batch = (prefix: string) =>
  Array.from({ length: 20 }, (_, i) => ({ id: `${prefix}-${i}`, type: 'ticket.created', at: Date.now() - 60_000, ticket: `${prefix}-T${i}`, channel: 'chat' }));

describe('the copy back of a deleted database', () => {
  it('a connection opened on the copy (the scan thread) does not cost the server what it committed: copied again, the database still has every acknowledged event', async () => {
    const path = join(realpathSync(mkdtempSync(join(tmpdir(), 'floorboard-copy-back-'))), 'kpi.sqlite');
    const supervisor = seedToken(path, 'supervisor');
    const server = await startServer({ dbPath: path });
    const copies = () => server.output().split(`${path} is copied back`).length - 1;
    try {
      expect((await postEvents(server.url, batch('a'))).status).toBe(200);
      rmSync(path);
      expect((await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } })).status).toBe(503);
      await until(() => copies() === 1);
      // Two filters besides team: only a scan of facts answers, on the scan thread, which starts now; it opened the copy
      // (before db/same-file.mjs), and now opens nothing, the main thread answering.
      const kpis = await fetch(`${server.url}/api/kpis?channel=chat&category=billing`, { headers: { authorization: `Bearer ${supervisor}` } });
      expect(kpis.status).toBe(200);
      rmSync(path);
      await until(() => copies() === 2);
    } finally {
      expect(await server.kill()).toBe(0);
    }
    const again = await startServer({ dbPath: path });
    try {
      expect((await postEvents(again.url, batch('a'))).body).toEqual({ accepted: 0, duplicates: 20 });
    } finally {
      await again.kill();
    }
  }, 60_000);
});

/** Waits for `done` to hold, looking every 100 ms, 20 s at most (the copy is asynchronous). */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}
