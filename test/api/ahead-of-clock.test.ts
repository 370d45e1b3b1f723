// Events may be stamped up to 5 minutes ahead of the server's clock (SPEC). Facts count at their own time; the
// backlog and an agent's status are the state now, so such an event counts there once its time has come, as a
// replay in time order would have it — also on a server restarted meanwhile.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const MIN = 60_000;
let n = 0;
const e = (type: string, at: number, fields: Record<string, unknown>) => ({ id: `a${++n}`, type, at, ...fields });

let t: ReturnType<typeof testApp> | null = null;
afterEach(() => t?.close());

/** T1 open since 11:50, resolved at 12:03; T2 created at 12:02; C1 scheduled at 12:01; ann busy, in risk and renamed, from 12:04. */
const ahead = () => [
  e('ticket.created', NOW - 10 * MIN, { ticket: 'T1', channel: 'chat', team: 'wallet' }),
  e('ticket.resolved', NOW + 3 * MIN, { ticket: 'T1', agent: 'ann' }),
  e('ticket.created', NOW + 2 * MIN, { ticket: 'T2', channel: 'app', team: 'wallet' }),
  e('callback.scheduled', NOW + MIN, { callback: 'C1', reason: 'pre_approval', due: NOW + 30 * MIN, agent: 'ann', team: 'wallet' }),
  e('agent.status', NOW - 20 * MIN, { agent: 'ann', status: 'available', team: 'wallet', name: 'Ann' }),
  e('agent.status', NOW + 4 * MIN, { agent: 'ann', status: 'busy', team: 'risk', name: 'Ann Lee' })
];

describe('events stamped ahead of the clock', () => {
  it('count in facts at their own time, and in the backlog and agent status once their time comes', async () => {
    let clock = NOW;
    t = testApp({ now: () => clock });
    expect((await t.post(ahead())).status).toBe(200);
    const window = { from: NOW - 60 * MIN, to: NOW + 10 * MIN };
    const at = async () => ({ k: await t!.kpis(window), ann: (await t!.agents(window)).agents[0] });

    let { k, ann } = await at();
    expect(k.tickets).toMatchObject({ created: 2, resolved: 1 });
    expect(k.backlog).toMatchObject({ open: 1, unattended: 1, oldestUnattendedSec: 600, callbacksPending: 0 });
    expect(ann).toMatchObject({ status: 'available', team: 'wallet', name: 'Ann' });

    // 12:01:30: the callback is pending. 12:02:30: T2 is open too. 12:03:30: T1 is resolved. 12:04:30: ann is
    // busy, in her new team and under her new name.
    const wallet = { status: 'available', team: 'wallet', name: 'Ann' };
    const steps = [
      { open: 1, callbacksPending: 1, ...wallet },
      { open: 2, callbacksPending: 1, ...wallet },
      { open: 1, callbacksPending: 1, ...wallet },
      { open: 1, callbacksPending: 1, status: 'busy', team: 'risk', name: 'Ann Lee' }
    ];
    for (const [i, want] of steps.entries()) {
      clock = NOW + (i + 1.5) * MIN;
      t.rt.ingest.replayDue(clock);
      ({ k, ann } = await at());
      expect({ open: k.backlog.open, callbacksPending: k.backlog.callbacksPending, status: ann.status, team: ann.team, name: ann.name }).toEqual(want);
    }
    expect(ann.statusSince).toBe(new Date(NOW + 4 * MIN).toISOString());
    // Nothing is left to wait for, and the facts never moved.
    expect(t.rt.ingest.replayDue(clock + 60 * MIN)).toBe(0);
    expect(k.tickets).toMatchObject({ created: 2, resolved: 1 });
  });

  it('are found again by a server restarted before their time', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'floorboard-ahead-')), 'kpi.sqlite');
    let clock = NOW;
    t = testApp({ now: () => clock, path });
    // And a reply at 12:01 to a ticket whose creation has not come in at all.
    await t.post([...ahead(), e('ticket.replied', NOW + MIN, { ticket: 'T9', agent: 'ann' })]);
    t.close();
    // Restarted at 12:02:30: T2's creation, C1 and the reply have come, T1's resolution has not.
    clock = NOW + 2.5 * MIN;
    t = testApp({ now: () => clock, path });
    expect(t.rt.ingest.replayDue(clock)).toBe(3);
    // Each is replayed once, T9 too, though it has nothing to show yet.
    expect(t.rt.ingest.replayDue(clock + 1_000)).toBe(0);
    expect((await t.kpis()).backlog).toMatchObject({ open: 2, callbacksPending: 1 });
    clock = NOW + 3.5 * MIN;
    t.rt.ingest.replayDue(clock);
    expect((await t.kpis()).backlog).toMatchObject({ open: 1, callbacksPending: 1 });
    const window = { from: NOW - 60 * MIN, to: NOW + 10 * MIN };
    expect((await t.agents(window)).agents[0]).toMatchObject({ status: 'available', team: 'wallet', name: 'Ann' });
    clock = NOW + 4.5 * MIN;
    t.rt.ingest.replayDue(clock);
    expect((await t.agents(window)).agents[0]).toMatchObject({ status: 'busy', team: 'risk', name: 'Ann Lee' });
  });
});
