// Fixed examples on the exact boundaries of SPEC.md's rules, through the API as a user sees them. The random
// property tests almost never land on an instant exactly, so a `<` written for a `<=` went unnoticed there.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_FIRST_RESPONSE_TARGET_SEC } from '../../api/kpi/targets';
import { testApp } from '../helpers/app';

const NOW = Date.parse('2026-11-24T12:00:00Z');
/** An instant on 24 November 2026 (UTC), to the millisecond: at('10:00:00.000'). */
const at = (hms: string) => Date.parse(`2026-11-24T${hms}Z`);
const iso = (hms: string) => new Date(at(hms)).toISOString();
let n = 0;
const e = (type: string, when: number, fields: Record<string, unknown>, id = `b${++n}`) => ({ id, type, at: when, ...fields });
const chat = (ticket: string, when: number, extra: Record<string, unknown> = {}, id?: string) => e('ticket.created', when, { ticket, channel: 'chat', ...extra }, id);

let t: ReturnType<typeof testApp>;
afterEach(() => t.close());

async function send(events: Record<string, unknown>[]) {
  const r = await t.post(events);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

describe('rules on their exact boundaries', () => {
  it('withinTarget: first responses with FRT ≤ the SLA first-response target of the ticket’s priority', async () => {
    t = testApp({ now: () => NOW });
    const targetMs = DEFAULT_FIRST_RESPONSE_TARGET_SEC.urgent * 1000; // 300 s: the spec's default for urgent
    const window = { from: iso('10:00:00.000'), to: iso('11:00:00.000') };
    await send([chat('T1', at('10:00:00.000'), { priority: 'urgent' }), e('ticket.replied', at('10:00:00.000') + targetMs, { ticket: 'T1', agent: 'ann' })]);
    expect((await t.kpis(window)).firstResponse).toMatchObject({ count: 1, withinTarget: 1, breached: 0 });
    // One millisecond later, on another ticket: breached.
    await send([chat('T2', at('10:00:00.000'), { priority: 'urgent' }), e('ticket.replied', at('10:00:00.000') + targetMs + 1, { ticket: 'T2', agent: 'ann' })]);
    expect((await t.kpis(window)).firstResponse).toMatchObject({ count: 2, withinTarget: 1, breached: 1 });
  });

  it('the first callback.completed counts one completion, on time when at ≤ due (the latest scheduled due)', async () => {
    t = testApp({ now: () => NOW });
    await send([
      e('callback.scheduled', at('10:00:00.000'), { callback: 'C1', reason: 'pre_approval', due: at('11:00:00.000'), agent: 'ann' }),
      e('callback.completed', at('11:00:00.000'), { callback: 'C1', outcome: 'confirmed' })
    ]);
    expect((await t.kpis()).callbacks).toMatchObject({ completed: 1, completedOnTime: 1 });
    // Rescheduled to 11:30 and completed exactly then: on time against the latest due.
    await send([
      e('callback.scheduled', at('10:00:00.000'), { callback: 'C2', reason: 'complaint_followup', due: at('11:00:00.000'), agent: 'ann' }),
      e('callback.scheduled', at('10:30:00.000'), { callback: 'C2', reason: 'complaint_followup', due: at('11:30:00.000'), agent: 'ann' }),
      e('callback.completed', at('11:30:00.000'), { callback: 'C2', outcome: 'resolved' })
    ]);
    expect((await t.kpis()).callbacks).toMatchObject({ scheduled: 2, completed: 2, completedOnTime: 2 });
    // One millisecond after the latest due is late.
    await send([
      e('callback.scheduled', at('10:00:00.000'), { callback: 'C3', reason: 'other', due: at('11:00:00.000'), agent: 'ann' }),
      e('callback.completed', at('11:00:00.001'), { callback: 'C3', outcome: 'resolved' })
    ]);
    expect((await t.kpis()).callbacks).toMatchObject({ scheduled: 3, completed: 3, completedOnTime: 2 });
  });

  it('every attempt counts; an attempt is connected only when its result is connected', async () => {
    t = testApp({ now: () => NOW });
    const attempt = (m: string, result: string) => e('callback.attempted', at(m), { callback: 'C1', agent: 'ann', result });
    await send([
      e('callback.scheduled', at('10:00:00.000'), { callback: 'C1', reason: 'unconfirmed_payment', due: at('11:00:00.000'), agent: 'ann' }),
      attempt('10:10:00.000', 'voicemail'),
      attempt('10:20:00.000', 'busy'),
      attempt('10:30:00.000', 'wrong_number'),
      attempt('10:40:00.000', 'connected')
    ]);
    expect((await t.kpis()).callbacks).toMatchObject({ attempts: 4, connected: 1 });
  });

  it('backlog: callbacks scheduled and neither completed nor cancelled; of them past due', async () => {
    t = testApp({ now: () => at('12:00:00.000') });
    await send([
      e('callback.scheduled', at('10:00:00.000'), { callback: 'C1', reason: 'pre_approval', due: at('12:00:00.000') }),
      e('callback.scheduled', at('10:00:00.000'), { callback: 'C2', reason: 'pre_approval', due: at('11:59:59.999') })
    ]);
    // Due exactly now is not yet past due.
    expect((await t.kpis()).backlog).toMatchObject({ callbacksPending: 2, callbacksOverdue: 1 });
  });

  it('backlog: a callback rescheduled exactly now is judged against its new due, not the one it had', async () => {
    t = testApp({ now: () => at('12:00:00.000') });
    await send([
      e('callback.scheduled', at('10:00:00.000'), { callback: 'C1', reason: 'customer_request', due: at('11:00:00.000') }),
      // "due is the latest scheduled due": the reschedule stamped at this very millisecond has happened.
      e('callback.scheduled', at('12:00:00.000'), { callback: 'C1', reason: 'customer_request', due: at('13:00:00.000') })
    ]);
    expect((await t.kpis()).backlog).toMatchObject({ callbacksPending: 1, callbacksOverdue: 0 });
  });

  it('KPIs over a window [from, to): a fact at from counts, one at to does not (ragged bounds)', async () => {
    t = testApp({ now: () => NOW });
    await send([chat('T1', at('10:02:30.000')), chat('T2', at('10:07:30.000'))]);
    expect((await t.kpis({ from: iso('10:02:30.000'), to: iso('10:07:30.000') })).tickets.created).toBe(1);
    expect((await t.kpis({ from: iso('10:07:30.000'), to: iso('10:12:30.000') })).tickets.created).toBe(1);
    // /api/agents sums its windows the same way.
    await send([e('ticket.replied', at('10:07:30.000'), { ticket: 'T1', agent: 'ann' })]);
    const ann = async (from: string, to: string) => (await t.agents({ from: iso(from), to: iso(to) })).agents.find((a: { agent: string }) => a.agent === 'ann');
    expect((await ann('10:02:30.000', '10:07:30.000')).firstResponse.count).toBe(0);
    expect((await ann('10:07:30.000', '10:12:30.000')).firstResponse.count).toBe(1);
  });

  it('KPIs over a window [from, to): a fact at from counts, one at to does not (bounds on 5-minute boundaries)', async () => {
    t = testApp({ now: () => NOW });
    await send([chat('T1', at('10:00:00.000'), { priority: 'high' }), chat('T2', at('10:05:00.000'), { priority: 'high' })]);
    const created = async (from: string, to: string, filters: Record<string, string> = {}) =>
      (await t.kpis({ from: iso(from), to: iso(to), ...filters })).tickets.created;
    // Whole 5-minute buckets: read from rollups.
    expect(await created('10:00:00.000', '10:05:00.000')).toBe(1);
    expect(await created('10:05:00.000', '10:10:00.000')).toBe(1);
    // Two filters besides team: no rollup answers them, so the same window is read from facts.
    expect(await created('10:00:00.000', '10:05:00.000', { channel: 'chat', priority: 'high' })).toBe(1);
    expect(await created('10:05:00.000', '10:10:00.000', { channel: 'chat', priority: 'high' })).toBe(1);
  });

  it('the earliest ticket.created creates the ticket, also once the ticket is read back from the database', async () => {
    // A memo of one subject: T1 is forgotten after a few other tickets and read back from the database.
    t = testApp({ now: () => NOW, memoSubjects: 1 });
    await send([chat('T1', at('11:05:00.000'), {}, 'b')]);
    await send([chat('T1', at('11:00:00.000'), {}, 'a')]);
    for (const ticket of ['T2', 'T3', 'T4', 'T5']) await send([chat(ticket, at('11:01:00.000'))]);
    await send([e('ticket.replied', at('11:10:00.000'), { ticket: 'T1', agent: 'ann' })]);
    const k = await t.kpis({ from: iso('11:00:00.000'), to: iso('12:00:00.000') });
    expect(k.tickets.created).toBe(5);
    expect(k.firstResponse).toMatchObject({ count: 1, avgSec: 600 });
  });

  it('bot replies never count, and do not clear waiting_since (an agent reply does)', async () => {
    t = testApp({ now: () => at('12:00:00.000') });
    await send([
      chat('T1', at('10:00:00.000')),
      e('ticket.replied', at('10:01:00.000'), { ticket: 'T1', agent: 'ann' }),
      e('ticket.customer_replied', at('10:02:00.000'), { ticket: 'T1' }),
      e('ticket.replied', at('10:03:00.000'), { ticket: 'T1', author: 'bot' })
    ]);
    // Still waiting on an agent since 10:02.
    expect((await t.kpis()).backlog).toMatchObject({ open: 1, unattended: 1, oldestUnattendedSec: 118 * 60 });
  });

  it('a ticket reopened after the customer’s unanswered message waits from that message (a resolution does not clear waiting_since)', async () => {
    t = testApp({ now: () => at('12:00:00.000') });
    await send([
      chat('T1', at('10:00:00.000')),
      e('ticket.replied', at('10:01:00.000'), { ticket: 'T1', agent: 'ann' }),
      e('ticket.customer_replied', at('10:05:00.000'), { ticket: 'T1' }),
      e('ticket.resolved', at('10:10:00.000'), { ticket: 'T1', agent: 'ann' }),
      e('ticket.reopened', at('10:20:00.000'), { ticket: 'T1' })
    ]);
    // Only an agent reply clears waiting_since (README): the customer has waited since 10:05.
    expect((await t.kpis()).backlog).toMatchObject({ open: 1, unattended: 1, oldestUnattendedSec: 115 * 60 });
  });

  it('ticket.resolved with no agent is credited to the assignee at its time, not a later one', async () => {
    t = testApp({ now: () => NOW });
    await send([
      chat('T1', at('10:00:00.000')),
      e('ticket.assigned', at('10:01:00.000'), { ticket: 'T1', agent: 'ann' }),
      e('ticket.resolved', at('10:10:00.000'), { ticket: 'T1' }),
      e('ticket.assigned', at('10:20:00.000'), { ticket: 'T1', agent: 'bob' })
    ]);
    const { agents } = await t.agents();
    const of = (name: string) => agents.find((a: { agent: string }) => a.agent === name);
    expect(of('ann').resolution.count).toBe(1);
    expect(of('bob').resolution.count).toBe(0);
  });

  it('a fact of no team counts under no team filter, even one spelt as its agent', async () => {
    t = testApp({ now: () => NOW });
    // "Attributes of a counted fact (team, …) are those at the fact's time": T1 never had a team.
    await send([
      chat('T1', at('10:00:00.000')),
      e('ticket.replied', at('10:10:00.000'), { ticket: 'T1', agent: 'general' }),
      e('ticket.resolved', at('10:20:00.000'), { ticket: 'T1', agent: 'general' }),
      chat('T2', at('10:30:00.000'), { team: 'general' })
    ]);
    // A whole day: read from rollups, whose rows are split by team.
    const k = await t.kpis({ from: '2026-11-24', to: '2026-11-25', team: 'general' });
    expect([k.tickets.created, k.tickets.resolved, k.firstResponse.count]).toEqual([1, 0, 0]);
    expect((await t.kpis({ from: '2026-11-24', to: '2026-11-25', agent: 'general' })).tickets.resolved).toBe(1);
  });

  it('withinTarget uses the default target of each priority: FRT exactly at it is within, 1 ms more is breached', async () => {
    t = testApp({ now: () => NOW });
    const priorities = Object.keys(DEFAULT_FIRST_RESPONSE_TARGET_SEC) as (keyof typeof DEFAULT_FIRST_RESPONSE_TARGET_SEC)[];
    expect(DEFAULT_FIRST_RESPONSE_TARGET_SEC).toEqual({ urgent: 300, high: 1800, normal: 7200, low: 28800 });
    const t0 = at('00:00:00.000');
    for (const priority of priorities) {
      const targetMs = DEFAULT_FIRST_RESPONSE_TARGET_SEC[priority] * 1000;
      await send([
        chat(`on-${priority}`, t0, { priority }),
        e('ticket.replied', t0 + targetMs, { ticket: `on-${priority}`, agent: 'ann' }),
        chat(`late-${priority}`, t0, { priority }),
        e('ticket.replied', t0 + targetMs + 1, { ticket: `late-${priority}`, agent: 'ann' })
      ]);
      expect((await t.kpis({ priority })).firstResponse, priority).toMatchObject({ count: 2, withinTarget: 1, breached: 1 });
    }
  });

  it('an event may be stamped at most 5 minutes ahead of the server clock: exactly 5 minutes is taken, 1 ms more is refused', async () => {
    t = testApp({ now: () => NOW });
    const ahead = await t.post([chat('A1', NOW + 5 * 60_000 + 1)]);
    expect(ahead.status).toBe(400);
    expect(ahead.body.errors).toEqual([{ index: 0, path: 'at', message: 'at is 300.001 s in the future by the server clock (about 5 minutes); at most 300 s (5 minutes) is allowed' }]);
    expect(await t.post([chat('A2', NOW + 5 * 60_000)])).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
  });

  // A year typed wrong, or a clock set years ahead, was "at is 94672800 s in the future": a number nobody reads as years.
  it('says how far ahead an event is in words a person reads, from minutes to years, naming its index and field', async () => {
    t = testApp({ now: () => NOW });
    const HOUR = 3_600_000;
    const ahead = await t.post([chat('B0', NOW), chat('B1', NOW + 6 * 60_000), chat('B2', NOW + 5 * HOUR), chat('B3', NOW + 36 * HOUR), chat('B4', Date.parse('2029-11-24T12:00:00Z'))]);
    expect(ahead.status).toBe(400);
    expect(ahead.body.errors.map((e: { index: number; path: string; message: string }) => [e.index, e.path, /\(([^)]+)\);/.exec(e.message)?.[1]])).toEqual([
      [1, 'at', '6 minutes'],
      [2, 'at', '5 hours'],
      [3, 'at', '1.5 days'],
      [4, 'at', 'about 3 years']
    ]);
    expect(ahead.body.errors[3].message).toBe('at is 94694400 s in the future by the server clock (about 3 years); at most 300 s (5 minutes) is allowed');
  });

  it('agent.status events at the same time: the later by id sets both status and team, ids compared as replay compares them', async () => {
    // By UTF-16 code units (JavaScript's <), '\uff01' comes after '\u{1f4b3}' (a surrogate pair, \ud83d…);
    // by UTF-8 bytes (SQLite's ORDER BY) it comes before. One event is the latest, whichever field is read.
    for (const reversed of [false, true]) {
      t = testApp({ now: () => NOW });
      const events = [
        e('agent.status', at('11:00:00.000'), { agent: 'ann', status: 'busy', team: 'later' }, '\uff01'),
        e('agent.status', at('11:00:00.000'), { agent: 'ann', status: 'away', team: 'earlier' }, '\u{1f4b3}'),
        e('agent.status', at('10:00:00.000'), { agent: 'ann', status: 'away' })
      ];
      await send(reversed ? events.reverse() : events);
      expect((await t.agents()).agents).toMatchObject([{ agent: 'ann', status: 'busy', team: 'later', statusSince: iso('11:00:00.000') }]);
      t.close();
    }
    t = testApp({ now: () => NOW });
  });
});
