// A live subscription's agents follow all its filters: a supervisor watching chat alone sees each agent's chat
// figures, as GET /api/agents?channel=chat gives them, which add up to the chat tiles beside them; the whole
// centre's wall still sees every channel's.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createToken } from '../../api/auth/credentials';
import { loadConfig } from '../../api/config';
import { listen } from '../../api/listen';
import type { AgentKpis, KpiFilters } from '../../api/kpi/types';
import type { ServerMessage, SnapshotMessage, UpdateMessage } from '../../api/live/protocol';
import { createRuntime } from '../../api/runtime';
import { endedAfterEach } from '../helpers/live';

type Live = SnapshotMessage | UpdateMessage;
const MIN = 60_000;
// Mid-afternoon in the centre's zone: every event below is today's, whenever the test runs.
const NOW = Date.parse('2026-12-07T15:00:00+08:00');

const live = endedAfterEach();

async function start() {
  const config = loadConfig({
    DATABASE_PATH: join(mkdtempSync(join(tmpdir(), 'floorboard-live-agents-')), 'kpi.sqlite'),
    PORT: '0',
    HOST: '127.0.0.1',
    KPI_TIMEZONE: 'Asia/Shanghai'
  });
  const rt = createRuntime(config, () => NOW);
  const tokens = { display: createToken(rt.db, 'display', 'wall', NOW), ingest: createToken(rt.db, 'ingest', 'test', NOW), supervisor: createToken(rt.db, 'supervisor', 'sup', NOW) };
  live.running = await listen(rt, config, { hub: { minIntervalMs: 20, heartbeatMs: 3_600_000, pingMs: 3_600_000 } });
  const base = `http://127.0.0.1:${live.running.port}`;

  const post = async (events: unknown[]) => {
    const res = await fetch(`${base}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${tokens.ingest}`, 'content-type': 'application/json' }, body: JSON.stringify(events) });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const agents = async (params: Record<string, string>) => {
    const res = await fetch(`${base}/api/agents?${new URLSearchParams(params)}`, { headers: { authorization: `Bearer ${tokens.supervisor}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { agents: AgentKpis[] }).agents;
  };
  const connect = async (filters: KpiFilters | null) => {
    const ws = new WebSocket(`ws://127.0.0.1:${live.running!.port}/api/live?token=${tokens.display}`);
    live.sockets.push(ws);
    const messages: Live[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as ServerMessage;
      if (m.type === 'error') throw new Error(`live error: ${m.message}`);
      messages.push(m);
    });
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    if (filters) ws.send(JSON.stringify({ type: 'subscribe', filters }));
    const keyOf = (f: KpiFilters) => JSON.stringify(Object.entries(f).sort());
    const want = keyOf(filters ?? {});
    /** The first message of this subscription's filters (after the first `after` messages) that `pred` accepts. */
    const until = async (pred: (m: Live) => boolean, after = 0): Promise<Live> => {
      for (let i = 0; i < 600; i++) {
        const m = messages.slice(after).find((x) => keyOf(x.filters) === want && pred(x));
        if (m) return m;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no message for ${want}; got ${messages.length}`);
    };
    return { messages, until };
  };
  return { post, agents, connect };
}

const at = (m: number) => NOW - m * MIN;
let n = 0;
const ticket = (id: string, channel: string, agent: string, createdMinAgo: number, repliedMinAgo: number, resolved: boolean) => [
  { id: `e${++n}`, type: 'ticket.created', at: at(createdMinAgo), ticket: id, channel, team: 'wallet' },
  { id: `e${++n}`, type: 'ticket.assigned', at: at(createdMinAgo) + 1000, ticket: id, agent, team: 'wallet' },
  { id: `e${++n}`, type: 'ticket.replied', at: at(repliedMinAgo), ticket: id, agent },
  ...(resolved ? [{ id: `e${++n}`, type: 'ticket.resolved', at: at(repliedMinAgo) + 60_000, ticket: id, agent }] : []),
  ...(resolved ? [{ id: `e${++n}`, type: 'ticket.rated', at: at(repliedMinAgo) + 120_000, ticket: id, score: channel === 'chat' ? 5 : 2 }] : [])
];
const statuses = ['ann', 'bob', 'cy'].map((agent) => ({ id: `st-${agent}`, type: 'agent.status', at: at(300), agent, status: 'available', team: 'wallet' }));

/** Each agent's figures as the wall shows them (its row, name and status aside). */
const figures = (rows: AgentKpis[]) =>
  Object.fromEntries(rows.map((a) => [a.agent, { open: a.open, firstResponse: a.firstResponse, resolution: a.resolution, csat: a.csat, callbacks: a.callbacks }]));
const sum = (rows: AgentKpis[], pick: (a: AgentKpis) => number) => rows.reduce((s, a) => s + pick(a), 0);

describe("the live feed's agents under a subscription's filters", () => {
  it("a chat subscriber sees each agent's chat figures, as /api/agents?channel=chat gives them, in the snapshot and after new events; the whole centre's stay whole", async () => {
    const s = await start();
    await s.post([
      ...statuses,
      ...ticket('C1', 'chat', 'ann', 200, 198, true),
      ...ticket('C2', 'chat', 'ann', 150, 140, false),
      ...ticket('P1', 'phone', 'ann', 120, 100, true),
      ...ticket('P2', 'phone', 'bob', 90, 60, true),
      ...ticket('E1', 'email', 'bob', 80, 20, false)
    ]);
    const chat = await s.connect({ channel: 'chat' });
    const whole = await s.connect(null);

    const snapshot = await chat.until((m) => m.type === 'snapshot');
    expect(figures(snapshot.agents)).toEqual(figures(await s.agents({ channel: 'chat' })));
    const ann = snapshot.agents.find((a) => a.agent === 'ann')!;
    // ann answered two chats and a phone call today: under chat, two.
    expect(ann.firstResponse.count).toBe(2);
    expect(ann.resolution.count).toBe(1);
    expect(ann.csat).toMatchObject({ responses: 1, positive: 1 });
    expect(ann.open).toBe(1);
    expect(snapshot.agents.find((a) => a.agent === 'bob')!.firstResponse.count).toBe(0);
    // The agents' rows add up to the tiles beside them.
    expect(sum(snapshot.agents, (a) => a.firstResponse.count)).toBe(snapshot.windows.today.firstResponse.count);
    expect(sum(snapshot.agents, (a) => a.resolution.count)).toBe(snapshot.windows.today.tickets.resolved);

    const wholeSnapshot = await whole.until((m) => m.type === 'snapshot');
    expect(figures(wholeSnapshot.agents)).toEqual(figures(await s.agents({})));
    expect(wholeSnapshot.agents.find((a) => a.agent === 'ann')!.firstResponse.count).toBe(3);
    expect(wholeSnapshot.agents.find((a) => a.agent === 'bob')!.firstResponse.count).toBe(2);

    // New events of both channels: the next updates follow them, each in its own scope.
    const [chatSince, wholeSince] = [chat.messages.length, whole.messages.length];
    await s.post([...ticket('C3', 'chat', 'bob', 30, 25, true), ...ticket('P3', 'phone', 'cy', 20, 10, true), ...ticket('C4', 'chat', 'cy', 15, 5, false)]);
    const update = await chat.until((m) => m.type === 'update' && m.windows.today.tickets.created === 4, chatSince);
    expect(figures(update.agents)).toEqual(figures(await s.agents({ channel: 'chat' })));
    expect(update.agents.find((a) => a.agent === 'bob')!.firstResponse.count).toBe(1);
    expect(update.agents.find((a) => a.agent === 'cy')!.firstResponse.count).toBe(1);
    expect(update.agents.find((a) => a.agent === 'cy')!.resolution.count).toBe(0);
    expect(sum(update.agents, (a) => a.firstResponse.count)).toBe(update.windows.today.firstResponse.count);
    expect(sum(update.agents, (a) => a.resolution.count)).toBe(update.windows.today.tickets.resolved);

    const wholeUpdate = await whole.until((m) => m.type === 'update' && m.windows.today.tickets.created === 8, wholeSince);
    expect(figures(wholeUpdate.agents)).toEqual(figures(await s.agents({})));
    expect(wholeUpdate.agents.find((a) => a.agent === 'cy')!.firstResponse.count).toBe(2);
    expect(wholeUpdate.agents.find((a) => a.agent === 'cy')!.resolution.count).toBe(1);
  });

  it('narrows the agents by priority and category too, and with a team, as /api/agents does with both', async () => {
    const s = await start();
    await s.post([
      ...statuses,
      { id: 'u1', type: 'ticket.created', at: at(60), ticket: 'U1', channel: 'phone', priority: 'urgent', category: 'refund', team: 'wallet' },
      { id: 'u2', type: 'ticket.replied', at: at(58), ticket: 'U1', agent: 'ann' },
      { id: 'n1', type: 'ticket.created', at: at(50), ticket: 'N1', channel: 'phone', team: 'wallet' },
      { id: 'n2', type: 'ticket.replied', at: at(40), ticket: 'N1', agent: 'ann' }
    ]);
    for (const [filters, params] of [
      [{ priority: 'urgent' }, { priority: 'urgent' }],
      [{ category: 'refund', team: 'wallet' }, { category: 'refund', team: 'wallet' }]
    ] as const) {
      const c = await s.connect(filters);
      const m = await c.until((x) => x.type === 'snapshot');
      expect(figures(m.agents), JSON.stringify(filters)).toEqual(figures(await s.agents(params)));
      expect(m.agents.find((a) => a.agent === 'ann')!.firstResponse.count, JSON.stringify(filters)).toBe(1);
    }
  });

  it("an agent's subscriber sees that agent's row alone, as /api/agents gives it", async () => {
    const s = await start();
    await s.post([...statuses, ...ticket('C1', 'chat', 'ann', 100, 90, true), ...ticket('P1', 'phone', 'bob', 80, 70, true)]);
    const c = await s.connect({ agent: 'ann' });
    const m = await c.until((x) => x.type === 'snapshot');
    expect(m.agents.map((a) => a.agent)).toEqual(['ann']);
    expect(figures(m.agents)).toEqual(figures((await s.agents({})).filter((a) => a.agent === 'ann')));
    const both = await s.connect({ agent: 'bob', channel: 'chat' });
    const b = await both.until((x) => x.type === 'snapshot');
    expect(b.agents.map((a) => a.agent)).toEqual(['bob']);
    expect(b.agents[0]!.firstResponse.count).toBe(0);
    expect(figures(b.agents)).toEqual(figures((await s.agents({ channel: 'chat' })).filter((a) => a.agent === 'bob')));
  });
});
