// A token's last use (GET /api/tokens) once the database file was found deleted under a running server: stored then,
// it went into the deleted file, lost at the restart (or, the file replaced, into the -wal beside the new one). It is
// not stored until the restart, and the token goes on working meanwhile.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedToken, startServer, TEST_INGEST_TOKEN } from '../helpers/server';

describe("a token's use once the database file was found deleted", () => {
  it('is not stored while the server runs on the deleted file, and is again after the restart', async () => {
    const path = join(realpathSync(mkdtempSync(join(tmpdir(), 'floorboard-side-token-use-'))), 'kpi.sqlite');
    const admin = seedToken(path, 'admin');
    const wall = seedToken(path, 'display');
    const wallUse = async (url: string) => {
      const res = await fetch(`${url}/api/tokens`, { headers: { authorization: `Bearer ${admin}` } });
      return ((await res.json()) as { tokens: { label: string; lastUsedAt: number | null }[] }).tokens.find((t) => t.label === 'test display')!.lastUsedAt;
    };
    const server = await startServer({ dbPath: path });
    try {
      rmSync(path);
      expect((await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } })).status).toBe(503);
      await until(() => server.output().includes('is copied back'));
      // The wall's token still opens what it may (health says why it is 503), but its use is not written.
      const health = await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${wall}` } });
      expect(health.status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await wallUse(server.url)).toBeNull();
    } finally {
      await server.kill();
    }
    const again = await startServer({ dbPath: path });
    try {
      expect(await wallUse(again.url)).toBeNull();
      expect((await fetch(`${again.url}/api/health`, { headers: { authorization: `Bearer ${wall}` } })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await wallUse(again.url)).toEqual(expect.any(Number));
    } finally {
      await again.kill();
    }
  }, 60_000);
});

/** Waits for `done` to hold, looking every 100 ms, 20 s at most (the save is asynchronous). */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}
