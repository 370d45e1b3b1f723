// The live feed across a step of the machine's clock (NTP setting it back, or forward, by hours): walls keep
// their updates and subscriptions their snapshots.
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage, SnapshotMessage, UpdateMessage } from '../../api/live/protocol';
import { endedAfterEach, listenInZone } from '../helpers/live';
import { middayZone } from '../helpers/server';

const HOUR = 3_600_000;
const live = endedAfterEach();
afterEach(() => vi.restoreAllMocks());

/** The machine's clock, `offset` ms from the real one: the whole process reads it, as after an NTP step. */
function steppableClock() {
  const real = Date.now.bind(Date);
  const clock = { offset: 0 };
  vi.spyOn(Date, 'now').mockImplementation(() => real() + clock.offset);
  return clock;
}

// About noon in the centre's zone (unless a test asks for another), so the clock's steps of 3 hours, and a ticket a
// second old, stay in one day.
async function start(hub: { heartbeatMs?: number } = {}, zone = middayZone()) {
  const { port, tokens, post } = await listenInZone(live, 'live-clock', zone, { minIntervalMs: 50, heartbeatMs: 400, pingMs: 60_000, ...hub });
  const connect = () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live?token=${tokens.display}`);
    live.sockets.push(ws);
    const messages: ServerMessage[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    type Live = SnapshotMessage | UpdateMessage;
    const until = async (pred: (m: Live) => boolean, ms = 30_000): Promise<Live> => {
      for (let waited = 0; waited < ms; waited += 50) {
        const found = messages.find((m) => m.type !== 'error' && pred(m as Live));
        if (found) return found as Live;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no matching message in ${ms} ms; got ${messages.length}`);
    };
    return { ws, messages, until, opened: new Promise((r, j) => (ws.once('open', r), ws.once('error', j))) };
  };
  return { post, connect };
}

const created = (id: string, team = 'wallet') => ({ id, type: 'ticket.created', at: Date.now() - 1000, ticket: id, channel: 'chat', team });

describe('the live feed across a clock step', () => {
  it('goes on updating the walls after the clock is set back by hours, and answers subscriptions', async () => {
    const clock = steppableClock();
    const { post, connect } = await start();
    const wall = connect();
    await wall.until((m) => m.type === 'update');
    clock.offset = -3 * HOUR;
    const seen = wall.messages.length;
    // A heartbeat's update, then a commit's, as before the step: not three hours later.
    await wall.until((m) => m.type === 'update' && wall.messages.indexOf(m) >= seen);
    await post([created('T1')]);
    await wall.until((m) => m.type === 'update' && m.windows.today.tickets.created === 1);
    // A wall subscribing now gets its snapshot at once.
    const risk = connect();
    await risk.opened;
    await risk.until((m) => m.type === 'snapshot');
    risk.ws.send(JSON.stringify({ type: 'subscribe', filters: { team: 'risk' } }));
    await risk.until((m) => m.type === 'snapshot' && m.filters.team === 'risk');
  });

  it('goes on updating the walls after the clock is set forward by hours', async () => {
    const clock = steppableClock();
    const { post, connect } = await start();
    const wall = connect();
    await wall.until((m) => m.type === 'update');
    clock.offset = 3 * HOUR;
    await post([created('T1')]);
    await wall.until((m) => m.type === 'update' && m.windows.today.tickets.created === 1);
  });

  it('gives a wall opened just after midnight today\'s numbers, not the last state of yesterday', async () => {
    const clock = steppableClock();
    // Midnight (KPI_TIMEZONE is UTC) behind the real clock, so every event is in the writer's past. A minute before
    // it, not 3 s: a start, a post and a snapshot took longer than that on a busy machine, and the wall said to show
    // yesterday's ticket was opened after midnight already.
    const midnight = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR;
    clock.offset = midnight - 60_000 - Date.now();
    // No heartbeat within the test: only the day's end may make the state computed before midnight stale.
    const { post, connect } = await start({ heartbeatMs: 600_000 }, 'UTC');
    await post([created('T1')]);
    const before = connect();
    const yesterday = await before.until((m) => m.type === 'snapshot');
    expect(yesterday.windows.today.tickets.created).toBe(1);
    clock.offset = midnight + 1000 - Date.now() + clock.offset;
    const after = connect();
    const today = await after.until((m) => m.type === 'snapshot');
    expect(today.windows.today.from).toBe(new Date(midnight).toISOString());
    expect(today.windows.today.tickets.created).toBe(0);
    expect(today.series.from).toBe(new Date(midnight).toISOString());
  });
});
