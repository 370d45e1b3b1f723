// SPEC.md, Roles: every endpoint × every kind of caller, by every way a credential can be sent. 401 without
// credentials (or with ones that are not, or no longer, accepted), 403 below the role, served otherwise.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { users } from '../../db/index';
import { hashPassword, type Role } from '../../api/auth/credentials';
import { createApp } from '../../api/app';
import { loadConfig } from '../../api/config';
import { testApp } from '../helpers/app';

const NOW = Date.parse('2026-11-24T12:00:00Z');
let clock = NOW;
let t: ReturnType<typeof testApp>;
let app: ReturnType<typeof createApp>;
const cookies: Partial<Record<Role | 'expired' | 'signedOut', string>> = {};

const login = async (username: string, password: string) => {
  const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(res.status, username).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
};

beforeAll(async () => {
  t = testApp({ now: () => clock });
  const site = mkdtempSync(join(tmpdir(), 'floorboard-matrix-'));
  writeFileSync(join(site, 'index.html'), '<!doctype html><script type="module" src="/_app/immutable/entry/start.B1.js"></script>');
  mkdirSync(join(site, '_app', 'immutable', 'entry'), { recursive: true });
  writeFileSync(join(site, '_app', 'immutable', 'entry', 'start.B1.js'), 'export {};');
  app = createApp({ db: t.rt.db, config: loadConfig({ DATABASE_PATH: ':memory:', KPI_TIMEZONE: 'UTC' }), commits: t.rt.commits, now: () => clock, staticDir: site });
  for (const role of ['supervisor', 'manager', 'admin'] as const)
    t.rt.db.insert(users).values({ username: `a-${role}`, passwordHash: hashPassword(`pw-${role}-0123`), role, createdAt: NOW }).run();
  for (const role of ['supervisor', 'manager', 'admin'] as const) cookies[role] = await login(`a-${role}`, `pw-${role}-0123`);
  cookies.signedOut = await login('a-manager', 'pw-manager-0123');
  expect((await app.request('/api/auth/logout', { method: 'POST', headers: { cookie: cookies.signedOut } })).status).toBe(200);
  // Signed in 12 hours before the requests below, which the clock moves to.
  clock = NOW - 12 * 3_600_000;
  cookies.expired = await login('a-admin', 'pw-admin-0123');
  clock = NOW;
});
afterAll(() => t.close());

type Caller = 'none' | 'wrong token' | 'expired session' | 'signed-out session' | Role;
const CALLERS: Caller[] = ['none', 'wrong token', 'expired session', 'signed-out session', 'ingest', 'display', 'supervisor', 'manager', 'admin'];
const PEOPLE: Role[] = ['supervisor', 'manager', 'admin'];

interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  path: string;
  body?: () => string;
  /** The roles served; any other signed-in caller gets 403. `public`: no credentials needed. */
  served: Role[] | 'public';
  /** The status of a served request. */
  ok: number;
  /** Takes `?token=` (the wall's WebSocket). */
  queryToken?: boolean;
  /** For people alone (their session cookie): a token of any role is refused with 403. */
  people?: boolean;
}

let n = 0;
const event = () => JSON.stringify({ id: `m-${++n}`, type: 'ticket.created', at: NOW - 60_000, ticket: `T-m-${n}`, channel: 'email' });
const ENDPOINTS: Endpoint[] = [
  { method: 'POST', path: '/api/events', body: event, served: ['ingest', 'admin'], ok: 200 },
  { method: 'GET', path: '/api/events/stored', served: ['supervisor', 'manager', 'admin'], ok: 200 },
  { method: 'GET', path: '/api/health', served: ['ingest', 'display', 'supervisor', 'manager', 'admin'], ok: 200 },
  { method: 'GET', path: '/api/kpis', served: ['supervisor', 'manager', 'admin'], ok: 200 },
  { method: 'HEAD', path: '/api/kpis', served: ['supervisor', 'manager', 'admin'], ok: 200 },
  { method: 'GET', path: '/api/kpis/?team=payments', served: ['supervisor', 'manager', 'admin'], ok: 200 },
  { method: 'GET', path: '/api/agents', served: ['supervisor', 'manager', 'admin'], ok: 200 },
  { method: 'GET', path: '/api/drill?measure=tickets.created', served: ['manager', 'admin'], ok: 200 },
  { method: 'GET', path: '/api/trend', served: ['manager', 'admin'], ok: 200 },
  // No such ticket or callback: a manager is told so (404); anyone else is refused before the id is looked up.
  { method: 'GET', path: '/api/tickets/T-none', served: ['manager', 'admin'], ok: 404 },
  { method: 'GET', path: '/api/callbacks/C-none', served: ['manager', 'admin'], ok: 404 },
  { method: 'GET', path: '/api/targets', served: ['display', 'supervisor', 'manager', 'admin'], ok: 200 },
  { method: 'PUT', path: '/api/targets', body: () => JSON.stringify({ 'csat.pct': { warn: 85, critical: 75 } }), served: ['admin'], ok: 200 },
  { method: 'GET', path: '/api/sla-policies', served: ['supervisor', 'manager', 'admin'], ok: 200 },
  { method: 'PUT', path: '/api/sla-policies', body: () => JSON.stringify({ rules: [{ priority: 'urgent', channel: 'chat', targetSec: 120 }] }), served: ['admin'], ok: 200 },
  { method: 'GET', path: '/api/team-names', served: ['display', 'supervisor', 'manager', 'admin'], ok: 200 },
  { method: 'PUT', path: '/api/team-names/payments', body: () => JSON.stringify({ names: { en: 'Payments', 'zh-CN': '支付团队' } }), served: ['admin'], ok: 200 },
  { method: 'GET', path: '/api/users', served: ['admin'], ok: 200 },
  { method: 'POST', path: '/api/users', body: () => JSON.stringify({ username: `m-user-${++n}`, password: 'matrix-password-1', role: 'supervisor' }), served: ['admin'], ok: 201 },
  { method: 'PATCH', path: '/api/users/a-supervisor', body: () => JSON.stringify({ role: 'supervisor' }), served: ['admin'], ok: 200 },
  // No such user: an admin is told so (404); anyone else is refused before the name is looked up.
  { method: 'DELETE', path: '/api/users/nobody', served: ['admin'], ok: 404 },
  { method: 'GET', path: '/api/tokens', served: ['admin'], ok: 200 },
  { method: 'POST', path: '/api/tokens', body: () => JSON.stringify({ role: 'display', label: `matrix wall ${++n}` }), served: ['admin'], ok: 201 },
  // No such token: an admin is told so (404); anyone else is refused before the id is looked up.
  { method: 'DELETE', path: '/api/tokens/000000000000', served: ['admin'], ok: 404 },
  { method: 'GET', path: '/api/admin/changes', served: ['admin'], ok: 200 },
  { method: 'GET', path: '/api/admin/changes?kind=targets', served: ['admin'], ok: 200 },
  { method: 'GET', path: '/api/auth/me', served: ['display', 'supervisor', 'manager', 'admin'], ok: 200 },
  // A new password too short: answered 400 once the caller is let in, before any password is checked (or counted as a guess).
  { method: 'POST', path: '/api/auth/password', body: () => JSON.stringify({ currentPassword: 'whatever', newPassword: 'short' }), served: ['display', 'supervisor', 'manager', 'admin'], ok: 400, people: true },
  { method: 'GET', path: '/api/live', served: ['display', 'supervisor', 'manager', 'admin'], ok: 426, queryToken: true },
  { method: 'GET', path: '/', served: 'public', ok: 200 },
  { method: 'GET', path: '/wall', served: 'public', ok: 200 },
  { method: 'GET', path: '/_app/immutable/entry/start.B1.js', served: 'public', ok: 200 }
];

function expected(e: Endpoint, caller: Caller, way: Way): number {
  if (e.served === 'public') return e.ok;
  const role = CALLERS.indexOf(caller) >= 4 ? (caller as Role) : null;
  if (!role) return 401;
  if (e.people && way.how !== 'cookie') return 403;
  return e.served.includes(role) ? e.ok : 403;
}

/** The ways `caller` can send its credential: a bearer header and `?token=` for tokens, the cookie for people. */
interface Way {
  how: string;
  headers: Record<string, string>;
  query?: string;
}
function ways(caller: Caller): Way[] {
  const token = (secret: string): Way[] => [
    { how: 'Bearer', headers: { authorization: `Bearer ${secret}` } },
    { how: '?token=', headers: {}, query: secret }
  ];
  const cookie = (c: string | undefined): Way[] => [{ how: 'cookie', headers: { cookie: c! } }];
  switch (caller) {
    case 'none':
      return [{ how: 'nothing', headers: {} }];
    case 'wrong token':
      return token('not-a-token-of-this-server');
    case 'expired session':
      return cookie(cookies.expired);
    case 'signed-out session':
      return cookie(cookies.signedOut);
    default:
      return [...token(t.tokens[caller]), ...(PEOPLE.includes(caller) ? cookie(cookies[caller]) : [])];
  }
}

describe('every endpoint × every caller', () => {
  for (const e of ENDPOINTS)
    it(`${e.method} ${e.path}`, async () => {
      const got: string[] = [];
      const want: string[] = [];
      for (const caller of CALLERS)
        for (const way of ways(caller)) {
          const path = way.query === undefined ? e.path : `${e.path}${e.path.includes('?') ? '&' : '?'}token=${encodeURIComponent(way.query)}`;
          const res = await app.request(path, { method: e.method, headers: { ...way.headers, 'content-type': 'application/json' }, body: e.body?.() });
          // A 401 names how to authenticate (RFC 9110, 11.6.1); without it some clients (Android's HttpURLConnection)
          // threw "No authentication challenges found" and never read the status or the message.
          got.push(`${caller} by ${way.how}: ${res.status}${res.status === 401 ? ` ${res.headers.get('www-authenticate')}` : ''}`);
          // ?token= is the wall's WebSocket's alone: anywhere else it is no credential at all.
          const status = way.query !== undefined && !e.queryToken && e.served !== 'public' ? 401 : expected(e, caller, way);
          want.push(`${caller} by ${way.how}: ${status}${status === 401 ? ' Bearer realm="floorboard"' : ''}`);
        }
      expect(got).toEqual(want);
    });
});
