// Teams arrive in events as codes; an admin gives each a name a person reads, in en and in zh-CN. GET
// /api/team-names for anyone who sees the numbers, PUT /api/team-names/:team for admins.
import { afterEach, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app';
import { ev } from '../helpers/events';

const NOW = Date.parse('2026-11-24T12:00:00Z');
let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

const put = (team: string, body: unknown, token = t.tokens.admin) => t.send('PUT', `/api/team-names/${encodeURIComponent(team)}`, body, { authorization: `Bearer ${token}` });
const teams = async (token = t.tokens.manager) => {
  const got = await t.get('/api/team-names', token);
  expect(got.status).toBe(200);
  return got.body.teams;
};

async function seeded() {
  t = testApp({ now: () => NOW });
  const sent = await t.post([
    ev('ticket.created', 10, { ticket: 'T1', channel: 'chat', team: 'payments' }),
    ev('ticket.created', 20, { ticket: 'T2', channel: 'email', team: 'wallet' }),
    ev('agent.status', 30, { agent: 'ann', status: 'available', team: 'risk' })
  ]);
  expect(sent.status).toBe(200);
}

describe('team names', () => {
  it('lists every team seen in events, with no names until an admin sets them', async () => {
    await seeded();
    expect(await teams()).toEqual([
      { team: 'payments', names: { en: null, 'zh-CN': null } },
      { team: 'risk', names: { en: null, 'zh-CN': null } },
      { team: 'wallet', names: { en: null, 'zh-CN': null } }
    ]);
  });

  it('an admin sets a team\'s names; a manager, a supervisor and a wall read them; the code stays the team', async () => {
    await seeded();
    const set = await put('payments', { names: { en: ' Payments ', 'zh-CN': '支付团队' } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ team: 'payments', names: { en: 'Payments', 'zh-CN': '支付团队' } });
    for (const token of [t.tokens.manager, t.tokens.supervisor, t.tokens.display])
      expect((await teams(token))[0]).toEqual({ team: 'payments', names: { en: 'Payments', 'zh-CN': '支付团队' } });
    // Filters still go by the code.
    expect((await t.kpis({ team: 'payments' })).tickets.created).toBe(1);
    // A name in one language only; null (or leaving it out) takes the other away.
    expect((await put('payments', { names: { 'zh-CN': '支付' } })).status).toBe(200);
    expect((await teams())[0]).toEqual({ team: 'payments', names: { en: null, 'zh-CN': '支付' } });
    expect((await put('payments', { names: { en: null, 'zh-CN': null } })).status).toBe(200);
    expect((await teams())[0]).toEqual({ team: 'payments', names: { en: null, 'zh-CN': null } });
  });

  it('a team named before any event names it is listed with its names', async () => {
    await seeded();
    expect((await put('collections', { names: { en: 'Collections' } })).status).toBe(200);
    expect((await teams()).map((e: { team: string }) => e.team)).toEqual(['collections', 'payments', 'risk', 'wallet']);
  });

  it('only an admin sets names: 401 without credentials, 403 for a supervisor or a manager, and nothing changes', async () => {
    await seeded();
    expect((await t.send('PUT', '/api/team-names/payments', { names: { en: 'X' } }, {})).status).toBe(401);
    for (const token of [t.tokens.supervisor, t.tokens.manager, t.tokens.display, t.tokens.ingest]) expect((await put('payments', { names: { en: 'X' } }, token)).status).toBe(403);
    expect((await t.get('/api/team-names', null)).status).toBe(401);
    expect((await t.get('/api/team-names', t.tokens.ingest)).status).toBe(403);
    expect((await teams())[0].names).toEqual({ en: null, 'zh-CN': null });
  });

  it('a bad body is a 400 naming the field and what is wrong, and nothing stored changes', async () => {
    await seeded();
    expect((await put('payments', { names: { en: 'Payments', 'zh-CN': '支付团队' } })).status).toBe(200);
    const before = await teams();
    const cases: [unknown, string, RegExp][] = [
      [{ names: { en: '' } }, 'names.en', /must not be empty/],
      [{ names: { en: '   ' } }, 'names.en', /must not be empty/],
      [{ names: { 'zh-CN': 'x'.repeat(61) } }, 'names.zh-CN', /at most 60 characters/],
      [{ names: { en: 'Pay\nments' } }, 'names.en', /control characters/],
      [{ names: { en: 42 } }, 'names.en', /expected a string/],
      [{ names: { en: 'Payments', fr: 'Paiements' } }, 'names', /unknown language "fr"; expected "en" or "zh-CN"/],
      [{ names: { zh: '支付' } }, 'names', /unknown language "zh"/],
      [{ en: 'Payments' }, '', /unknown field "en"/],
      [{}, 'names', /required/],
      [[], '', /expected a JSON object/],
      ['{"names":', '', /not JSON/]
    ];
    for (const [body, path, message] of cases) {
      const got = await put('payments', body);
      expect(got.status, JSON.stringify(body)).toBe(400);
      expect(got.body.errors, JSON.stringify(body)).toContainEqual({ path, message: expect.stringMatching(message) });
    }
    const code = await put(' payments', { names: { en: 'X' } });
    expect(code.status).toBe(400);
    expect(code.body.errors[0]).toEqual({ path: 'team', message: expect.stringMatching(/spaces around it/) });
    expect(await teams()).toEqual(before);
  });
});
