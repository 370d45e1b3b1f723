// The writer thread's chores (replaying events whose time has come, the backlog sample, rollup compaction) once the
// database file was found replaced under a running server: once what the server held is kept aside, their commits went
// into the -wal now beside the new file, which a crash left to be read as that file's: the file its operator put there
// came back with the server's pages in it: an open ticket of which it has no event, counted on the wall for good.
import { mkdtempSync, realpathSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupBeside, contents } from '../helpers/file-contents';
import { postEvents, seedToken, startServer, TEST_INGEST_TOKEN } from '../helpers/server';

describe('the database file replaced under a running server, and its chores', () => {
  it('they stop once what the server held is kept aside: a ticket stamped ahead of the clock come due after, and a crash, leave the new file as it was put there', async () => {
    const path = join(realpathSync(mkdtempSync(join(tmpdir(), 'floorboard-replaced-chores-'))), 'kpi.sqlite');
    const supervisor = seedToken(path, 'supervisor');
    const server = await startServer({ dbPath: path });
    const open = async () => {
      const res = await fetch(`${server.url}/api/kpis`, { headers: { authorization: `Bearer ${supervisor}` } });
      return ((await res.json()) as { backlog: { open: number } }).backlog.open;
    };
    let putThere: Record<string, unknown[]>;
    try {
      // A backup restored by hand, taken before a ticket stamped ahead of the clock came: the file has no such ticket.
      putThere = await backupBeside(path);
      // It comes due once what the server holds is kept aside, which takes a second or two.
      const ahead = { id: 'ahead', type: 'ticket.created', at: Date.now() + 15_000, ticket: 'T-ahead', channel: 'chat' };
      expect((await postEvents(server.url, [ahead])).status).toBe(200);
      expect(await open()).toBe(0);
      renameSync(`${path}.restored`, path);
      expect((await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } })).status).toBe(503);
      await until(async () => server.output().includes('is kept as'));
      expect(await open()).toBe(0);
      // Its time come, and the replay of events come due (every second) given a few rounds: it had replayed it, the wall
      // counting it, once the ticket was open there.
      await until(async () => Date.now() > ahead.at + 5_000 || (await open()) === 1, 40_000);
    } finally {
      await server.kill('SIGKILL');
    }
    expect(contents(path)).toEqual(putThere!);
  }, 90_000);
});

/** Waits for `done` to hold, looking every 100 ms, `maxMs` at most. */
async function until(done: () => Promise<boolean>, maxMs = 20_000): Promise<void> {
  for (let waited = 0; !(await done()) && waited < maxMs; waited += 100) await new Promise((r) => setTimeout(r, 100));
}
