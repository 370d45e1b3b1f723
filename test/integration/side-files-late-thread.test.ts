// A thread the server starts after its database file was replaced under it (the scan thread, at the first query only a
// scan of facts answers; the checkpointer, started as the server listens, late on a loaded machine; a writer thread
// started again) opened the new file at the database's name, beside the server's -wal and -shm. SQLite, finding no
// lock of another process on the -shm, emptied it and read the server's -wal as the new file's: the server died of a
// bus error (its mapping of the -shm cut short under it), or a checkpoint copied its pages into the file its operator
// put there. Each thread now opens the one file the server opened, or nothing.
import { mkdtempSync, realpathSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupBeside, contents } from '../helpers/file-contents';
import { postEvents, seedToken, startServer, TEST_INGEST_TOKEN } from '../helpers/server';

const batch = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    type: 'ticket.created',
    at: Date.now() - 60_000,
    ticket: `${prefix}-T${i}`,
    channel: 'chat',
    priority: 'high',
    category: 'refund'
  }));

describe('the database file replaced under the server before a thread of it opens the database', () => {
  it('the scan thread started then answers with what the server holds, the server keeps running, and the new file is left as it was put there', async () => {
    const path = join(realpathSync(mkdtempSync(join(tmpdir(), 'floorboard-late-thread-'))), 'kpi.sqlite');
    const supervisor = seedToken(path, 'supervisor');
    const server = await startServer({ dbPath: path });
    const get = (url: string, token = supervisor) => fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
    let putThere: Record<string, unknown[]>;
    try {
      // A backup restored by hand, taken before the tickets came.
      putThere = await backupBeside(path);
      expect((await postEvents(server.url, batch('a', 400))).status).toBe(200);
      renameSync(`${path}.restored`, path);
      // Two filters besides team: only a scan of facts answers, on the scan thread, which opens the database now,
      // before the server's look every 5 s has found the file replaced. Asked again and again while the server reads.
      for (let i = 0; i < 20; i++) {
        const [scanned, overall] = await Promise.all([get('/api/kpis?channel=chat&category=refund'), get('/api/kpis')]);
        expect(scanned.status).toBe(200);
        expect(((await scanned.json()) as { backlog: { open: number } }).backlog.open).toBe(400);
        expect(((await overall.json()) as { backlog: { open: number } }).backlog.open).toBe(400);
      }
      const health = await get('/api/health', TEST_INGEST_TOKEN);
      expect(health.status).toBe(503);
      expect(((await health.json()) as { failing: { message: string } }).failing.message).toContain('replaced by another file');
      await until(() => server.output().includes('is kept as'));
      expect(((await (await get('/api/kpis?channel=chat&category=refund')).json()) as { backlog: { open: number } }).backlog.open).toBe(400);
      await server.kill('SIGTERM');
    } finally {
      await server.kill('SIGKILL');
    }
    expect(server.proc.signalCode).toBeNull();
    expect(server.proc.exitCode).toBe(0);
    expect(contents(path)).toEqual(putThere!);
  }, 90_000);
});

/** Waits for `done` to hold, looking every 100 ms, 20 s at most (the keeping aside is asynchronous). */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}
