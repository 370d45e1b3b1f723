// Group commit: concurrent requests share transactions, each is answered with its own counts only after its
// commit, and one that fails fails alone.
import { afterEach, describe, expect, it } from 'vitest';
import type { FloorEvent } from '../../api/events/schema';
import { GroupCommit, type Committer } from '../../api/ingest/group-commit';
import { createRuntime, type LocalRuntime } from '../../api/runtime';
import { ev, valid } from '../helpers/events';

let rt: LocalRuntime;
afterEach(() => rt?.db.$client.close());

/** The real ingest, answering after a few milliseconds as the writer thread does, with a log of transactions. */
function slowWriter(log: string[], poison?: string): Committer {
  rt = createRuntime({ DATABASE_PATH: ':memory:' });
  let n = 0;
  return {
    async ingestBatches(batches) {
      const k = ++n;
      log.push(`start ${k}`);
      await new Promise((r) => setTimeout(r, 5));
      if (batches.some((b) => b.some((e) => e.id === poison))) throw new Error('cannot store this one');
      return rt.ingest.ingestBatches(batches);
    }
  };
}

const single = (i: number): FloorEvent[] => valid([ev('ticket.created', i, { ticket: `T-${i}`, channel: 'chat', team: 'wallet' }, `c${i}`)]);
const stored = () => rt.db.$client.prepare('SELECT count(*) FROM events').pluck().get();

describe('group commit', () => {
  it('fifty clients posting one event each share one transaction, and each hears its own counts after it', async () => {
    const log: string[] = [];
    const commits = new GroupCommit(slowWriter(log));
    const answers = await Promise.all([...Array.from({ length: 50 }, (_, i) => commits.submit(single(i))), commits.submit(single(7))]);
    expect(commits.stats).toEqual({ commits: 1, batches: 51, events: 51 });
    expect(answers.filter((a) => a.accepted === 1)).toHaveLength(50);
    expect(answers[50]).toEqual({ accepted: 0, duplicates: 1 });
    expect(stored()).toBe(50);
  });

  it('a request whose transaction fails is refused alone; the others of its group are stored', async () => {
    const log: string[] = [];
    const commits = new GroupCommit(slowWriter(log, 'c3'));
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => commits.submit(single(i))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(stored()).toBe(5);
    // One shared attempt, then each of the six alone.
    expect(log).toHaveLength(7);
  });

  it('refuses a whole group at once while another process holds the database, after one wait for its lock', async () => {
    rt = createRuntime({ DATABASE_PATH: ':memory:' });
    let waits = 0;
    // Each attempt waits the connection's busy timeout (5 s in the server) before SQLITE_BUSY.
    const held: Committer = {
      maxInFlight: Infinity,
      ingestBatches: async () => {
        waits++;
        throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      }
    };
    const commits = new GroupCommit(held);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => commits.submit(single(i))));
    expect(outcomes.map((o) => o.status === 'rejected' && String(o.reason))).toEqual(Array(20).fill('Error: database is locked'));
    // Retried one by one, the twentieth sender heard its 503 after 21 waits (105 s): most clients give up first.
    expect(waits).toBe(1);
  });

  it('says ingest is failing from the first failed group (a full disk) until the next commit, and since when', async () => {
    rt = createRuntime({ DATABASE_PATH: ':memory:' });
    let full = true;
    const disk: Committer = {
      ingestBatches: async (batches) => {
        if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        return rt.ingest.ingestBatches(batches);
      }
    };
    let clock = 1_000;
    const commits = new GroupCommit(disk, () => {}, () => clock);
    expect(commits.failing).toBeNull();
    await expect(commits.submit(single(1))).rejects.toThrow('disk is full');
    clock = 5_000;
    await expect(commits.submit(single(2))).rejects.toThrow('disk is full');
    expect(commits.failing).toEqual({ since: 1_000, message: expect.stringMatching(/^The server’s disk is full, so nothing was stored/) });
    full = false;
    expect(await commits.submit(single(3))).toEqual({ accepted: 1, duplicates: 0 });
    expect(commits.failing).toBeNull();
  });

  it('hands the writer thread a big batch at once, before the other requests read in the same turn are validated; single events still go as one group', async () => {
    rt = createRuntime({ DATABASE_PATH: ':memory:' });
    const posted: number[][] = [];
    // As the writer thread: takes any number of groups, and folds them itself.
    const writer: Committer = { maxInFlight: Infinity, ingestBatches: async (batches) => (posted.push(batches.map((b) => b.length)), rt.ingest.ingestBatches(batches)) };
    const commits = new GroupCommit(writer);
    const big = valid(Array.from({ length: 100 }, (_, i) => ev('ticket.created', i, { ticket: `B-${i}`, channel: 'chat', team: 'wallet' }, `b${i}`)));
    const answered = commits.submit(big);
    // What this turn does next (validating the next request read) comes after the batch was handed over.
    await Promise.resolve();
    expect(posted).toEqual([[100]]);
    const singles = Array.from({ length: 5 }, (_, i) => commits.submit(single(i)));
    await Promise.resolve();
    expect(posted).toEqual([[100]]);
    await Promise.all([answered, ...singles]);
    expect(posted).toEqual([[100], [1, 1, 1, 1, 1]]);
    expect(stored()).toBe(105);
  });
});
