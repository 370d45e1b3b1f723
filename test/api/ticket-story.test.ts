// GET /api/tickets/:id and GET /api/callbacks/:id: one ticket's or callback's events, and what replay says of it now.
import { afterEach, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const m = (minutes: number) => NOW - 6 * 3_600_000 + minutes * 60_000; // 06:00Z + minutes
const iso = (minutes: number) => new Date(m(minutes)).toISOString();
let n = 0;
const e = (type: string, minutes: number, fields: Record<string, unknown>, id = `s${++n}`) => ({ id, type, at: m(minutes), ...fields });

/** A ticket told out of order and in pieces: created, assigned, answered late, resolved, rated twice, reopened; a callback for it. */
const story = () => [
  e('ticket.rated', 95, { ticket: 'T/1 票', score: 5 }, 'r1'),
  e('ticket.created', 10, { ticket: 'T/1 票', channel: 'chat', team: 'wallet', priority: 'urgent', category: 'refund', customer: 'cu-9' }, 'c1'),
  e('ticket.assigned', 12, { ticket: 'T/1 票', agent: 'ann' }, 'a1'),
  e('ticket.replied', 10, { ticket: 'T/1 票', author: 'bot' }, 'b1'),
  e('ticket.replied', 20, { ticket: 'T/1 票', agent: 'ann' }, 'p1'),
  e('ticket.resolved', 90, { ticket: 'T/1 票' }, 'x1'),
  e('ticket.rated', 100, { ticket: 'T/1 票', score: 2, comment: 'slow' }, 'r2'),
  e('ticket.reopened', 200, { ticket: 'T/1 票' }, 'o1'),
  e('ticket.customer_replied', 210, { ticket: 'T/1 票' }, 'w1'),
  e('callback.scheduled', 30, { callback: 'C-1', reason: 'complaint_followup', due: m(60), agent: 'bob', team: 'wallet', ticket: 'T/1 票' }, 'k1'),
  e('callback.attempted', 40, { callback: 'C-1', agent: 'bob', result: 'busy' }, 'k2'),
  e('callback.scheduled', 45, { callback: 'C-1', reason: 'complaint_followup', due: m(120) }, 'k3')
];

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());
const path = (what: string, id: string) => `/api/${what}/${encodeURIComponent(id)}`;

describe('GET /api/tickets/:id', () => {
  // tailLimit 4: most events are in subject_events, the last few in the tail after its mark; undefined: all in the tail.
  for (const tailLimit of [undefined, 4])
    it(`tells a ticket's story: its events in replay's order, and its state now (${tailLimit ? 'indexed and tail' : 'tail'} events)`, async () => {
      t = testApp({ now: () => NOW, tailLimit });
      const evs = story();
      for (let i = 0; i < evs.length; i += 3) expect((await t.post(evs.slice(i, i + 3))).status).toBe(200);
      const indexed = t.rt.db.$client.prepare('SELECT count(*) FROM subject_events').pluck().get() as number;
      if (tailLimit) expect(indexed).toBeGreaterThan(0);
      else expect(indexed).toBe(0);
      const res = await t.get(path('tickets', 'T/1 票'), t.tokens.manager);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.ticket).toBe('T/1 票');
      expect(res.body.events.map((x: any) => x.id)).toEqual(['b1', 'c1', 'a1', 'p1', 'x1', 'r1', 'r2', 'o1', 'w1']);
      expect(res.body.events[1]).toMatchObject({ id: 'c1', type: 'ticket.created', at: iso(10), channel: 'chat', team: 'wallet', priority: 'urgent', category: 'refund', receivedAt: new Date(NOW).toISOString() });
      // The customer is kept with the event and never shown (api/events/schema.ts): not to a manager either.
      expect(res.body.events[1]).not.toHaveProperty('customer');
      expect(res.body.events[6]).toMatchObject({ id: 'r2', score: 2, comment: 'slow' });
      expect(res.body.state).toMatchObject({
        status: 'open',
        team: 'wallet',
        channel: 'chat',
        priority: 'urgent',
        category: 'refund',
        assignee: 'ann',
        createdAt: iso(10),
        firstResponseAt: iso(20),
        firstResponseSec: 600,
        firstResponseWithinTarget: false,
        firstResponder: 'ann',
        // Reopened: no resolution stands now, one was counted.
        resolvedAt: null,
        resolutions: 1,
        reopenings: 1,
        rating: { score: 2, at: iso(100), agent: 'ann' },
        unattendedSince: iso(210)
      });
      expect(res.body.pendingCallbacks).toEqual(['C-1']);
    });

  it('lists an event the moment it is stored, read after read, while the writer indexes the tail in arrears', async () => {
    // tailLimit 3: the mark moves every few posts, past events an earlier read found in the tail.
    t = testApp({ now: () => NOW, tailLimit: 3 });
    const posted: ReturnType<typeof e>[] = [];
    const replayOrder = (evs: ReturnType<typeof e>[]) => [...evs].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1)).map((x) => x.id);
    let marks = 0;
    let lastMark = -1;
    for (const ev of [...story(), e('ticket.replied', 220, { ticket: 'T/1 票', agent: 'ann' }, 'p2'), e('ticket.created', 5, { ticket: 'T3', channel: 'app' }, 't3')]) {
      expect((await t.post([ev])).status).toBe(200);
      posted.push(ev);
      const mark = t.rt.db.$client.prepare('SELECT coalesce(max(seq), 0) FROM subject_events_indexed').pluck().get() as number;
      if (mark !== lastMark) (marks++, (lastMark = mark));
      for (const [what, id, key] of [['tickets', 'T/1 票', 'ticket'], ['callbacks', 'C-1', 'callback'], ['tickets', 'T3', 'ticket']] as const) {
        // A callback's schedule names its ticket, and is the callback's event, not the ticket's.
        const own = posted.filter((p) => p.type.startsWith(`${key}.`) && (p as Record<string, unknown>)[key] === id);
        const res = await t.get(path(what, id), t.tokens.manager);
        if (own.length === 0) expect(res.status).toBe(404);
        else expect(res.body.events.map((x: any) => x.id), `${id} after ${ev.id}`).toEqual(replayOrder(own));
      }
    }
    expect(marks).toBeGreaterThan(2);
    expect((await t.get(path('tickets', 'T/1 票'), t.tokens.manager)).body.state).toMatchObject({ firstResponder: 'ann', unattendedSince: null });
  });

  it('says resolved, when and by whom, once it is', async () => {
    t = testApp({ now: () => NOW });
    expect((await t.post([...story().slice(0, 7), e('ticket.resolved', 250, { ticket: 'T2', agent: 'bob' })])).status).toBe(200);
    const res = await t.get(path('tickets', 'T/1 票'), t.tokens.manager);
    expect(res.body.state).toMatchObject({ status: 'resolved', resolvedAt: iso(90), resolutionSec: 80 * 60, resolvedBy: 'ann', unattendedSince: null });
  });

  it('answers a ticket named by events but not yet created, with no state', async () => {
    t = testApp({ now: () => NOW });
    expect((await t.post([e('ticket.assigned', 5, { ticket: 'T9', agent: 'ann' }, 'z1')])).status).toBe(200);
    const res = await t.get(path('tickets', 'T9'), t.tokens.manager);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ticket: 'T9', events: [{ id: 'z1', type: 'ticket.assigned', agent: 'ann' }], state: null });
  });

  it('answers 404 for a ticket no event names, 400 for an id over 200 characters, 401/403 below manager', async () => {
    t = testApp({ now: () => NOW });
    expect((await t.post(story())).status).toBe(200);
    expect(await t.get(path('tickets', 'T-none'), t.tokens.manager)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    // A callback's id is no ticket's.
    expect((await t.get(path('tickets', 'C-1'), t.tokens.manager)).status).toBe(404);
    const long = await t.get(path('tickets', 'x'.repeat(201)), t.tokens.manager);
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([{ path: 'id', message: expect.stringContaining('201 characters') }]);
    expect((await t.get(path('tickets', 'x'.repeat(200)), t.tokens.manager)).status).toBe(404);
    // An address's escapes read strictly: %ZZ is no escape, and no other name for the ticket %ZZ (%25ZZ).
    expect((await t.post([e('ticket.created', 10, { ticket: '%ZZ', channel: 'chat' })])).status).toBe(200);
    expect((await t.get('/api/tickets/%25ZZ', t.tokens.manager)).body).toMatchObject({ ticket: '%ZZ', state: { status: 'open' } });
    const badEscape = await t.get('/api/tickets/%ZZ', t.tokens.manager);
    expect(badEscape.status).toBe(400);
    expect(badEscape.body.errors).toEqual([{ path: 'id', message: expect.stringContaining('write % as %25') }]);
    expect((await t.get('/api/tickets/T%2F1%20%E7%A5%A8/', t.tokens.manager)).body.ticket).toBe('T/1 票');
    expect((await t.get(path('tickets', 'T/1 票'), null)).status).toBe(401);
    expect((await t.get(path('tickets', 'T/1 票'), t.tokens.supervisor)).status).toBe(403);
    expect((await t.get(path('tickets', 'T/1 票'), t.tokens.admin)).status).toBe(200);
  });
});

describe('GET /api/callbacks/:id', () => {
  it("tells a callback's story: the latest due, its attempts, its ticket", async () => {
    t = testApp({ now: () => NOW, tailLimit: 2 });
    expect((await t.post(story())).status).toBe(200);
    expect((await t.post([e('callback.completed', 130, { callback: 'C-1', outcome: 'confirmed' }, 'k4')])).status).toBe(200);
    const res = await t.get(path('callbacks', 'C-1'), t.tokens.manager);
    expect(res.status).toBe(200);
    expect(res.body.events.map((x: any) => [x.id, x.type])).toEqual([
      ['k1', 'callback.scheduled'],
      ['k2', 'callback.attempted'],
      ['k3', 'callback.scheduled'],
      ['k4', 'callback.completed']
    ]);
    expect(res.body.events[0]).toMatchObject({ at: iso(30), due: iso(60) });
    expect(res.body.state).toMatchObject({
      status: 'completed',
      ticket: 'T/1 票',
      team: 'wallet',
      agent: 'bob',
      reason: 'complaint_followup',
      scheduledAt: iso(30),
      due: iso(120),
      attempts: 1,
      connected: 0,
      completedAt: iso(130),
      completedBy: 'bob',
      onTime: false,
      confirmed: true
    });
    expect((await t.get(path('callbacks', 'C-none'), t.tokens.manager)).status).toBe(404);
    expect((await t.get(path('callbacks', 'T/1 票'), t.tokens.manager)).status).toBe(404);
    expect((await t.get(path('callbacks', 'C-1'), t.tokens.supervisor)).status).toBe(403);
  });
});
