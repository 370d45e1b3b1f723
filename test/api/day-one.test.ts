// Day one: a centre no event has reached yet. GET /api/events/stored tells the start page so, until the first event.
import { afterEach, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app';

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

describe('GET /api/events/stored', () => {
  it('is false on a new database and true once one event is stored', async () => {
    t = testApp();
    expect(await t.get('/api/events/stored')).toEqual({ status: 200, body: { stored: false } });
    const sent = await t.post({ id: 'e1', type: 'ticket.created', at: '2026-11-24T11:59:00Z', ticket: 'T-1', channel: 'chat' });
    expect(sent.status).toBe(200);
    expect(await t.get('/api/events/stored')).toEqual({ status: 200, body: { stored: true } });
  });

  it('is false after a refused batch: nothing was stored', async () => {
    t = testApp();
    expect((await t.post([{ id: 'e1', type: 'ticket.created', at: '2026-11-24T11:59:00Z', ticket: 'T-1', channel: 'fax' }])).status).toBe(400);
    expect((await t.get('/api/events/stored')).body).toEqual({ stored: false });
  });

  it('answers 401 without credentials and 403 to a display or ingest token', async () => {
    t = testApp();
    expect((await t.get('/api/events/stored', null)).status).toBe(401);
    expect((await t.get('/api/events/stored', t.tokens.display)).status).toBe(403);
    expect((await t.get('/api/events/stored', t.tokens.ingest)).status).toBe(403);
    for (const role of ['supervisor', 'manager', 'admin'] as const) expect((await t.get('/api/events/stored', t.tokens[role])).status).toBe(200);
  });
});
