// SPEC.md "Live": a subscription's windows are what GET /api/kpis answers for the same filters (today in
// KPI_TIMEZONE, the last hour ending now), and its agents what GET /api/agents answers for the same filters. A brute-force check: random
// tickets, callbacks and agents' statuses over a few hours (late, ahead of the clock, duplicated, shuffled, in odd
// batches) go to a listening server whose clock the test holds; after each batch and each step of the clock
// (across an hour and the centre's midnight), every number of every subscription is held to the HTTP answers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createToken } from '../../api/auth/credentials';
import { loadConfig } from '../../api/config';
import { listen, type Listening } from '../../api/listen';
import type { AgentKpis, KpiFilters } from '../../api/kpi/types';
import type { ServerMessage, SnapshotMessage, UpdateMessage } from '../../api/live/protocol';
import { dayWindow } from '../../api/kpi/time';
import { ScanThread } from '../../api/queries/scans';
import { createRuntime } from '../../api/runtime';
import { Rng } from '../../api/sim/random';
import { freePort } from '../helpers/server';

const MIN = 60_000;
const HOUR = 60 * MIN;
type Live = SnapshotMessage | UpdateMessage;

/** The simulator's seeded generator, so a failing run is the same run again, with `maybe`: x at chance p, else absent. */
class Random extends Rng {
  maybe<T>(p: number, x: T): T | undefined {
    return this.chance(p) ? x : undefined;
  }
}

const TEAMS = ['wallet', 'risk'];
const AGENTS = ['ann', 'bob', 'cy'];
const CHANNELS = ['chat', 'phone', 'email'];
const PRIORITIES = ['urgent', 'high', 'normal', 'low'];
const CATEGORIES = ['refund', 'other'];
const FILTER_VALUES: Record<keyof KpiFilters, string[]> = { team: TEAMS, channel: CHANNELS, priority: PRIORITIES, category: CATEGORIES, agent: AGENTS };

/** No filter, one, or two of different kinds. */
function randomFilters(r: Random): KpiFilters {
  const keys = Object.keys(FILTER_VALUES) as (keyof KpiFilters)[];
  const n = r.int(0, 2);
  const f: KpiFilters = {};
  while (Object.keys(f).length < n) {
    const k = r.pick(keys);
    f[k] = r.pick(FILTER_VALUES[k]);
  }
  return f;
}

let running: Listening | null = null;
let scans: ScanThread | null = null;
const sockets: WebSocket[] = [];
async function stop() {
  for (const s of sockets.splice(0)) s.terminate();
  await running?.close();
  await scans?.close();
  running = scans = null;
}
afterEach(stop);

/** A server in this process on the test's clock: the hub broadcasts after commits, and when the test says time moved. */
async function start(timezone: string, now: number) {
  const clock = { now };
  const config = loadConfig({
    DATABASE_PATH: join(mkdtempSync(join(tmpdir(), 'floorboard-live-http-')), 'kpi.sqlite'),
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    KPI_TIMEZONE: timezone
  });
  // Two filters besides team are answered on the scan thread, as in the server, at the test's `now`.
  scans = new ScanThread(config.DATABASE_PATH);
  const rt = { ...createRuntime(config, () => clock.now), scans };
  const token = (role: 'display' | 'ingest' | 'supervisor') => createToken(rt.db, role, role, clock.now);
  const tokens = { display: token('display'), ingest: token('ingest'), supervisor: token('supervisor') };
  // No heartbeat within the test: an update comes after a commit, or after the test moves the clock.
  running = await listen(rt, config, { hub: { minIntervalMs: 10, heartbeatMs: 3_600_000, pingMs: 3_600_000 } });
  const base = `http://127.0.0.1:${running.port}`;

  const post = async (events: unknown[]) => {
    const res = await fetch(`${base}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify(events)
    });
    const body = (await res.json()) as { accepted: number };
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body.accepted;
  };
  const get = async (path: string, params: Record<string, string | number | undefined>) => {
    const q = new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
    const res = await fetch(`${base}${path}?${q}`, { headers: { authorization: `Bearer ${tokens.supervisor}` } });
    expect(res.status).toBe(200);
    return res.json() as Promise<any>;
  };
  /** What HTTP answers for a scope with the clock at `at`. */
  const http = async (filters: KpiFilters, at: number) => {
    const saved = clock.now;
    clock.now = at;
    try {
      const [today, lastHour, agents] = await Promise.all([
        get('/api/kpis', { ...filters }),
        get('/api/kpis', { ...filters, from: at - HOUR, to: at }),
        // /api/agents takes every filter but `agent` (its rows are per agent): the live feed's agent scope is that row.
        get('/api/agents', { team: filters.team, channel: filters.channel, priority: filters.priority, category: filters.category })
      ]);
      return { today, lastHour, agents: (agents.agents as AgentKpis[]).filter((a) => filters.agent === undefined || a.agent === filters.agent) };
    } finally {
      clock.now = saved;
    }
  };

  const connect = async (filters: KpiFilters | null) => {
    const ws = new WebSocket(`ws://127.0.0.1:${running!.port}/api/live?token=${tokens.display}`);
    sockets.push(ws);
    const messages: Live[] = [];
    const waiters: (() => void)[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as ServerMessage;
      if (m.type === 'error') throw new Error(`live error: ${m.message}`);
      messages.push(m);
      for (const w of waiters.splice(0)) w();
    });
    const next = (ms: number) =>
      new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, ms);
      });
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    if (filters) ws.send(JSON.stringify({ type: 'subscribe', filters }));
    const client = { filters: filters ?? {}, messages, next };
    return client;
  };
  return { clock, post, http, connect, hub: running.hub };
}
type Server = Awaited<ReturnType<typeof start>>;
type Client = Awaited<ReturnType<Server['connect']>>;

/** The wall's agents: those on shift or with anything today (README); each row is /api/agents' own. */
function expectedAgents(all: AgentKpis[], dayStart: number): AgentKpis[] {
  return all.filter((a) => {
    const c = a.callbacks;
    return (
      (a.status !== null && a.status !== 'offline') ||
      a.open > 0 ||
      (a.statusSince !== null && Date.parse(a.statusSince) >= dayStart) ||
      a.firstResponse.count + a.resolution.count + a.csat.responses + c.scheduled + c.attempts + c.completed > 0
    );
  });
}

/** The differences between a live message and the HTTP answers at its time, as lines (none when they agree). */
async function differences(s: Server, m: Live, tz: string): Promise<string[]> {
  const at = Date.parse(m.at);
  const want = await s.http(m.filters, at);
  const got = { today: m.windows.today, lastHour: m.windows.lastHour, agents: m.agents };
  const exp = { today: want.today, lastHour: want.lastHour, agents: expectedAgents(want.agents, dayWindow(at, tz).from) };
  const out: string[] = [];
  const walk = (path: string, a: unknown, b: unknown) => {
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(`${path}.${k}`, (a as any)[k], (b as any)[k]);
    } else if (a !== b) out.push(`${path}: live ${JSON.stringify(a)}, HTTP ${JSON.stringify(b)}`);
  };
  walk(`${JSON.stringify(m.filters)} at ${m.at}`, got, exp);
  return out;
}

const sameFilters = (a: KpiFilters, b: KpiFilters) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * Waits until the newest message of `c` after its `since`-th that `pick` accepts agrees with HTTP at its time, and
 * fails with its differences when it never does. A message computed before the commit the test waits for may
 * differ; the last one the client is left with must not.
 */
async function agrees(s: Server, c: Client, tz: string, since: number, pick: (m: Live) => boolean, what: string) {
  let last: string[] = [`no message (${what})`];
  let checked: Live | undefined;
  for (let tries = 0; tries < 200; tries++) {
    const newest = c.messages.slice(since).filter((m) => sameFilters(m.filters, c.filters) && pick(m)).at(-1);
    if (newest && newest !== checked) {
      checked = newest;
      last = await differences(s, newest, tz);
      if (last.length === 0) return 1;
    }
    await c.next(100);
  }
  expect(last, what).toEqual([]);
  return 0;
}

interface Subject {
  id: string;
  kind: 'ticket' | 'callback';
  at: number;
}

/** One step's random events: new tickets and callbacks, and more events of the older ones, some late, some ahead. */
function eventsAt(r: Random, now: number, subjects: Subject[], sent: Record<string, unknown>[], step: number) {
  const out: Record<string, unknown>[] = [];
  let n = 0;
  const id = () => `s${step}-${n++}`;
  // Late by up to two hours (now and then a day and more: a helpdesk catching up), or up to four minutes ahead of
  // the clock (5 are allowed); a ticket's event up to ten minutes before its creation (clock skew).
  const when = (after: number) =>
    Math.min(now + 4 * MIN, Math.max(after - 10 * MIN, now - (r.next() < 0.05 ? r.int(20 * HOUR, 30 * HOUR) : r.int(-4 * MIN, 120 * MIN))));
  for (let i = r.int(0, 3); i > 0; i--) {
    const t = { id: `T${subjects.length}`, kind: 'ticket' as const, at: when(now - 30 * HOUR) };
    subjects.push(t);
    out.push({
      id: id(), type: 'ticket.created', at: t.at, ticket: t.id, channel: r.pick(CHANNELS),
      team: r.maybe(0.8, r.pick(TEAMS)), priority: r.maybe(0.7, r.pick(PRIORITIES)), category: r.maybe(0.6, 'refund')
    });
  }
  if (r.next() < 0.5) {
    const c = { id: `C${subjects.length}`, kind: 'callback' as const, at: when(now - 30 * HOUR) };
    subjects.push(c);
    out.push({
      id: id(), type: 'callback.scheduled', at: c.at, callback: c.id, reason: 'pre_approval', due: now + r.int(-60, 90) * MIN,
      team: r.maybe(0.7, r.pick(TEAMS)), agent: r.maybe(0.6, r.pick(AGENTS))
    });
  }
  for (let i = r.int(2, 8); i > 0 && subjects.length; i--) {
    const s = r.pick(subjects);
    const at = when(s.at);
    const agent = r.pick(AGENTS);
    if (s.kind === 'ticket') {
      const e = r.pick([
        { type: 'ticket.assigned', agent, team: r.maybe(0.4, r.pick(TEAMS)) },
        { type: 'ticket.replied', agent },
        { type: 'ticket.replied', author: 'bot' },
        { type: 'ticket.customer_replied' },
        { type: 'ticket.escalated', team: r.maybe(0.5, r.pick(TEAMS)), priority: r.maybe(0.7, r.pick(PRIORITIES)) },
        { type: 'ticket.resolved', agent: r.maybe(0.5, agent) },
        { type: 'ticket.resolved' },
        { type: 'ticket.reopened' },
        { type: 'ticket.abandoned' },
        { type: 'ticket.rated', score: r.int(1, 5) },
        // Created again: the earliest creation stands, a later one sets team and priority.
        { type: 'ticket.created', channel: r.pick(CHANNELS), team: r.maybe(0.5, r.pick(TEAMS)), priority: r.maybe(0.5, r.pick(PRIORITIES)) }
      ]);
      out.push({ id: id(), at, ticket: s.id, ...e });
    } else {
      const e = r.pick([
        { type: 'callback.attempted', agent, result: r.pick(['connected', 'no_answer']) },
        { type: 'callback.completed', outcome: r.pick(['confirmed', 'declined']), agent: r.maybe(0.5, agent) },
        { type: 'callback.cancelled' },
        { type: 'callback.scheduled', reason: 'other', due: now + r.int(-30, 60) * MIN, agent: r.maybe(0.5, agent) }
      ]);
      out.push({ id: id(), at, callback: s.id, ...e });
    }
  }
  if (r.next() < 0.4) out.push({ id: id(), type: 'agent.status', at: when(now), agent: r.pick([...AGENTS, 'dee']), status: r.pick(['available', 'busy', 'away', 'offline']), team: r.maybe(0.7, r.pick(TEAMS)) });
  // Retries: events sent before, sent again.
  for (let i = r.int(0, 2); i > 0 && sent.length; i--) out.push(r.pick(sent));
  sent.push(...out);
  // Shuffled, absent fields left out, in one to three batches.
  const events = out.map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined))).sort(() => r.next() - 0.5);
  const cuts = [0, ...Array.from({ length: r.int(0, 2) }, () => r.int(0, events.length)).sort((a, b) => a - b), events.length];
  return cuts.slice(1).map((end, i) => events.slice(cuts[i], end)).filter((b) => b.length > 0);
}

async function run(tz: string, seed: number, midnight: number, span: number) {
  const r = new Random(seed);
  const spanMin = span * Number(process.env.LIVE_SPAN_SCALE ?? 1);
  const s = await start(tz, midnight - spanMin * MIN - 7_777);
  // Subscribed before any event arrives, and kept through them all: their updates are checked, not only snapshots.
  const kept = await Promise.all(
    [null, { team: 'risk' }, { channel: 'phone' }, { agent: 'bob' }, { team: 'wallet', channel: 'chat' }, { priority: 'urgent', category: 'refund' }, { agent: 'ann', team: 'risk' }].map((f) =>
      s.connect(f)
    )
  );
  let checks = 0;
  for (const c of kept) checks += await agrees(s, c, tz, 0, (m) => m.type === 'snapshot', 'first snapshot');
  const subjects: Subject[] = [];
  const sent: Record<string, unknown>[] = [];

  /** The clock moved: each kept subscription's next update is HTTP's at the new time. */
  const moveTo = async (now: number, what: string) => {
    s.clock.now = now;
    const since = kept.map((c) => c.messages.length);
    s.hub.markDirty();
    for (const [i, c] of kept.entries()) checks += await agrees(s, c, tz, since[i]!, (m) => m.at === new Date(now).toISOString(), what);
  };

  for (let step = 0; s.clock.now < midnight + spanMin * MIN; step++) {
    // The clock moves on; sometimes to just before an hour or midnight, and then just past it.
    const next = s.clock.now + r.int(1, 25) * MIN + r.int(0, 59_999);
    const boundary = Math.ceil(s.clock.now / HOUR) * HOUR;
    const crossesMidnight = s.clock.now < midnight && next >= midnight;
    if (boundary < next && (crossesMidnight || r.next() < 0.7)) {
      const mark = crossesMidnight ? midnight : boundary;
      await moveTo(mark - 1, `just before ${new Date(mark).toISOString()}`);
      await moveTo(mark, `at ${new Date(mark).toISOString()}`);
    }
    await moveTo(next, `step ${step}`);
    // A batch or three, then the kept subscriptions' updates after them, with no nudge from the test.
    const since = kept.map((c) => c.messages.length);
    let accepted = 0;
    for (const batch of eventsAt(r, s.clock.now, subjects, sent, step)) accepted += await s.post(batch);
    // Only retries (or nothing) changed nothing: no update is owed.
    if (accepted > 0)
      for (const [i, c] of kept.entries()) checks += await agrees(s, c, tz, since[i]!, (m) => m.type === 'update', `after step ${step}'s events`);
    // A wall that connects now, with filters of its own.
    const f = randomFilters(r);
    const c = await s.connect(Object.keys(f).length || r.next() < 0.5 ? f : null);
    checks += await agrees(s, c, tz, 0, (m) => m.type === 'snapshot', `new subscription at step ${step}`);
  }
  await stop();
  return checks;
}

describe('the live feed against the HTTP API', () => {
  it('agrees with GET /api/kpis and /api/agents for any filters, through the hours and midnight in Shanghai', async () => {
    const checks = await run('Asia/Shanghai', Number(process.env.LIVE_SEED ?? 1), Date.parse('2026-12-06T00:00:00+08:00'), 60);
    expect(checks).toBeGreaterThan(100);
  });

  it('agrees through the nights Santiago springs forward (its day begins at 01:00) and falls back (a day of 25 hours)', async () => {
    const seed = Number(process.env.LIVE_SEED ?? 2);
    const checks = (await run('America/Santiago', seed, Date.parse('2026-09-06T01:00:00-03:00'), 40)) +
      (await run('America/Santiago', seed + 1, Date.parse('2026-04-05T00:00:00-04:00'), 40));
    expect(checks).toBeGreaterThan(100);
  });
});
