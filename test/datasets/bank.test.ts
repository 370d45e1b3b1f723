// Ingests the real 1999 bank call centre and checks the API against a plain computation from the file.
import { beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app';
import { BANK_OFFSET, BANK_TIMEZONE, bankEvents, isTicket, readBankCalls, type BankCall } from './bank';

const calls = readBankCalls();
const tickets = calls.filter(isTicket);
const answered = tickets.filter((c) => c.outcome === 'AGENT');
const frtSec = (c: BankCall) => Math.max(0, c.serStart! - c.entry) / 1000;
const nearestRank = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.ceil(q * values.length) - 1];
const expectNear = (actual: number, exact: number) => expect(Math.abs(actual - exact)).toBeLessThanOrEqual(Math.max(1, 0.02 * exact));

const MONTH = { from: `1999-02-01T00:00:00${BANK_OFFSET}`, to: `1999-03-01T00:00:00${BANK_OFFSET}` };
let t: ReturnType<typeof testApp>;

beforeAll(async () => {
  t = testApp({ now: () => Date.parse('1999-03-01T12:00:00Z'), timezone: BANK_TIMEZONE });
  const events = bankEvents(calls);
  // Shuffled and in odd batch sizes, as a late export would arrive.
  for (let i = events.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [events[i], events[j]] = [events[j], events[i]];
  }
  for (let i = 0, size = 997; i < events.length; i += size, size = size === 997 ? 4999 : 997) {
    const r = await t.post(events.slice(i, i + size));
    expect(r.status).toBe(200);
  }
});

describe('anonymous bank call centre, February 1999', () => {
  it('reads the whole file: 33,344 calls, call ids unique per line and day', () => {
    expect(calls).toHaveLength(33_344);
    expect(new Set(calls.map((c) => c.ticket)).size).toBe(calls.length);
    expect(answered).toHaveLength(27_162);
    expect(tickets.length - answered.length).toBe(3_963);
  });

  it('counts answered, abandoned and resolved calls for the month exactly', async () => {
    const k = await t.kpis(MONTH);
    expect(k.tickets.created).toBe(tickets.length);
    expect(k.tickets.abandoned).toBe(3_963);
    expect(k.tickets.resolved).toBe(27_162);
    expect(k.firstResponse.count).toBe(27_162);
    expect(k.backlog.open).toBe(0);
  });

  it('first response (service start − queue entry): exact mean, p50/p90 within 2 % or 1 s', async () => {
    const values = answered.map(frtSec);
    const k = await t.kpis(MONTH);
    expect(k.firstResponse.avgSec).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
    expectNear(k.firstResponse.p50Sec, nearestRank(values, 0.5));
    expectNear(k.firstResponse.p90Sec, nearestRank(values, 0.9));
    // Clock skew: a service end stamped before queue entry counts as at entry (zero duration).
    const handle = answered.map((c) => Math.max(0, c.serExit! - c.entry) / 1000);
    expect(k.resolution.avgSec).toBeCloseTo(handle.reduce((a, b) => a + b, 0) / handle.length, 6);
  });

  it('matches per-day counts in Israel time and per-agent answered calls', async () => {
    for (const date of ['1999-02-01', '1999-02-14', '1999-02-28']) {
      const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      const k = await t.kpis({ from: `${date}T00:00:00${BANK_OFFSET}`, to: `${next}T00:00:00${BANK_OFFSET}` });
      const day = tickets.filter((c) => c.entry >= Date.parse(`${date}T00:00:00${BANK_OFFSET}`) && c.entry < Date.parse(`${next}T00:00:00${BANK_OFFSET}`));
      expect(k.tickets.created, date).toBe(day.length);
      expect(k.tickets.abandoned, date).toBe(day.filter((c) => c.outcome === 'HANG').length);
    }
    const { agents } = await t.agents(MONTH);
    const perAgent = new Map<string, number>();
    for (const c of answered) perAgent.set(c.server, (perAgent.get(c.server) ?? 0) + 1);
    expect(agents.length).toBe(perAgent.size);
    for (const a of agents) expect(a.firstResponse.count, a.agent).toBe(perAgent.get(a.agent));
  });

  it('filters by call type (category) and priority', async () => {
    const k = await t.kpis({ ...MONTH, category: 'TT' });
    expect(k.tickets.created).toBe(tickets.filter((c) => c.type === 'TT').length);
    const high = await t.kpis({ ...MONTH, priority: 'high', category: 'PS' });
    expect(high.firstResponse.count).toBe(answered.filter((c) => c.priority === 'high' && c.type === 'PS').length);
  });
});
