// GET /api/seen: the teams, channels and categories a report over a window is split and filtered by.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app';

const NOW = Date.parse('2026-11-24T12:00:00Z');
let n = 0;
const e = (type: string, at: string, fields: Record<string, unknown>) => ({ id: `s${++n}`, type, at, ...fields });

let t: ReturnType<typeof testApp>;
beforeEach(() => (t = testApp({ now: () => NOW })));
afterEach(() => t.close());
const seen = (q: string, token: string | null = t.tokens.manager) => t.get(`/api/seen${q}`, token);

describe('GET /api/seen', () => {
  it('names a team that only tickets carry (no agent of it), with the channels and categories of the window', async () => {
    expect((await t.post([
      e('agent.status', '2026-11-23T08:00:00Z', { agent: 'ann', status: 'available', team: 'wallet' }),
      e('ticket.created', '2026-11-23T09:00:00Z', { ticket: 'T1', channel: 'chat', team: 'wallet', category: 'refund' }),
      e('ticket.created', '2026-11-23T09:03:10Z', { ticket: 'T2', channel: 'phone', team: 'risk', category: 'fraud' }),
      e('ticket.created', '2026-11-23T10:00:00Z', { ticket: 'T3', channel: 'email' }),
      // Outside the window: neither its team nor its channel nor its category is seen.
      e('ticket.created', '2026-11-20T10:00:00Z', { ticket: 'T4', channel: 'social', team: 'cards', category: 'limits' }),
      e('callback.scheduled', '2026-11-23T11:00:00Z', { callback: 'C1', reason: 'other', due: '2026-11-23T12:00:00Z', team: 'dialer' })
    ])).status).toBe(200);
    const res = await seen('?from=2026-11-23&to=2026-11-24');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: '2026-11-23T00:00:00.000Z',
      to: '2026-11-24T00:00:00.000Z',
      teams: ['dialer', 'risk', 'wallet'],
      channels: ['chat', 'email', 'phone'],
      categories: ['fraud', 'other', 'refund']
    });
  });

  it('reads a window whose edges are not on a 5-minute boundary from the facts there', async () => {
    await t.post([e('ticket.created', '2026-11-23T09:03:10Z', { ticket: 'T2', channel: 'phone', team: 'risk', category: 'fraud' })]);
    expect((await seen('?from=2026-11-23T09:03:00Z&to=2026-11-23T09:04:00Z')).body).toMatchObject({ teams: ['risk'], channels: ['phone'], categories: ['fraud'] });
    expect((await seen('?from=2026-11-23T09:03:11Z&to=2026-11-23T09:04:00Z')).body).toMatchObject({ teams: [], channels: [], categories: [] });
  });

  it('forgets a team whose only ticket moved to another team before its facts', async () => {
    await t.post([e('ticket.created', '2026-11-23T09:00:00Z', { ticket: 'T1', channel: 'chat', team: 'risk' })]);
    expect((await seen('?from=2026-11-23&to=2026-11-24')).body.teams).toEqual(['risk']);
    // An earlier created event wins (SPEC): the ticket was always wallet's, and risk's rollup rows now sum to nothing.
    await t.post([e('ticket.created', '2026-11-23T08:00:00Z', { ticket: 'T1', channel: 'chat', team: 'wallet' })]);
    expect((await seen('?from=2026-11-23&to=2026-11-24')).body.teams).toEqual(['wallet']);
  });

  it('answers 401 without credentials and 403 below manager', async () => {
    expect((await seen('', null)).status).toBe(401);
    expect((await seen('', t.tokens.supervisor)).status).toBe(403);
    expect((await seen('', t.tokens.display)).status).toBe(403);
    expect((await seen('', t.tokens.admin)).status).toBe(200);
  });

  it('answers 400 saying what is wrong with from and to, and with a filter it does not take', async () => {
    const bad = async (q: string) => {
      const res = await seen(q);
      expect(res.status).toBe(400);
      return res.body.errors as { path: string; message: string }[];
    };
    expect(await bad('?from=yesterday&to=2026-11-24')).toEqual([expect.objectContaining({ path: 'from' })]);
    expect(await bad('?from=2026-11-23&to=2026-02-30')).toEqual([{ path: 'to', message: '2026-02-30 is not a day of the calendar' }]);
    expect(await bad('?from=2026-11-24&to=2026-11-23')).toEqual([expect.objectContaining({ path: 'to', message: expect.stringContaining('from must be before to') })]);
    expect(await bad('?from=2026-11-23')).toEqual([expect.objectContaining({ path: 'to', message: expect.stringContaining('to is missing') })]);
    expect(await bad('?from=2026-11-23&to=2026-11-24&channel=chat')).toEqual([expect.objectContaining({ path: 'channel', message: expect.stringContaining('unknown parameter') })]);
  });
});
