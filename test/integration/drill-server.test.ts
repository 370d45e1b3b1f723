// The drill-through on the real server, whose writer thread stores events on a connection of its own: an export
// streams every item while events keep coming, and a ticket's story holds events the writer indexed and not yet.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postEvents, seedToken, startServer, type RunningServer } from '../helpers/server';

let running: RunningServer | null = null;
afterEach(async () => {
  await running?.kill();
  running = null;
});

/** Rows of a CSV body (BOM, header and any cap line aside): none of these cells holds a quote or line break. */
const dataRows = (text: string) => text.replace(/^\uFEFF/, '').split('\r\n').slice(1, -1);

describe('drill-through on the server', () => {
  it('exports every item while events keep coming, and tells the story of a ticket whose events the writer thread stored', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-drill-server-')), 'kpi.sqlite');
    const manager = seedToken(path, 'manager');
    running = await startServer({ dbPath: path });
    const url = running.url;
    const get = (p: string) => fetch(`${url}${p}`, { headers: { authorization: `Bearer ${manager}` } });
    const start = Date.now() - 3 * 3_600_000;
    const window = `from=${new Date(start - 60_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
    const tickets = (from: number, n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => [
        { id: `${prefix}c${from + i}`, type: 'ticket.created', at: start + (from + i) * 1000, ticket: `${prefix}${from + i}`, channel: 'chat', team: 'wallet' },
        { id: `${prefix}r${from + i}`, type: 'ticket.replied', at: start + (from + i) * 1000 + 30_000, ticket: `${prefix}${from + i}`, agent: 'ann' }
      ]).flat();
    for (let b = 0; b < 5; b++) expect((await postEvents(url, tickets(b * 500, 500, 'T'))).status).toBe(200);

    // An export of 2,500 rows, pages of 1,000, while more events come in.
    const [exported, posted] = await Promise.all([
      get(`/api/drill?measure=tickets.created&${window}&format=csv`).then((r) => r.text()),
      postEvents(url, tickets(0, 300, 'U'))
    ]);
    expect(posted).toMatchObject({ status: 200, body: { accepted: 600 } });
    const rows = dataRows(exported);
    expect(rows.length).toBeGreaterThanOrEqual(2500);
    expect(rows.length).toBeLessThanOrEqual(2800);
    expect(new Set(rows.map((r) => r.split(',')[1])).size).toBe(rows.length);

    // Once the events are in, the export and /api/kpis agree.
    const kpis = (await (await get(`/api/kpis?${window}`)).json()) as { tickets: { created: number }; firstResponse: { count: number } };
    expect(kpis.tickets.created).toBe(2800);
    expect(dataRows(await (await get(`/api/drill?measure=tickets.created&${window}&format=csv`)).text())).toHaveLength(2800);
    expect(dataRows(await (await get(`/api/drill?measure=firstResponse.count&${window}&format=csv`)).text())).toHaveLength(kpis.firstResponse.count);

    // The story of a ticket from the first batch, and of one just stored.
    for (const ticket of ['T7', 'U299']) {
      const story = (await (await get(`/api/tickets/${ticket}`)).json()) as { events: { type: string }[]; state: { status: string; firstResponseSec: number; firstResponder: string } };
      expect(story.events.map((e) => e.type), ticket).toEqual(['ticket.created', 'ticket.replied']);
      expect(story.state).toMatchObject({ status: 'open', firstResponseSec: 30, firstResponder: 'ann' });
    }
    expect((await get('/api/tickets/T-none')).status).toBe(404);
  });
});
