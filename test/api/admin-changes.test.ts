// GET /api/admin/changes: every admin change (targets, SLA policy, team names, users and roles, tokens) recorded
// once, in the transaction of the change: who, when, the setting's key, before and after. A refused save records
// nothing; never a password or a token's secret. Admins only; a page of 50, newest first, a cursor for the next.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app';

let clock = Date.parse('2026-11-24T12:00:00Z');
let t: ReturnType<typeof testApp>;
let bea: { cookie: string };
beforeEach(async () => {
  t = testApp({ now: () => clock });
  bea = await t.signedIn('bea');
});
afterEach(() => t.close());

const history = async (query = '', token = t.tokens.admin) => t.get(`/api/admin/changes${query}`, token);
const asBea = () => ({ cookie: bea.cookie });

describe('the admin change history', () => {
  it('records each kind of change once, naming who, when, the key, before and after, and no secret', async () => {
    clock += 1000;
    expect((await t.send('PUT', '/api/targets', { 'csat.pct': { warn: 85, critical: 75 } }, asBea())).status).toBe(200);
    clock += 1000;
    expect((await t.send('PUT', '/api/targets', { 'csat.pct': null })).status).toBe(200);
    expect((await t.send('PUT', '/api/sla-policies', { rules: [{ priority: 'urgent', targetSec: 120 }] })).status).toBe(200);
    expect((await t.send('PUT', '/api/team-names/payments', { names: { en: 'Payments', 'zh-CN': null } })).status).toBe(200);
    expect((await t.send('POST', '/api/users', { username: 'mei', password: 'mei-secret-password', role: 'supervisor' })).status).toBe(201);
    expect((await t.send('PATCH', '/api/users/mei', { role: 'manager', password: 'mei-other-password' })).status).toBe(200);
    expect((await t.send('DELETE', '/api/users/mei')).status).toBe(204);
    const made = await t.send('POST', '/api/tokens', { role: 'display', label: 'lobby wall' });
    expect(made.status).toBe(201);
    expect((await t.send('DELETE', `/api/tokens/${made.body.id}`)).status).toBe(204);

    const { status, body } = await history();
    expect(status).toBe(200);
    const shown = body.changes.map((c: any) => [c.by, c.kind, c.key, c.before, c.after]);
    expect(shown).toEqual([
      ['admin token', 'token', made.body.id, { role: 'display', label: 'lobby wall' }, null],
      ['admin token', 'token', made.body.id, null, { role: 'display', label: 'lobby wall' }],
      ['admin token', 'user', 'mei', { role: 'manager' }, null],
      ['admin token', 'user', 'mei', { role: 'supervisor' }, { role: 'manager', password: 'changed' }],
      ['admin token', 'user', 'mei', null, { role: 'supervisor' }],
      ['admin token', 'team-names', 'payments', null, { en: 'Payments' }],
      ['admin token', 'sla-policy', 'policy', null, [{ priority: 'urgent', channel: null, targetSec: 120 }]],
      ['admin token', 'targets', 'csat.pct', { warn: 85, critical: 75 }, null],
      ['bea', 'targets', 'csat.pct', null, { warn: 85, critical: 75 }]
    ]);
    expect(body.changes.at(-1).at).toBe('2026-11-24T12:00:01.000Z');
    expect(body.next).toBeNull();
    const text = JSON.stringify(body);
    for (const secret of ['mei-secret-password', 'mei-other-password', made.body.token]) expect(text).not.toContain(secret);
    expect((await history('?kind=user')).body.changes.map((c: any) => c.kind)).toEqual(['user', 'user', 'user']);
  });

  it('records nothing for a save refused, or one that changed nothing', async () => {
    expect((await t.send('PUT', '/api/targets', { 'csat.pct': { warn: 75, critical: 85 } })).status).toBe(400);
    expect((await t.send('PUT', '/api/targets', { 'csat.pct': { warn: 85, critical: 75 } }, { authorization: `Bearer ${t.tokens.admin}`, 'if-match': '"stale"' })).status).toBe(412);
    expect((await t.send('PUT', '/api/team-names/payments', { names: { en: 'P' } }, { authorization: `Bearer ${t.tokens.admin}`, 'if-match': '"stale"' })).status).toBe(412);
    // bea is the only admin: refused (409), in the transaction that would have recorded it.
    expect((await t.send('DELETE', '/api/users/bea')).status).toBe(409);
    expect((await t.send('PATCH', '/api/users/bea', { role: 'manager' })).status).toBe(409);
    expect((await t.send('DELETE', '/api/users/nobody')).status).toBe(404);
    expect((await t.send('POST', '/api/users', { username: 'BEA', password: 'bea-other-password', role: 'admin' })).status).toBe(409);
    // Already its default: nothing moved.
    expect((await t.send('PUT', '/api/targets', { 'csat.pct': null })).status).toBe(200);
    expect((await history()).body.changes).toEqual([]);
  });

  it('pages 50 at a time, newest first, with a cursor for the next', async () => {
    for (let i = 0; i < 52; i++) expect((await t.send('POST', '/api/tokens', { role: 'display', label: `wall ${i}` })).status).toBe(201);
    const first = await history();
    expect(first.body.changes).toHaveLength(50);
    expect(first.body.changes[0].after.label).toBe('wall 51');
    const second = await history(`?cursor=${first.body.next}`);
    expect(second.body.changes.map((c: any) => c.after.label)).toEqual(['wall 1', 'wall 0']);
    expect(second.body.next).toBeNull();
  });

  it('answers 400 naming the parameter for a kind, cursor or parameter it does not know', async () => {
    const bad = await history('?kind=colour&cursor=abc&page=2');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['', 'cursor', 'kind']);
    expect(JSON.stringify(bad.body.errors)).toContain('targets, sla-policy, team-names, user, token');
    expect((await history('?kind=user&kind=token')).body.errors).toEqual([{ path: 'kind', message: 'given 2 times; give it once' }]);
  });

  it('is for admins alone', async () => {
    for (const role of ['display', 'supervisor', 'manager'] as const) expect((await history('', t.tokens[role])).status).toBe(403);
  });
});
