// Under sustained ingest the WAL must stay bounded: a checkpoint every 16,000 pages (~66 MB of WAL), so the
// file never holds more than that and one commit. Without checkpoints these events grow it past 130 MB.
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recentEvents, batches } from '../bench/workload';
import { TEST_INGEST_TOKEN, startServer } from '../helpers/server';

const WAL_LIMIT_BYTES = 72 * 1024 * 1024;

describe('WAL under sustained ingest', () => {
  it('stays under 72 MB while 100,000 events stream in, and is folded back at shutdown', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'floorboard-wal-')), 'kpi.sqlite');
    const server = await startServer({ dbPath });
    const walSize = () => (existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0);
    let largest = 0;
    const bodies = batches(recentEvents(100_000, 11), 500).map((b) => JSON.stringify(b));
    for (const body of bodies) {
      const res = await fetch(`${server.url}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}`, 'content-type': 'application/json' },
        body
      });
      expect(res.status).toBe(200);
      largest = Math.max(largest, walSize());
    }
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThan(WAL_LIMIT_BYTES);
    expect(await server.kill('SIGTERM')).toBe(0);
    expect(walSize()).toBe(0);
  }, 120_000);
});
