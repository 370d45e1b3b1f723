// Ingests the first 3,000 Kaggle support tickets (channels, priorities, types, ratings) and checks the API
// against a plain reading of each ticket's stamps (kaggle-plain.ts), which shares no code with the events
// kaggle.ts sends. What the bank's calls cannot show: ratings (CSAT counted at the rating's time, credited to
// whoever resolved the ticket), four channels and priorities with their own first-response targets, and
// resolutions stamped before the first response.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app';
import { backlogModel, expectNear, matches, windowModel, type Filters } from '../helpers/spec-model';
import { kaggleEvents, readKaggleTickets } from './kaggle';
import { plainTicket } from './kaggle-plain';

const HOUR = 3_600_000;
const START = Date.parse('2023-05-31T00:00:00Z');
const NOW = Date.parse('2023-06-04T00:00:00Z');
const ALL = { from: START, to: NOW };

const all = readKaggleTickets();
const slice = all.filter((k) => Number(k.ticket.slice(1)) <= 3_000);
const plain = slice.map(plainTicket);
const facts = plain.flatMap((m) => m.facts);

let t: ReturnType<typeof testApp>;
afterAll(() => t?.close());

beforeAll(async () => {
  t = testApp({ now: () => NOW, timezone: 'UTC' });
  const events = kaggleEvents(slice);
  // Shuffled, in odd batch sizes, and every 11th event sent again in a later batch, as a retrying sender would.
  const sent = [...events, ...events.filter((_, i) => i % 11 === 0)];
  for (let i = sent.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [sent[i], sent[j]] = [sent[j], sent[i]];
  }
  let accepted = 0;
  for (let i = 0, size = 733; i < sent.length; i += size, size = size === 733 ? 2003 : 733) {
    const r = await t.post(sent.slice(i, i + size));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    accepted += r.body.accepted;
  }
  expect(accepted).toBe(events.length);
});

describe('Kaggle customer-support tickets 1–3,000', () => {
  it('reads the whole file as published: 8,469 tickets, 2,769 closed and rated 553/549/580/543/544', () => {
    expect(all).toHaveLength(8_469);
    expect(all.filter((k) => k.status === 'Closed')).toHaveLength(2_769);
    expect([1, 2, 3, 4, 5].map((s) => all.filter((k) => k.score === s).length)).toEqual([553, 549, 580, 543, 544]);
    expect(all.filter((k) => k.resolved !== null && k.firstResponse !== null && k.resolved < k.firstResponse)).toHaveLength(1_365);
    expect(slice).toHaveLength(3_000);
  });

  it('counts the whole period, CSAT included, as the plain reading does', async () => {
    const got = await t.kpis(ALL);
    const want = windowModel(facts.filter((f) => matches(f, ALL, {})));
    expect(got.csat.responses).toBe(slice.filter((k) => k.score !== null).length);
    expectNear(got, want);
  });

  it('matches every hour: ratings and resolutions counted at their own time', async () => {
    for (let from = START + 18 * HOUR; from < NOW; from += HOUR) {
      const w = { from, to: from + HOUR };
      const got = await t.kpis(w);
      const want = windowModel(facts.filter((f) => matches(f, w, {})));
      expect({ from: new Date(from).toISOString(), ...got.tickets, csat: got.csat.responses }).toEqual({ from: new Date(from).toISOString(), ...want.tickets, csat: want.csat.responses });
      expectNear(got, want);
    }
  });

  it('filters by channel, priority (each with its own first-response target), type and team', async () => {
    const filters: Filters[] = [
      ...['email', 'phone', 'social', 'chat'].map((channel) => ({ channel })),
      ...['urgent', 'high', 'normal', 'low'].map((priority) => ({ priority })),
      { category: 'Refund request' },
      { team: 'voice', priority: 'urgent' },
      { team: 'digital', category: 'Billing inquiry' }
    ];
    for (const q of filters) {
      const got = await t.kpis({ ...ALL, ...q });
      const want = windowModel(facts.filter((f) => matches(f, ALL, q)));
      expect({ q, fr: got.firstResponse.withinTarget, csat: got.csat.responses }).toEqual({ q, fr: want.firstResponse.withinTarget, csat: want.csat.responses });
      expectNear(got, want);
    }
  });

  it('credits each rating to the agent who resolved the ticket, named or the assignee', async () => {
    const { agents } = await t.agents(ALL);
    expect(agents.map((a: any) => a.agent).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `agent-${i}`));
    for (const a of agents) {
      const want = windowModel(facts.filter((f) => matches(f, ALL, { agent: a.agent })));
      expect({ agent: a.agent, csat: a.csat.responses, positive: a.csat.positive }).toEqual({ agent: a.agent, csat: want.csat.responses, positive: want.csat.positive });
      expectNear(a, want, { agentRow: true });
      expect({ agent: a.agent, open: a.open }).toEqual({ agent: a.agent, open: plain.filter((m) => m.open?.assignee === a.agent).length });
    }
    const day = { from: Date.parse('2023-06-02T00:00:00Z'), to: Date.parse('2023-06-03T00:00:00Z') };
    for (const a of (await t.agents({ ...day, team: 'voice' })).agents) {
      const want = windowModel(facts.filter((f) => matches(f, day, { agent: a.agent, team: 'voice' })));
      expect({ agent: a.agent, csat: a.csat.responses }).toEqual({ agent: a.agent, csat: want.csat.responses });
      expectNear(a, want, { agentRow: true });
    }
  });

  it('keeps the backlog: open tickets, unassigned ones, and those still waiting for a first response', async () => {
    const filters: Filters[] = [{}, { channel: 'chat' }, { priority: 'urgent' }, { team: 'voice' }, { agent: 'agent-4' }, { category: 'Product inquiry' }];
    for (const q of filters) expect({ q, ...(await t.kpis(q)).backlog }).toEqual({ q, ...backlogModel(plain, [], q, NOW) });
  });
});
