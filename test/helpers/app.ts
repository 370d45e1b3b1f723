// A fresh app on a fresh in-memory database, with tokens for each role. Requests go through app.request().
import { createApp } from '../../api/app';
import { createToken, hashPassword, type Role } from '../../api/auth/credentials';
import { users } from '../../db/index';
import { loadConfig } from '../../api/config';
import { createRuntime } from '../../api/runtime';

export function testApp(opts: { now?: () => number; timezone?: string; path?: string; memoSubjects?: number; tailLimit?: number } = {}) {
  const now = opts.now ?? (() => Date.parse('2026-11-24T12:00:00Z'));
  const config = loadConfig({ DATABASE_PATH: opts.path ?? ':memory:', KPI_TIMEZONE: opts.timezone ?? 'UTC' });
  const rt = createRuntime(config, now, { memoSubjects: opts.memoSubjects, tailLimit: opts.tailLimit });
  const tokens = Object.fromEntries(
    (['ingest', 'display', 'supervisor', 'manager', 'admin'] as Role[]).map((r) => [r, createToken(rt.db, r, `test ${r}`, now())])
  ) as Record<Role, string>;
  const app = createApp({ db: rt.db, config, commits: rt.commits, now });

  async function post(body: unknown, o: { token?: string | null; contentType?: string; raw?: boolean } = {}) {
    const headers: Record<string, string> = { 'content-type': o.contentType ?? 'application/json' };
    const token = o.token === undefined ? tokens.ingest : o.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const res = await app.request('/api/events', { method: 'POST', headers, body: o.raw ? (body as string) : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  }

  async function get(path: string, token: string | null = tokens.supervisor) {
    const res = await app.request(path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as any };
  }

  /** Any method with a JSON body (a string as it is), as an admin unless `headers` says otherwise; an empty answer's body is null. */
  async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = { authorization: `Bearer ${tokens.admin}` }) {
    const res = await app.request(path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }

  /** Adds `username` with `role` and signs them in: the headers of their requests (the session's cookie), so a save names them. */
  async function signedIn(username: string, role: Exclude<Role, 'ingest'> = 'admin') {
    const password = `${username}-password-1`;
    rt.db.insert(users).values({ username, passwordHash: hashPassword(password), role, createdAt: now() }).run();
    const login = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    return { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]! };
  }

  const query = (params: Record<string, string | number | undefined>) =>
    new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString();

  return {
    app,
    rt,
    tokens,
    post,
    get,
    send,
    signedIn,
    kpis: async (params: Record<string, string | number | undefined> = {}) => (await get(`/api/kpis?${query(params)}`)).body,
    agents: async (params: Record<string, string | number | undefined> = {}) => (await get(`/api/agents?${query(params)}`)).body,
    close: () => rt.db.$client.close()
  };
}
