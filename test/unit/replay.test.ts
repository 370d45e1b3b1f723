import { describe, expect, it } from 'vitest';
import type { CallbackEvent, TicketEvent } from '../../api/events/schema';
import { replayCallback, replayTicket, type Fact } from '../../api/kpi/replay';
import { defaultTargets } from '../../api/kpi/targets';
import { ev, min, valid, type Raw } from '../helpers/events';

const ticket = (raw: Raw[]) => replayTicket(valid(raw) as TicketEvent[], defaultTargets);
const callback = (raw: Raw[]) => replayCallback(valid(raw) as CallbackEvent[]);
const kinds = (facts: Fact[]) => facts.map((f) => f.kind);
const only = (facts: Fact[], kind: string) => facts.filter((f) => f.kind === kind);
const created = (m = 0, extra: Record<string, unknown> = {}) => ev('ticket.created', m, { ticket: 'T1', channel: 'chat', ...extra });

describe('ticket replay', () => {
  it('counts nowhere until a ticket.created arrives', () => {
    expect(ticket([ev('ticket.replied', 1, { ticket: 'T1', agent: 'ann' })])).toBeNull();
  });

  it('takes the earliest ticket.created as t0 and its channel and category', () => {
    const r = ticket([created(5, { category: 'refund' }), created(2, { channel: 'email', category: 'frozen_account' })])!;
    expect(r.state.createdAt).toBe(min(2));
    expect(r.state.channel).toBe('email');
    expect(r.state.category).toBe('frozen_account');
    expect(only(r.facts, 'created')).toHaveLength(1);
  });

  it('ignores bot replies for first response and does not clear waiting', () => {
    const r = ticket([created(0), ev('ticket.replied', 1, { ticket: 'T1', author: 'bot' }), ev('ticket.replied', 7, { ticket: 'T1', agent: 'ann' })])!;
    const fr = only(r.facts, 'first_response');
    expect(fr).toHaveLength(1);
    expect(fr[0].value).toBe(7 * 60_000);
    expect(fr[0].agent).toBe('ann');
    // After the first response, a bot reply leaves the customer waiting: only an agent reply clears waiting_since.
    const waiting = ticket([
      created(0),
      ev('ticket.replied', 1, { ticket: 'T1', agent: 'ann' }),
      ev('ticket.customer_replied', 2, { ticket: 'T1' }),
      ev('ticket.replied', 3, { ticket: 'T1', author: 'bot' })
    ])!;
    expect(waiting.state.unattendedSince).toBe(min(2));
  });

  it('takes a reply stamped before creation as happening at t0', () => {
    const r = ticket([ev('ticket.replied', -3, { ticket: 'T1', agent: 'ann' }), created(0)])!;
    expect(only(r.facts, 'first_response')[0]).toMatchObject({ at: min(0), value: 0, flag: 1 });
  });

  it('counts one resolution for duplicate resolved webhooks', () => {
    const r = ticket([created(0), ev('ticket.resolved', 10, { ticket: 'T1', agent: 'ann' }), ev('ticket.resolved', 12, { ticket: 'T1', agent: 'bob' })])!;
    const res = only(r.facts, 'resolved');
    expect(res).toHaveLength(1);
    expect(res[0]).toMatchObject({ agent: 'ann', value: 10 * 60_000 });
    expect(r.state.state).toBe('resolved');
  });

  it('reopens a resolved ticket once and resolves it again', () => {
    const r = ticket([
      created(0),
      ev('ticket.assigned', 1, { ticket: 'T1', agent: 'ann' }),
      ev('ticket.resolved', 10, { ticket: 'T1' }),
      ev('ticket.reopened', 20, { ticket: 'T1' }),
      ev('ticket.reopened', 21, { ticket: 'T1' }),
      ev('ticket.resolved', 30, { ticket: 'T1', agent: 'bob' })
    ])!;
    expect(kinds(r.facts).filter((k) => k === 'reopened')).toHaveLength(1);
    expect(only(r.facts, 'resolved').map((f) => [f.agent, f.value])).toEqual([
      ['ann', 10 * 60_000],
      ['bob', 30 * 60_000]
    ]);
  });

  it('a reopen of an open ticket is a no-op', () => {
    const r = ticket([created(0), ev('ticket.reopened', 3, { ticket: 'T1' })])!;
    expect(only(r.facts, 'reopened')).toHaveLength(0);
    expect(r.state.state).toBe('open');
  });

  it('abandons only while open and before any first response', () => {
    const before = ticket([created(0), ev('ticket.abandoned', 4, { ticket: 'T1' })])!;
    expect(before.state.state).toBe('abandoned');
    expect(only(before.facts, 'abandoned')).toHaveLength(1);
    expect(before.state.unattendedSince).toBeNull();

    const after = ticket([created(0), ev('ticket.replied', 2, { ticket: 'T1', agent: 'ann' }), ev('ticket.abandoned', 4, { ticket: 'T1' })])!;
    expect(after.state.state).toBe('open');
    expect(only(after.facts, 'abandoned')).toHaveLength(0);

    const final = ticket([created(0), ev('ticket.abandoned', 4, { ticket: 'T1' }), ev('ticket.resolved', 9, { ticket: 'T1', agent: 'ann' })])!;
    expect(final.state.state).toBe('abandoned');
    expect(only(final.facts, 'resolved')).toHaveLength(0);
  });

  it('the latest rating wins and is credited to the agent who last resolved before it', () => {
    const r = ticket([
      created(0),
      ev('ticket.assigned', 1, { ticket: 'T1', agent: 'carol' }),
      ev('ticket.resolved', 10, { ticket: 'T1', agent: 'ann' }),
      ev('ticket.rated', 11, { ticket: 'T1', score: 2 }),
      ev('ticket.reopened', 20, { ticket: 'T1' }),
      ev('ticket.resolved', 30, { ticket: 'T1', agent: 'bob' }),
      ev('ticket.rated', 31, { ticket: 'T1', score: 5 })
    ])!;
    const rated = only(r.facts, 'rated');
    expect(rated).toHaveLength(1);
    expect(rated[0]).toMatchObject({ at: min(31), value: 5, flag: 1, agent: 'bob' });
  });

  it('a rating with no resolution before it goes to the assignee then', () => {
    const r = ticket([created(0), ev('ticket.assigned', 1, { ticket: 'T1', agent: 'carol' }), ev('ticket.rated', 5, { ticket: 'T1', score: 3 }), ev('ticket.assigned', 9, { ticket: 'T1', agent: 'dan' })])!;
    expect(only(r.facts, 'rated')[0]).toMatchObject({ agent: 'carol', flag: 0 });
  });

  it('gives each fact the team and priority at its own time', () => {
    const r = ticket([
      created(0, { team: 'wallet', priority: 'low' }),
      ev('ticket.replied', 5, { ticket: 'T1', agent: 'ann' }),
      ev('ticket.escalated', 10, { ticket: 'T1', team: 'risk', priority: 'urgent' }),
      ev('ticket.resolved', 20, { ticket: 'T1', agent: 'ann' })
    ])!;
    expect(only(r.facts, 'first_response')[0]).toMatchObject({ team: 'wallet', priority: 'low' });
    expect(only(r.facts, 'escalated')[0]).toMatchObject({ team: 'risk', priority: 'urgent' });
    expect(only(r.facts, 'resolved')[0]).toMatchObject({ team: 'risk', priority: 'urgent' });
    expect(r.state).toMatchObject({ team: 'risk', priority: 'urgent' });
  });

  it('an assignment at the same instant as a fact sets the fact’s team, whatever the id order', () => {
    const r = ticket([created(0, { team: 'wallet' }), ev('ticket.replied', 5, { ticket: 'T1', agent: 'ann' }, 'a'), ev('ticket.assigned', 5, { ticket: 'T1', agent: 'ann', team: 'payments' }, 'b')])!;
    expect(only(r.facts, 'first_response')[0].team).toBe('payments');
  });

  it('sets team and priority by the creation in its own (at, id) place, after an assignment stamped before t0', () => {
    // Sorted by (at, id): the escalation "a-esc" at t0 comes before the creation "b-create" at t0, whose
    // priority and team are then the latest set at t0. The first response is judged against high's 1800 s.
    const sameInstant = ticket([
      ev('ticket.created', 0, { ticket: 'T1', channel: 'chat', team: 'risk', priority: 'high' }, 'b-create'),
      ev('ticket.escalated', 0, { ticket: 'T1', team: 'wallet', priority: 'urgent' }, 'a-esc'),
      ev('ticket.replied', 10, { ticket: 'T1', agent: 'ann' })
    ])!;
    expect(only(sameInstant.facts, 'created')[0]).toMatchObject({ team: 'risk', priority: 'high' });
    expect(only(sameInstant.facts, 'escalated')[0]).toMatchObject({ team: 'risk', priority: 'high' });
    expect(only(sameInstant.facts, 'first_response')[0]).toMatchObject({ priority: 'high', flag: 1 });
    // An assignment stamped a minute before creation (clock skew) is taken as at t0 but sorts before it.
    const early = ticket([created(0, { team: 'risk' }), ev('ticket.assigned', -1, { ticket: 'T1', agent: 'ann', team: 'wallet' }, 'a-assign')])!;
    expect(only(early.facts, 'created')[0].team).toBe('risk');
    expect(early.state).toMatchObject({ team: 'risk', assignee: 'ann' });
  });

  it('judges the first response against the SLA target of the priority at that time', () => {
    const urgentLate = ticket([created(0, { priority: 'urgent' }), ev('ticket.replied', 6, { ticket: 'T1', agent: 'ann' })])!;
    expect(only(urgentLate.facts, 'first_response')[0].flag).toBe(0);
    const normal = ticket([created(0), ev('ticket.replied', 6, { ticket: 'T1', agent: 'ann' })])!;
    expect(only(normal.facts, 'first_response')[0].flag).toBe(1);
  });

  it('sets waiting_since on a customer reply after the first response and clears it on an agent reply', () => {
    const base = [created(0), ev('ticket.replied', 2, { ticket: 'T1', agent: 'ann' })];
    expect(ticket(base)!.state.unattendedSince).toBeNull();
    const waiting = ticket([...base, ev('ticket.customer_replied', 5, { ticket: 'T1' }), ev('ticket.customer_replied', 8, { ticket: 'T1' })])!;
    expect(waiting.state.unattendedSince).toBe(min(5));
    const answered = ticket([...base, ev('ticket.customer_replied', 5, { ticket: 'T1' }), ev('ticket.replied', 9, { ticket: 'T1', agent: 'bob' })])!;
    expect(answered.state.unattendedSince).toBeNull();
    const beforeFirst = ticket([created(0), ev('ticket.customer_replied', 1, { ticket: 'T1' })])!;
    expect(beforeFirst.state.unattendedSince).toBe(min(0));
  });

  it('counts every escalation', () => {
    const r = ticket([created(0), ev('ticket.escalated', 1, { ticket: 'T1' }), ev('ticket.escalated', 2, { ticket: 'T1', priority: 'high' })])!;
    expect(only(r.facts, 'escalated')).toHaveLength(2);
  });
});

describe('callback replay', () => {
  const scheduled = (m: number, due: number, extra: Record<string, unknown> = {}) =>
    ev('callback.scheduled', m, { callback: 'C1', reason: 'pre_approval', due: min(due), agent: 'ann', team: 'wallet', ...extra });

  it('counts the first schedule once and judges on-time against the latest due', () => {
    const r = callback([
      scheduled(0, 30),
      scheduled(10, 60, { agent: 'bob', team: 'risk' }),
      ev('callback.attempted', 40, { callback: 'C1', agent: 'bob', result: 'no_answer' }),
      ev('callback.attempted', 50, { callback: 'C1', agent: 'bob', result: 'connected' }),
      ev('callback.completed', 55, { callback: 'C1', outcome: 'confirmed' })
    ])!;
    expect(only(r.facts, 'callback_scheduled')).toHaveLength(1);
    expect(only(r.facts, 'callback_scheduled')[0]).toMatchObject({ agent: 'ann', team: 'wallet' });
    expect(only(r.facts, 'callback_attempted').map((f) => f.flag)).toEqual([0, 1]);
    expect(only(r.facts, 'callback_completed')[0]).toMatchObject({ flag: 1, flag2: 1, agent: 'ann', team: 'wallet' });
    expect(r.state).toMatchObject({ due: min(60), state: 'completed' });
  });

  it('a completion after the due time is late; later completions are no-ops', () => {
    const r = callback([
      scheduled(0, 30),
      ev('callback.completed', 45, { callback: 'C1', outcome: 'resolved', agent: 'cy' }),
      ev('callback.completed', 50, { callback: 'C1', outcome: 'confirmed' })
    ])!;
    const done = only(r.facts, 'callback_completed');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ flag: 0, flag2: 0, agent: 'cy' });
  });

  it('a cancelled callback is no longer pending and ignores later completions', () => {
    const r = callback([scheduled(0, 30), ev('callback.cancelled', 5, { callback: 'C1' }), ev('callback.completed', 9, { callback: 'C1', outcome: 'confirmed' })])!;
    expect(r.state.state).toBe('cancelled');
    expect(only(r.facts, 'callback_completed')).toHaveLength(0);
  });

  it('counts nowhere until scheduled', () => {
    expect(callback([ev('callback.attempted', 1, { callback: 'C1', agent: 'ann', result: 'busy' })])).toBeNull();
  });
});

describe('state as of a time, with events stamped ahead of it', () => {
  const at = (raw: Raw[], asOf: number) => replayTicket(valid(raw) as TicketEvent[], defaultTargets, asOf)!;
  const life = [
    created(0, { team: 'wallet' }),
    ev('ticket.assigned', 2, { ticket: 'T1', agent: 'ann', team: 'risk' }),
    ev('ticket.replied', 4, { ticket: 'T1', agent: 'ann' }),
    ev('ticket.resolved', 9, { ticket: 'T1' })
  ];

  it('counts every fact whatever the time, and holds the state as of it', () => {
    const whole = at(life, Infinity);
    for (const [m, state] of [[1, 'open'], [3, 'open'], [5, 'open'], [9, 'resolved']] as const) {
      const r = at(life, min(m));
      expect(r.facts).toEqual(whole.facts);
      expect(r.state.state).toBe(state);
    }
    // At 01:01 nobody has it: unassigned, on the team it was created with, waiting since t0.
    expect(at(life, min(1)).state).toMatchObject({ assignee: null, team: 'wallet', unattendedSince: min(0), firstResponseAt: null });
    expect(at(life, min(3)).state).toMatchObject({ assignee: 'ann', team: 'risk', unattendedSince: min(0) });
    expect(at(life, min(5)).state).toMatchObject({ firstResponseAt: min(4), unattendedSince: null });
    // When it changes next: the next event's time, and none once every event has come.
    expect([1, 3, 5, 9].map((m) => at(life, min(m)).changesAt)).toEqual([min(2), min(4), min(9), null]);
  });

  it('has a ticket created after the time upcoming, in no backlog', () => {
    const r = at(life, min(-1));
    expect(r.state.state).toBe('upcoming');
    expect(r.state.unattendedSince).toBeNull();
    expect(r.changesAt).toBe(min(0));
  });

  it('keeps a callback pending, with the due time then, until its completion comes', () => {
    const schedule = (m: number, due: number) => ev('callback.scheduled', m, { callback: 'C1', reason: 'pre_approval', due: min(due), agent: 'ann' });
    const events = valid([schedule(0, 30), schedule(20, 50), ev('callback.completed', 40, { callback: 'C1', outcome: 'confirmed' })]) as CallbackEvent[];
    expect(replayCallback(events, min(-1))!.state.state).toBe('upcoming');
    expect(replayCallback(events, min(10))!.state).toMatchObject({ state: 'pending', due: min(30) });
    expect(replayCallback(events, min(25))!.state).toMatchObject({ state: 'pending', due: min(50) });
    const done = replayCallback(events, min(40))!;
    expect(done.state).toMatchObject({ state: 'completed', due: min(50) });
    expect(done.changesAt).toBeNull();
    // On time against the final due (50), whatever the time of the replay.
    expect(only(replayCallback(events, min(10))!.facts, 'callback_completed')[0].flag).toBe(1);
  });
});
