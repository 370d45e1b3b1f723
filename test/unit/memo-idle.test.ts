// The writer keeps each active ticket's and callback's events and facts in memory, so that replay does not read
// them back; one idle for two hours is let go, and read back from the database should it come again.
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime, type LocalRuntime } from '../../api/runtime';
import { T0, ev, valid } from '../helpers/events';

const H = 3_600_000;
const open: LocalRuntime[] = [];
afterEach(() => open.splice(0).forEach((rt) => rt.db.$client.close()));

/** Every row replay and the rollups wrote, table by table. */
function stored(rt: LocalRuntime) {
  const all = (sql: string) => rt.db.$client.prepare(sql).raw().all();
  return {
    facts: all('SELECT * FROM facts ORDER BY id'),
    rollups: all('SELECT * FROM rollups ORDER BY level, dim, value, team, bucket'),
    openTickets: all('SELECT * FROM open_tickets ORDER BY 1'),
    pendingCallbacks: all('SELECT * FROM pending_callbacks ORDER BY 1')
  };
}

describe('the memo of active subjects', () => {
  it('lets go of tickets and callbacks idle for two hours, and replays them from the database as if it had kept them', () => {
    let clock = T0 + 10 * 60_000;
    const now = () => clock;
    const kept = createRuntime({ DATABASE_PATH: ':memory:' }, now, { memoIdleMs: Infinity });
    const swept = createRuntime({ DATABASE_PATH: ':memory:' }, now);
    open.push(kept, swept);
    const send = (events: ReturnType<typeof ev>[]) => {
      for (const rt of [kept, swept]) rt.ingest.ingest(valid(events));
    };
    send([
      ev('ticket.created', 0, { ticket: 'A', channel: 'email', team: 'payments', category: 'refund' }),
      ev('ticket.assigned', 1, { ticket: 'A', agent: 'mei', team: 'payments' }),
      ev('ticket.replied', 4, { ticket: 'A', agent: 'mei' }),
      ev('ticket.created', 2, { ticket: 'B', channel: 'chat', team: 'wallet' }),
      ev('callback.scheduled', 3, { callback: 'K', reason: 'pre_approval', due: T0 + 60 * 60_000, agent: 'mei', team: 'payments' })
    ]);
    expect(swept.ingest.memoized()).toBe(3);
    // Three hours on, another ticket's batch: A, B and K have been idle for more than two.
    clock += 3 * H;
    send([ev('ticket.created', 190, { ticket: 'C', channel: 'phone', team: 'wallet' })]);
    expect(swept.ingest.memoized()).toBe(1);
    expect(kept.ingest.memoized()).toBe(4);
    // They come again: a reply and a rating for A, B resolved and reopened, the callback attempted late and completed.
    send([
      ev('ticket.customer_replied', 191, { ticket: 'A' }),
      ev('ticket.resolved', 192, { ticket: 'A', agent: 'mei' }),
      ev('ticket.rated', 193, { ticket: 'A', score: 2 }),
      ev('ticket.resolved', 192, { ticket: 'B', agent: 'mei' }),
      ev('ticket.reopened', 194, { ticket: 'B' }),
      ev('callback.attempted', 195, { callback: 'K', agent: 'mei', result: 'connected' }),
      ev('callback.completed', 196, { callback: 'K', outcome: 'confirmed', agent: 'mei' })
    ]);
    expect(stored(swept)).toEqual(stored(kept));
    expect(stored(swept).facts.length).toBeGreaterThan(8);
    // And a late event stamped before the others, which changes A's first response: the facts are replaced alike.
    clock += 3 * H;
    send([ev('ticket.replied', 3, { ticket: 'A', agent: 'mei' })]);
    expect(stored(swept)).toEqual(stored(kept));
  });
});
