// `npm run rebuild` as an operator watches it: every stage of the work says how far it is, so a rebuild of a big
// database never sits on one line while it reads every event or sums the hour, day and week rollups.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../api/runtime';
import { ev, valid } from '../helpers/events';
import { runEntry } from '../helpers/server';

describe('npm run rebuild', () => {
  it('shows the progress of each stage, from reading the events to summing the rollups, each to 100 %, then Done', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'floorboard-rebuild-')), 'kpi.sqlite');
    const rt = createRuntime({ DATABASE_PATH: path });
    const events = valid(
      Array.from({ length: 60 }, (_, i) => [
        ev('ticket.created', i * 90, { ticket: `T${i}`, channel: 'chat', team: 'wallet' }),
        ev('ticket.replied', i * 90 + 5, { ticket: `T${i}`, agent: 'ann' }),
        ev('ticket.resolved', i * 90 + 30, { ticket: `T${i}`, agent: 'ann' })
      ]).flat()
    );
    rt.ingest.ingest(events);
    rt.db.$client.close();

    const r = await runEntry('api/cli/rebuild.ts', [], { DATABASE_PATH: path, KPI_TIMEZONE: 'UTC' });
    expect([r.code, r.err]).toEqual([0, '']);
    const lines = r.out.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const read = at(/ 180 \/ 180 events read .*\(100 %\)$/);
    const replayed = at(/ 60 \/ 60 tickets, callbacks and agents replayed \(100 %\)$/);
    const summed = at(/ (\d+) \/ \1 hours, days and weeks summed .*\(100 %\)$/);
    expect([read, replayed, summed], r.out).not.toContain(-1);
    // In the order the work is done, and Done last.
    expect(read).toBeLessThan(replayed);
    expect(replayed).toBeLessThan(summed);
    expect(summed).toBeLessThan(at(/^Done in /));
  }, 60_000);
});
