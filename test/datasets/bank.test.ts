// Ingests the real 1999 bank call centre and checks the API against a plain computation from the file's
// columns (bank-plain.ts), which shares no code with the import that turns calls into events (bank.ts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app';
import { BANK_FILE, BANK_OFFSET, BANK_TIMEZONE, bankEvents, isTicket, readBankCalls } from './bank';
import { handledIn, plainCalls, waitOf, type PlainCall } from './bank-plain';

const plain = plainCalls(BANK_FILE);
const tickets = plain.filter((c) => c.answered || c.abandoned);
const answered = plain.filter((c) => c.answered);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const nearestRank = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.ceil(q * values.length) - 1];
const expectNear = (actual: number, exact: number) => expect(Math.abs(actual - exact)).toBeLessThanOrEqual(Math.max(1, 0.02 * exact));

const MONTH_START = Date.parse(`1999-02-01T00:00:00${BANK_OFFSET}`);
const MONTH = { from: MONTH_START, to: Date.parse(`1999-03-01T00:00:00${BANK_OFFSET}`) };
/** Day d of February (0-based) in Israel time, which was UTC+2 all month. */
const dayWindow = (d: number) => ({ from: MONTH_START + d * 86_400_000, to: MONTH_START + (d + 1) * 86_400_000 });
const dayOf = (seconds: number) => Math.floor(seconds / 86_400);

let t: ReturnType<typeof testApp>;
afterAll(() => t?.close());

beforeAll(async () => {
  t = testApp({ now: () => Date.parse('1999-03-01T12:00:00Z'), timezone: BANK_TIMEZONE });
  const events = bankEvents(readBankCalls());
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
  it('reads the whole file: 33,344 calls, 27,162 answered, 3,963 abandoned after queueing', () => {
    expect(plain).toHaveLength(33_344);
    expect(new Set(plain.map((c) => c.key)).size).toBe(plain.length);
    expect(answered).toHaveLength(27_162);
    expect(tickets.length - answered.length).toBe(3_963);
    expect(readBankCalls().filter(isTicket)).toHaveLength(tickets.length);
  });

  it('counts answered, abandoned and resolved calls for the month exactly', async () => {
    const k = await t.kpis(MONTH);
    expect(k.tickets.created).toBe(tickets.length);
    expect(k.tickets.abandoned).toBe(3_963);
    expect(k.tickets.resolved).toBe(27_162);
    expect(k.firstResponse.count).toBe(27_162);
    expect(k.backlog.open).toBe(0);
  });

  it('first response (service start − queue entry) and resolution: exact means, p50/p90 within 2 % or 1 s, SLA by priority', async () => {
    const waits = answered.map(waitOf);
    // The plain computation's own figures, pinned so that it cannot drift along with the import.
    expect(mean(waits)).toBeCloseTo(40.085708, 5);
    expect([nearestRank(waits, 0.5), nearestRank(waits, 0.9)]).toEqual([5, 129]);
    const k = await t.kpis(MONTH);
    expect(k.firstResponse.avgSec).toBeCloseTo(mean(waits), 6);
    expectNear(k.firstResponse.p50Sec, nearestRank(waits, 0.5));
    expectNear(k.firstResponse.p90Sec, nearestRank(waits, 0.9));
    // Priority 2 is imported as high (target 1800 s), the rest as normal (7200 s).
    expect(k.firstResponse.withinTarget).toBe(answered.filter((c) => waitOf(c) <= (c.high ? 1800 : 7200)).length);
    const handled = answered.map(handledIn);
    expect(k.resolution.avgSec).toBeCloseTo(mean(handled), 6);
    expectNear(k.resolution.p50Sec, nearestRank(handled, 0.5));
    expectNear(k.resolution.p90Sec, nearestRank(handled, 0.9));
  });

  it('matches every day of the month in Israel time: created at entry, abandoned when they left, answered when served, resolved when the call ended', async () => {
    const count = (list: PlainCall[], at: (c: PlainCall) => number, d: number) => list.filter((c) => dayOf(at(c)) === d);
    for (let d = 0; d < 28; d++) {
      const k = await t.kpis(dayWindow(d));
      const label = `1999-02-${String(d + 1).padStart(2, '0')}`;
      expect(k.tickets.created, label).toBe(count(tickets, (c) => c.entry, d).length);
      expect(k.tickets.abandoned, label).toBe(count(plain.filter((c) => c.abandoned), (c) => c.left!, d).length);
      const served = count(answered, (c) => c.start!, d);
      expect(k.firstResponse.count, label).toBe(served.length);
      if (served.length) {
        expect(k.firstResponse.avgSec, label).toBeCloseTo(mean(served.map(waitOf)), 6);
        expectNear(k.firstResponse.p90Sec, nearestRank(served.map(waitOf), 0.9));
      }
      expect(k.tickets.resolved, label).toBe(count(answered, (c) => c.end!, d).length);
    }
  });

  it('matches each agent’s answered calls and mean first response', async () => {
    const { agents } = await t.agents(MONTH);
    const perAgent = new Map<string, number[]>();
    for (const c of answered) perAgent.set(c.server, [...(perAgent.get(c.server) ?? []), waitOf(c)]);
    expect(agents.length).toBe(perAgent.size);
    for (const a of agents) {
      expect(a.firstResponse.count, a.agent).toBe(perAgent.get(a.agent)!.length);
      expect(a.firstResponse.avgSec, a.agent).toBeCloseTo(mean(perAgent.get(a.agent)!), 6);
    }
  });

  it('filters by call type (category) and priority', async () => {
    const calls = readBankCalls().filter(isTicket);
    const k = await t.kpis({ ...MONTH, category: 'TT' });
    expect(k.tickets.created).toBe(calls.filter((c) => c.type === 'TT').length);
    const high = await t.kpis({ ...MONTH, priority: 'high', category: 'PS' });
    expect(high.firstResponse.count).toBe(calls.filter((c) => c.outcome === 'AGENT' && c.priority === 'high' && c.type === 'PS').length);
  });

  it('keeps two calls apart that share a line and call_id on different days', async () => {
    // The real file happens to have no such pair; this one does, with the file's own columns.
    const [head, first] = readFileSync(BANK_FILE, 'utf8').split(/\r?\n/);
    const nextDay = first.replace('\t990201\t', '\t990202\t');
    const file = join(mkdtempSync(join(tmpdir(), 'floorboard-bank-')), 'two-days.tsv');
    writeFileSync(file, [head, first, nextDay].join('\r\n'));
    const s = testApp({ now: () => Date.parse('1999-03-01T12:00:00Z'), timezone: BANK_TIMEZONE });
    try {
      expect((await s.post(bankEvents(readBankCalls(file)))).status).toBe(200);
      expect((await s.kpis(MONTH)).tickets.created).toBe(2);
    } finally {
      s.close();
    }
  });
});
