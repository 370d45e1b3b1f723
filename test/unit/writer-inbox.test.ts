// The writer thread's inbox: groups that waited share one transaction; one that cannot be stored fails alone.
import { describe, expect, it } from 'vitest';
import type { BatchResult, Bodies } from '../../api/ingest/ingest';
import type { GroupAnswer } from '../../api/ingest/writer';
import { MAX_GROUP_EVENTS } from '../../api/ingest/group-commit';
import { commitGroups, takeGroups, type Posted } from '../../api/ingest/writer-inbox';

/** A store that refuses any transaction holding the body "poison", and logs each transaction's size. */
function store(log: number[]) {
  return (bodies: Bodies): BatchResult[] => {
    log.push(bodies.length);
    if (bodies.some((b) => b.includes('poison'))) throw Object.assign(new Error('cannot store'), { code: 'SQLITE_CONSTRAINT' });
    return bodies.map((b) => ({ accepted: b.length, duplicates: 0 }));
  };
}
const group = (id: number, ...requests: string[][]): Posted => ({ id, bodies: requests });

describe('writer inbox', () => {
  it('stores the groups that waited in one transaction and answers each with its own counts', () => {
    const log: number[] = [];
    const replies: GroupAnswer[] = [];
    const done = commitGroups([group(1, ['a', 'b']), group(2, ['c'], ['d', 'e', 'f'])], store(log), (r) => replies.push(r), 7);
    expect(done).toBe(1);
    expect(log).toEqual([3]);
    expect(replies).toEqual([
      { kind: 'committed', id: 1, results: [{ accepted: 2, duplicates: 0 }], commit: 8 },
      { kind: 'committed', id: 2, results: [{ accepted: 1, duplicates: 0 }, { accepted: 3, duplicates: 0 }], commit: 8 }
    ]);
  });

  it('when the shared transaction fails, stores each group alone, and only the bad one fails', () => {
    const log: number[] = [];
    const replies: GroupAnswer[] = [];
    const done = commitGroups([group(1, ['a']), group(2, ['poison']), group(3, ['b'])], store(log), (r) => replies.push(r), 0);
    expect(done).toBe(2);
    expect(log).toEqual([3, 1, 1, 1]);
    expect(replies).toEqual([
      { kind: 'committed', id: 1, results: [{ accepted: 1, duplicates: 0 }], commit: 1 },
      { kind: 'failed', id: 2, message: 'cannot store', code: 'SQLITE_CONSTRAINT' },
      { kind: 'committed', id: 3, results: [{ accepted: 1, duplicates: 0 }], commit: 2 }
    ]);
  });

  it('while another process holds the database, fails every group after one wait for its lock, not one wait per group', () => {
    const log: number[] = [];
    const replies: GroupAnswer[] = [];
    const held = (bodies: Bodies): BatchResult[] => {
      log.push(bodies.length);
      throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    };
    expect(commitGroups([group(1, ['a']), group(2, ['b']), group(3, ['c'])], held, (r) => replies.push(r), 0)).toBe(0);
    expect(log).toEqual([3]);
    expect(replies).toEqual([1, 2, 3].map((id) => ({ kind: 'failed', id, message: 'database is locked', code: 'SQLITE_BUSY' })));
  });

  it('takes at most MAX_GROUP_EVENTS events a transaction, but always at least one group', () => {
    const big = (id: number) => group(id, Array.from({ length: MAX_GROUP_EVENTS / 2 + 1 }, () => 'x'));
    const inbox = [big(1), big(2), group(3, ['y'])];
    expect(takeGroups(inbox).map((p) => p.id)).toEqual([1]);
    expect(takeGroups(inbox).map((p) => p.id)).toEqual([2, 3]);
    expect(inbox).toEqual([]);
  });
});
