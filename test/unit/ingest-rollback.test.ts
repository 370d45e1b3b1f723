// A transaction that fails midway (here: the SLA lookup throws during replay) stores nothing, and ingest forgets
// what it held in memory for it: resending the batch stores it as if the failure never happened.
import { describe, expect, it } from 'vitest';
import { openDb } from '../../db/open';
import { createIngestService } from '../../api/ingest/ingest';
import { derivedTables } from '../helpers/derived';
import { ev, valid } from '../helpers/events';

const now = () => Date.parse('2026-11-24T12:00:00Z');

describe('a failed ingest transaction', () => {
  it('rolls back completely, and the same batch sent again is stored exactly once', () => {
    let failing = false;
    const db = openDb(':memory:');
    const ingest = createIngestService(db.$client, {
      now,
      targetSec: () => {
        if (failing) throw new Error('SLA policy store unavailable');
        return 300;
      }
    });
    const first = valid([ev('ticket.created', 0, { ticket: 'T1', channel: 'chat', team: 'wallet' }), ev('ticket.replied', 2, { ticket: 'T1', agent: 'ann' })]);
    // A new ticket, a new callback and an agent: subjects that get their numbers inside the failing transaction.
    const second = valid([
      ev('ticket.created', 3, { ticket: 'T2', channel: 'email', team: 'payments' }),
      ev('callback.scheduled', 3, { callback: 'C9', reason: 'unconfirmed_payment', due: Date.parse('2026-11-24T03:00:00Z'), team: 'payments' }),
      ev('agent.status', 3, { agent: 'bo', status: 'available', team: 'payments' }),
      ev('ticket.replied', 5, { ticket: 'T2', agent: 'bo' }),
      ev('ticket.replied', 6, { ticket: 'T1', agent: 'ann' })
    ]);
    expect(ingest.ingest(first)).toEqual({ accepted: 2, duplicates: 0 });
    const before = derivedTables(db.$client);

    failing = true;
    expect(() => ingest.ingest(second)).toThrow('SLA policy store unavailable');
    expect(derivedTables(db.$client)).toEqual(before);
    expect(db.$client.prepare('SELECT count(*) FROM events').pluck().get()).toBe(2);

    failing = false;
    expect(ingest.ingest(second)).toEqual({ accepted: second.length, duplicates: 0 });
    // Every stored event names a subject that exists, so a rebuild finds it.
    expect(db.$client.prepare('SELECT count(*) FROM events WHERE sid NOT IN (SELECT sid FROM subjects)').pluck().get()).toBe(0);

    const fresh = openDb(':memory:');
    createIngestService(fresh.$client, { now, targetSec: () => 300 }).ingest([...first, ...second]);
    expect(derivedTables(db.$client)).toEqual(derivedTables(fresh.$client));
    ingest.rebuild();
    expect(derivedTables(db.$client)).toEqual(derivedTables(fresh.$client));
  });
});
