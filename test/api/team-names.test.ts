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

describe('PUT /api/team-names/:team from names another admin has since saved (If-Match)', () => {
  const admin = () => ({ authorization: `Bearer ${t.tokens.admin}` });
  const etags = async () => (await t.get('/api/team-names', t.tokens.admin)).body.etags;

  it('refuses a save made from older names with 412, naming who saved since and when, and stores nothing; a save from the newest, or with no If-Match, goes through', async () => {
    let clock = NOW;
    t = testApp({ now: () => clock });
    expect((await t.post([ev('ticket.created', 10, { ticket: 'T1', channel: 'chat', team: 'payments' })])).status).toBe(200);
    // Each team listed has its tag; both admins' pages open with payments unnamed.
    const opened = (await etags()).payments;
    expect(opened).toBe('"none"');

    // Another admin names payments first; their save answers the team's new tag, which the list gives too.
    clock = NOW + 20_000;
    const theirs = await put('payments', { names: { en: 'Payments', 'zh-CN': '支付团队' } });
    expect(theirs.status).toBe(200);
    const current = theirs.headers.get('etag')!;
    expect(current).toMatch(/^"[\w-]{22}"$/);
    expect((await etags()).payments).toBe(current);

    // This admin's page still shows payments unnamed: their save is refused, naming who saved and when, and theirs stands.
    clock = NOW + 40_000;
    const mine = await t.send('PUT', '/api/team-names/payments', { names: { en: 'Pay team' } }, { ...admin(), 'if-match': opened });
    expect(mine.status).toBe(412);
    expect(mine.headers.get('etag')).toBe(current);
    expect(mine.body).toEqual({
      error: 'precondition_failed',
      message: `The names of "payments" changed since they were read (If-Match): admin token saved them at ${new Date(NOW + 20_000).toISOString()}. No team name was changed; read GET /api/team-names again and save again.`,
      team: 'payments',
      names: { en: 'Payments', 'zh-CN': '支付团队' },
      savedBy: 'admin token',
      savedAt: NOW + 20_000
    });
    expect((await teams())[0]).toEqual({ team: 'payments', names: { en: 'Payments', 'zh-CN': '支付团队' } });

    // Another team's save is not held by this one's tag.
    expect((await t.send('PUT', '/api/team-names/wallet', { names: { en: 'Wallet' } }, { ...admin(), 'if-match': '"none"' })).status).toBe(200);
    // From the newest names the save stands; so does one with `*`, and one with no If-Match (a script's).
    const again = await t.send('PUT', '/api/team-names/payments', { names: { en: 'Pay team', 'zh-CN': '支付团队' } }, { ...admin(), 'if-match': current });
    expect(again.status).toBe(200);
    expect(again.headers.get('etag')).not.toBe(current);
    expect((await t.send('PUT', '/api/team-names/payments', { names: { en: 'Pay' } }, { ...admin(), 'if-match': '*' })).status).toBe(200);
    expect((await put('payments', { names: { en: 'Payments' } })).status).toBe(200);
    expect((await teams())[0]).toEqual({ team: 'payments', names: { en: 'Payments', 'zh-CN': null } });
  });
});

describe('PUT /api/team-names/:team saving the names as they are', () => {
  it('changes nothing, keeps the tag, and a save from older names is refused naming who changed them, not who saved them again', async () => {
    let clock = NOW;
    t = testApp({ now: () => clock });
    const bea = await t.signedIn('bea');
    clock = NOW + 20_000;
    const theirs = await put('payments', { names: { en: 'Payments' } });
    const current = theirs.headers.get('etag')!;
    // bea's page, read after that, saves the same name again.
    clock = NOW + 40_000;
    const same = await t.send('PUT', '/api/team-names/payments', { names: { en: 'Payments' } }, { ...bea, 'if-match': current });
    expect(same.status).toBe(200);
    expect(same.headers.get('etag')).toBe(current);
    // A page read before any name was saved.
    const mine = await t.send('PUT', '/api/team-names/payments', { names: { en: 'Pay team' } }, { authorization: `Bearer ${t.tokens.admin}`, 'if-match': '"none"' });
    expect(mine.status).toBe(412);
    expect(mine.body).toMatchObject({ savedBy: 'admin token', savedAt: NOW + 20_000 });
    expect((await teams())[0]).toEqual({ team: 'payments', names: { en: 'Payments', 'zh-CN': null } });
  });
});

describe('PUT /api/team-names/:team after another admin cleared the team\'s names', () => {
  it('refuses a save from the names before with 412 saying who cleared them and when, and stores nothing', async () => {
    let clock = NOW;
    t = testApp({ now: () => clock });
    const bea = await t.signedIn('bea');
    expect((await put('payments', { names: { en: 'Payments', 'zh-CN': '支付团队' } })).status).toBe(200);
    const opened = (await t.get('/api/team-names', t.tokens.admin)).body.etags.payments;

    // bea clears both names: nothing is left of them in team_names, and the team is no longer listed.
    clock = NOW + 20_000;
    const cleared = await t.send('PUT', '/api/team-names/payments', { names: { en: null, 'zh-CN': null } }, { ...bea, 'if-match': opened });
    expect(cleared.status).toBe(200);
    expect(await teams()).toEqual([]);

    // This admin's page still shows the names: their save is refused, naming bea and when.
    clock = NOW + 40_000;
    const mine = await t.send('PUT', '/api/team-names/payments', { names: { en: 'Pay team', 'zh-CN': '支付团队' } }, { authorization: `Bearer ${t.tokens.admin}`, 'if-match': opened });
    expect(mine.status).toBe(412);
    expect(mine.headers.get('etag')).toBe(cleared.headers.get('etag'));
    expect(mine.body).toEqual({
      error: 'precondition_failed',
      message: `The names of "payments" changed since they were read (If-Match): bea cleared them at ${new Date(NOW + 20_000).toISOString()}. No team name was changed; read GET /api/team-names again and save again.`,
      team: 'payments',
      names: { en: null, 'zh-CN': null },
      savedBy: 'bea',
      savedAt: NOW + 20_000
    });
    expect(await teams()).toEqual([]);
  });

  it('says plainly that no one was recorded for names cleared before the server kept who saves them', async () => {
    t = testApp({ now: () => NOW });
    // As a release before migration 0019 left a save, then a clearing: rows, then none, and no record of either.
    t.rt.db.$client.prepare("INSERT INTO team_names (team, locale, name, set_by, set_at) VALUES ('payments', 'en', 'Payments', 'admin', ?)").run(NOW - 60_000);
    const opened = (await t.get('/api/team-names', t.tokens.admin)).body.etags.payments;
    t.rt.db.$client.prepare("DELETE FROM team_names WHERE team = 'payments'").run();
    const mine = await t.send('PUT', '/api/team-names/payments', { names: { en: 'Pay team' } }, { authorization: `Bearer ${t.tokens.admin}`, 'if-match': opened });
    expect(mine.status).toBe(412);
    expect(mine.body.message).toBe(
      'The names of "payments" changed since they were read (If-Match): they were cleared, and who cleared them was not recorded (before this server kept it). No team name was changed; read GET /api/team-names again and save again.'
    );
    expect(mine.body).toMatchObject({ savedBy: null, savedAt: null });
  });
});
