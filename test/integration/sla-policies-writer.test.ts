// The server's writer thread judges first responses by the SLA policy version saved on the main thread's connection
// from the first batch posted after the save, and a thread started later reads the versions stored.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateEvents } from '../../api/events/parse';
import type { FloorEvent } from '../../api/events/schema';
import { WriterThread } from '../../api/ingest/writer';
import { saveSlaPolicy } from '../../api/sla/saveSlaPolicy';
import { openDb, type Db } from '../../db/open';

let open: { db: Db; writers: WriterThread[] }[] = [];
afterEach(async () => {
  for (const { db, writers } of open) {
    for (const w of writers) await w.close();
    db.$client.close();
  }
  open = [];
});

/** An urgent email ticket answered by `agent` `frtSec` after it was created, the answer at `repliedAt`. */
function ticket(id: string, agent: string, repliedAt: number, frtSec: number): FloorEvent[] {
  const raw = [
    { id: `${id}-c`, type: 'ticket.created', at: repliedAt - frtSec * 1000, ticket: id, channel: 'email', priority: 'urgent' },
    { id: `${id}-r`, type: 'ticket.replied', at: repliedAt, ticket: id, agent }
  ];
  // Stamped up to minutes ahead of the clock: posted straight to the thread, as a batch validated then would be.
  const valid = validateEvents(raw, repliedAt);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  return valid.events;
}

const judged = (db: Db) =>
  Object.fromEntries(
    (db.$client.prepare("SELECT agent, flag FROM facts WHERE kind = 'first_response' ORDER BY agent").all() as { agent: string; flag: number }[]).map((r) => [
      r.agent,
      r.flag ? 'within' : 'breached'
    ])
  );

describe('SLA policies on the writer thread', () => {
  it('judges the batches posted after a save by it, first responses before its effectiveFrom by the old rules, and a new thread reads it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-sla-writer-')), 'kpi.sqlite');
    const db = openDb(path);
    const first = new WriterThread({ path });
    const entry = { db, writers: [first] };
    open.push(entry);
    await first.started;
    // Something stored first: the thread has read the (empty) policies and replayed with them.
    await first.ingestBatches([ticket('T0', 'ann', Date.now() - 60_000, 100)]);

    const effectiveFrom = saveSlaPolicy(db.$client, [{ priority: 'urgent', channel: null, targetSec: 60 }], 'admin', Date.now());
    first.slaPoliciesChanged();
    // 150 s: within the default 300 s before effectiveFrom, breached against 60 s from it.
    await first.ingestBatches([ticket('T1', 'bob', effectiveFrom - 1, 150), ticket('T2', 'cy', effectiveFrom, 150)]);
    expect(judged(db)).toEqual({ ann: 'within', bob: 'within', cy: 'breached' });

    await first.close();
    const second = new WriterThread({ path });
    entry.writers.push(second);
    await second.started;
    await second.ingestBatches([ticket('T3', 'dee', effectiveFrom + 60_000, 150)]);
    expect(judged(db)).toMatchObject({ dee: 'breached' });
  });
});
