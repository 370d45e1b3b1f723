import { describe, expect, it } from 'vitest';
import { validateEvents } from '../../api/events/parse';
import { hasEventWithIdPrefix } from '../../api/queries/hasEventWithIdPrefix';
import { newestEventWithIdPrefix } from '../../api/queries/newestEventWithIdPrefix';
import { computeLiveState } from '../../api/live/state';
import { createRuntime } from '../../api/runtime';
import { startDemo } from '../../api/sim/demo';
import { ticketsPerHourForEventRate } from '../../api/sim/rates';
import { createSimulator, type RawEvent } from '../../api/sim/simulator';

const TZ = 'Asia/Shanghai';
const MIDNIGHT = Date.parse('2026-11-24T00:00:00+08:00');
const NOW = MIDNIGHT + 3 * 3_600_000 + 123_456;

/** Resolves once `cond` holds; by default however long the work takes (the test's own timeout is the limit). */
const until = async (cond: () => boolean, ms = Infinity) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('startDemo', () => {
  it('backfills today from local midnight in batches of at most 500, then stops cleanly', async () => {
    const batches: RawEvent[][] = [];
    let live = false;
    const demo = startDemo({
      send: async (events) => void batches.push(events),
      now: () => NOW,
      timezone: TZ,
      seed: 5,
      idPrefix: '',
      tickMs: 5,
      onLive: () => (live = true)
    });
    await until(() => live);
    await demo.stop();
    const sent = batches.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(batches.length).toBe(sent);

    expect(batches.every((b) => b.length > 0 && b.length <= 500)).toBe(true);
    expect(batches.slice(0, -1).every((b) => b.length === 500)).toBe(true);
    const expected = createSimulator({ start: MIDNIGHT, timezone: TZ, seed: 5 }).advance(NOW);
    expect(JSON.stringify(batches.flat())).toBe(JSON.stringify(expected));
  });

  it('backfills every event at a high --rate: a 15-minute slice held more than it keeps pending, and lost the oldest', async () => {
    const ticketsPerHour = ticketsPerHourForEventRate(1000);
    const now = MIDNIGHT + 20 * 60_000;
    let sent = 0;
    let live = false;
    const demo = startDemo({ send: async (events) => void (sent += events.length), now: () => now, timezone: TZ, idPrefix: '', ticketsPerHour, tickMs: 5, onLive: () => (live = true) });
    await until(() => live, 60_000);
    await demo.stop();
    const expected = createSimulator({ start: MIDNIGHT, timezone: TZ, ticketsPerHour }).advance(now).length;
    expect(expected).toBeGreaterThan(100_000);
    expect(sent).toBe(expected);
  }, 90_000);

  it('stopped during the backfill, says so and never starts streaming', async () => {
    const lines: string[] = [];
    let batches = 0;
    const demo = startDemo({
      // A slow server: the backfill is still going when the demo is stopped.
      send: () => new Promise((resolve) => setTimeout(() => resolve(void batches++), 20)),
      // A day's evening: thousands of events to backfill, hundreds to a batch.
      now: () => MIDNIGHT + 20 * 3_600_000,
      timezone: TZ,
      tickMs: 5,
      log: (m) => lines.push(m)
    });
    await until(() => batches > 0);
    await demo.stop();
    expect(lines).toEqual([expect.stringMatching(/^backfill stopped: \d+ events sent, from 2026-11-23T16:00:00.000Z to /)]);
  });

  it('says a count of one in the singular: "backfill stopped: 1 event sent"', async () => {
    const lines: string[] = [];
    let refuse!: (e: Error) => void;
    let batches = 0;
    const demo = startDemo({
      // The first event taken, the second still on its way at the stop, and then refused.
      send: () => (++batches === 1 ? Promise.resolve() : new Promise((_resolve, reject) => (refuse = reject))),
      now: () => MIDNIGHT + 20 * 3_600_000,
      timezone: TZ,
      batchSize: 1,
      tickMs: 5,
      log: (m) => lines.push(m)
    });
    await until(() => batches > 1);
    const stopped = demo.stop();
    refuse(new Error('server went away'));
    await stopped;
    expect(lines.at(-1)).toMatch(/^backfill stopped: 1 event sent, from /);
  });

  it('tags ids with the local date when backfilling, so a restart re-sends the same ids and another day never collides', async () => {
    const batches: RawEvent[][] = [];
    const demo = startDemo({ send: async (e) => void batches.push(e), now: () => NOW, timezone: TZ, tickMs: 5, log: () => {} });
    await until(() => batches.length > 0);
    await demo.stop();
    expect(batches[0][0].id).toMatch(/^ev-261124z[0-9a-f]{6}-\d+$/);
    expect(batches.flat().find((e) => e.type === 'ticket.created')?.ticket).toMatch(/^T-261124z[0-9a-f]{6}-\d{6}$/);
  });

  it('tags a backfill\'s ids with its zone too: another zone\'s day of the same date is a day of its own, none of its events taken for duplicates', async () => {
    const sent = new Map<string, RawEvent[]>();
    // At NOW it is the 24th in Tokyo as in Shanghai, an hour later: the same local date, other instants.
    for (const timezone of [TZ, 'Asia/Tokyo', 'asia/shanghai']) {
      const batches: RawEvent[] = [];
      const demo = startDemo({ send: async (e) => void batches.push(...e), now: () => NOW, timezone, tickMs: 5, log: () => {} });
      await until(() => batches.length > 0);
      await demo.stop();
      sent.set(timezone, batches);
    }
    const ids = new Set(sent.get(TZ)!.map((e) => e.id));
    const tickets = new Set(sent.get(TZ)!.map((e) => e.ticket).filter(Boolean));
    const tokyo = sent.get('Asia/Tokyo')!;
    expect(tokyo.length).toBeGreaterThan(100);
    expect(tokyo.filter((e) => ids.has(e.id)).map((e) => e.id)).toEqual([]);
    expect(tokyo.filter((e) => tickets.has(e.ticket)).map((e) => e.ticket)).toEqual([]);
    // The same zone however it is written: the same day, under the same ids.
    const first = (timezone: string) => sent.get(timezone)!.slice(0, 100).map((e) => e.id);
    expect(first('asia/shanghai')).toEqual(first(TZ));
  });

  it('keeps a batch the server failed to take and sends it again', async () => {
    const delivered: RawEvent[] = [];
    const lines: string[] = [];
    let calls = 0;
    let clock = MIDNIGHT + 600_000;
    let live = false;
    const demo = startDemo({
      send: async (events) => {
        if (++calls <= 2) throw new Error('connection refused');
        delivered.push(...events);
      },
      now: () => clock,
      timezone: TZ,
      backfill: false,
      idPrefix: 'r1-',
      tickMs: 5,
      retryMs: 5,
      log: (m) => lines.push(m),
      onLive: () => (live = true)
    });
    await until(() => live);
    clock += 2 * 3_600_000;
    const expected = createSimulator({ start: MIDNIGHT + 600_000, timezone: TZ, idPrefix: 'r1-' }).advance(clock);
    await until(() => delivered.length >= expected.length);
    await demo.stop();
    expect(calls).toBeGreaterThan(2);
    // Said once as it failed, and once as the server took a batch again, with what it still held: "sending again"
    // read as one more try, not as delivery back.
    expect(lines.filter((l) => /^sending failed|server takes|again/.test(l))).toEqual([
      'sending failed, will retry: connection refused',
      expect.stringMatching(/^the server takes events again: \d+ more held to send$/)
    ]);
    expect(JSON.stringify(delivered)).toBe(JSON.stringify(expected));
    expect(delivered.find((e) => e.type === 'ticket.created')?.ticket).toMatch(/^T-r1-\d{6}$/);
  });
});

describe('startDemo without backfill', () => {
  it('gives two simulators started in the same second with different seeds ids of their own, so neither loses its events to the other as duplicates', async () => {
    const firstHour = async (seed: number): Promise<Set<string>> => {
      const sent: RawEvent[] = [];
      let clock = NOW;
      let live = false;
      const demo = startDemo({ send: async (e) => void sent.push(...e), now: () => clock, timezone: TZ, seed, backfill: false, tickMs: 5, log: () => {}, onLive: () => (live = true) });
      await until(() => live);
      clock += 6 * 3_600_000;
      await until(() => sent.length > 100);
      await demo.stop();
      return new Set(sent.map((e) => e.id));
    };
    // "Run several simulators for more": started together by a script, each with a seed of its own.
    const a = await firstHour(1);
    const b = await firstHour(2);
    expect(a.size).toBeGreaterThan(100);
    expect([...b].filter((id) => a.has(id))).toEqual([]);
  });
});

describe('startDemo restarted on a later day', () => {
  const HOUR = 3_600_000;
  const atOf = (e: RawEvent): number => (typeof e.at === 'number' ? e.at : Date.parse(e.at));

  /** A store the demo sends to: what it keeps, whether an id with a prefix is stored, and whether it holds events up to a time. */
  interface Store {
    send(events: RawEvent[]): void;
    hasStored(idPrefix: string): boolean;
    /** The stored event with the highest id that starts with the prefix (a run's newest: ids count up). */
    newestStored?(idPrefix: string): { id: string; at: number } | undefined;
    reached(to: number): boolean;
  }

  /** Runs a backfilled demo into `store` from `from` on `clock`, moves the clock to `to`, and stops once the store has it all. */
  async function runInto(store: Store, clock: { now: number }, from: number, to: number): Promise<void> {
    clock.now = from;
    let live = false;
    const demo = startDemo({
      send: async (events) => store.send(events),
      now: () => clock.now,
      hasStored: (prefix) => store.hasStored(prefix),
      newestStored: store.newestStored && ((prefix) => store.newestStored!(prefix)),
      timezone: TZ,
      batchSize: 1_000_000,
      tickMs: 5,
      log: () => {},
      onLive: () => (live = true)
    });
    await until(() => live);
    clock.now = to;
    await until(() => store.reached(to));
    await demo.stop();
  }

  /** Runs a backfilled demo on a database (`stored`) from `from` on its clock, moves the clock to `to`, and stops. */
  async function runDemo(stored: Map<string, RawEvent>, from: number, to: number): Promise<RawEvent[]> {
    const sent: RawEvent[] = [];
    await runInto(
      {
        send: (events) => {
          sent.push(...events);
          for (const e of events) stored.set(e.id, e);
        },
        // What the server answers from its database: whether an event whose id starts so is stored.
        hasStored: (prefix) => [...stored.keys()].some((id) => id.startsWith(prefix)),
        newestStored: (prefix) => {
          const ids = [...stored.keys()].filter((id) => id.startsWith(prefix)).sort();
          return ids.length === 0 ? undefined : { id: ids[ids.length - 1], at: atOf(stored.get(ids[ids.length - 1])!) };
        },
        // One batch takes everything up to the clock: once an event of its last half hour is in, all of it is.
        reached: (t) => sent.some((e) => atOf(e) > t - HOUR / 2)
      },
      { now: from },
      from,
      to
    );
    return sent;
  }

  const createdIn = (events: Iterable<RawEvent>, from: number, to: number) =>
    new Set([...events].filter((e) => e.type === 'ticket.created' && atOf(e) >= from && atOf(e) < to).map((e) => e.ticket)).size;

  it('after running through the night, carries on that run: the night is not sent a second time under other ids', async () => {
    const stored = new Map<string, RawEvent>();
    // Started at 20:00, left running overnight, restarted at 09:00 (a deploy, a crash).
    await runDemo(stored, MIDNIGHT - 4 * HOUR, MIDNIGHT + 9 * HOUR);
    const night = createdIn(stored.values(), MIDNIGHT, MIDNIGHT + 9 * HOUR);
    expect(night).toBeGreaterThan(50);
    const restarted = await runDemo(stored, MIDNIGHT + 9 * HOUR, MIDNIGHT + 10 * HOUR);
    expect(createdIn(stored.values(), MIDNIGHT, MIDNIGHT + 9 * HOUR)).toBe(night);
    // It goes on streaming after the restart.
    expect(createdIn(restarted, MIDNIGHT + 9 * HOUR, MIDNIGHT + 10 * HOUR)).toBeGreaterThan(20);
  }, 30_000);

  it('carries on a run stored before its ids named the zone, under that run\'s ids: the day is not sent again beside it', async () => {
    const made = new Map<string, RawEvent>();
    await runDemo(made, MIDNIGHT + 2 * HOUR, MIDNIGHT + 9 * HOUR);
    // The same run as the version before stored it: `ev-261124-<version>-…`, without `z<zone>`.
    const zoneless = (e: RawEvent): RawEvent => JSON.parse(JSON.stringify(e).replace(/(\d{6})z[0-9a-f]{6}-/g, '$1-'));
    const stored = new Map([...made.values()].map((e) => [zoneless(e).id, zoneless(e)]));
    expect([...stored.keys()][0]).toMatch(/^ev-261124-[0-9a-f]{6}-\d+$/);
    const morning = createdIn(stored.values(), MIDNIGHT, MIDNIGHT + 9 * HOUR);
    expect(morning).toBeGreaterThan(50);
    const restarted = await runDemo(stored, MIDNIGHT + 9 * HOUR, MIDNIGHT + 10 * HOUR);
    expect(createdIn(stored.values(), MIDNIGHT, MIDNIGHT + 9 * HOUR)).toBe(morning);
    expect(createdIn(restarted, MIDNIGHT + 9 * HOUR, MIDNIGHT + 10 * HOUR)).toBeGreaterThan(20);
    expect(restarted.filter((e) => !e.id.startsWith('ev-261124-'))).toEqual([]);
  }, 30_000);

  it('after running for more than a week without a stop, carries on that run: today is not sent a second time under other ids', async () => {
    const stored = new Map<string, RawEvent>();
    // A wall's demo started eight days ago at 20:00 and left running; restarted at 09:00 (a deploy, a reboot).
    await runDemo(stored, MIDNIGHT - 8 * 24 * HOUR + 20 * HOUR, MIDNIGHT + 9 * HOUR);
    const morning = createdIn(stored.values(), MIDNIGHT, MIDNIGHT + 9 * HOUR);
    expect(morning).toBeGreaterThan(100);
    const restarted = await runDemo(stored, MIDNIGHT + 9 * HOUR, MIDNIGHT + 10 * HOUR);
    expect(createdIn(stored.values(), MIDNIGHT, MIDNIGHT + 9 * HOUR)).toBe(morning);
    expect(createdIn(restarted, MIDNIGHT + 9 * HOUR, MIDNIGHT + 10 * HOUR)).toBeGreaterThan(20);
  }, 60_000);

  it('after a code change, neither carries on the stored run under the same ids (mixing two simulators) nor sends the day again beside it', async () => {
    const stored = new Map<string, RawEvent>();
    // Today's run as an earlier version made it (its ids, 'ev-261124-…'), left running until 10:00.
    const clock = { now: MIDNIGHT + 10 * HOUR };
    let live = false;
    const before = startDemo({ send: async (events) => void events.forEach((e) => stored.set(e.id, e)), now: () => clock.now, timezone: TZ, idPrefix: '261124-', batchSize: 1_000_000, tickMs: 5, onLive: () => (live = true) });
    await until(() => live);
    await before.stop();
    const morning = createdIn(stored.values(), MIDNIGHT, MIDNIGHT + 10 * HOUR);
    expect(morning).toBeGreaterThan(100);
    const storedIds = new Set(stored.keys());
    const lines: string[] = [];
    const sent: RawEvent[] = [];
    clock.now = MIDNIGHT + 10 * HOUR;
    live = false;
    const after = startDemo({
      send: async (events) => void events.forEach((e) => (sent.push(e), stored.set(e.id, e))),
      now: () => clock.now,
      hasStored: (prefix) => [...stored.keys()].some((id) => id.startsWith(prefix)),
      newestStored: (prefix) => {
        const ids = [...stored.keys()].filter((id) => id.startsWith(prefix)).sort();
        return ids.length === 0 ? undefined : { id: ids[ids.length - 1], at: atOf(stored.get(ids[ids.length - 1])!) };
      },
      timezone: TZ,
      batchSize: 1_000_000,
      tickMs: 5,
      log: (m) => lines.push(m),
      onLive: () => (live = true)
    });
    await until(() => live);
    clock.now = MIDNIGHT + 11 * HOUR;
    await until(() => sent.some((e) => atOf(e) > MIDNIGHT + 10.5 * HOUR));
    await after.stop();
    // The morning once, and none of what this version sends taken for a duplicate of the other's.
    expect(createdIn(stored.values(), MIDNIGHT, MIDNIGHT + 10 * HOUR)).toBe(morning);
    expect(sent.filter((e) => storedIds.has(e.id)).map((e) => e.id)).toEqual([]);
    expect(createdIn(sent, MIDNIGHT + 10 * HOUR, MIDNIGHT + 11 * HOUR)).toBeGreaterThan(20);
    expect(lines.join('\n')).toMatch(/made by another version of the simulator: this one's begins now/);
    // Restarted again, with no change: that run is carried on, not begun once more beside itself.
    const hour = createdIn(stored.values(), MIDNIGHT + 10 * HOUR, MIDNIGHT + 11 * HOUR);
    await runDemo(stored, MIDNIGHT + 11 * HOUR, MIDNIGHT + 12 * HOUR);
    expect(createdIn(stored.values(), MIDNIGHT, MIDNIGHT + 10 * HOUR)).toBe(morning);
    expect(createdIn(stored.values(), MIDNIGHT + 10 * HOUR, MIDNIGHT + 11 * HOUR)).toBe(hour);
    expect(createdIn(stored.values(), MIDNIGHT + 11 * HOUR, MIDNIGHT + 12 * HOUR)).toBeGreaterThan(20);
  }, 60_000);

  it('after a run that stopped the evening before, carries it on: none of its tickets stays open for ever', async () => {
    const stored = new Map<string, RawEvent>();
    await runDemo(stored, MIDNIGHT - 4 * HOUR, MIDNIGHT - HOUR);
    await runDemo(stored, MIDNIGHT + 9 * HOUR, MIDNIGHT + 10 * HOUR);
    // Yesterday's tickets still open now: as many as in one run that never stopped, not all those open at the stop.
    const openFromYesterday = (events: Iterable<RawEvent>) => {
      const state = new Map<unknown, string>();
      for (const e of [...events].sort((a, b) => atOf(a) - atOf(b) || (a.id < b.id ? -1 : 1))) {
        if (e.type === 'ticket.created' && atOf(e) < MIDNIGHT) state.set(e.ticket, 'open');
        else if (state.has(e.ticket) && ['ticket.resolved', 'ticket.abandoned', 'ticket.reopened'].includes(e.type)) state.set(e.ticket, e.type === 'ticket.reopened' ? 'open' : 'closed');
      }
      return [...state.values()].filter((s) => s === 'open').length;
    };
    const uninterrupted = createSimulator({ start: MIDNIGHT - 24 * HOUR, timezone: TZ }).advance(MIDNIGHT + 10 * HOUR);
    expect(openFromYesterday(stored.values())).toBe(openFromYesterday(uninterrupted));
  }, 30_000);

  it('restarted on a day it already ran, sends that day again rather than carry on an older run beside it', async () => {
    const stored = new Map<string, RawEvent>();
    await runDemo(stored, MIDNIGHT - 4 * HOUR, MIDNIGHT - HOUR);
    // A run begun today (as a version that never carried a run on began one), then a restart the same day.
    const today = new Map<string, RawEvent>();
    await runDemo(today, MIDNIGHT + 9 * HOUR, MIDNIGHT + 10 * HOUR);
    for (const [id, e] of today) stored.set(id, e);
    await runDemo(stored, MIDNIGHT + 10 * HOUR, MIDNIGHT + 11 * HOUR);
    // Up to the last two minutes before the stop: a creation delivered late (up to two minutes) was still in flight then.
    const created = createdIn(stored.values(), MIDNIGHT, MIDNIGHT + 10 * HOUR - 2 * 60_000);
    expect(created).toBe(createdIn(today.values(), MIDNIGHT, MIDNIGHT + 10 * HOUR - 2 * 60_000));
  }, 30_000);

  it('after a run too old to carry on, shows nobody still logged in from it: agents off today read offline', async () => {
    const stored = new Map<string, RawEvent>();
    // Stopped at 17:00 eight days before, with the day shift at work; started again at 10:00, afresh.
    await runDemo(stored, MIDNIGHT - 8 * 24 * HOUR + 10 * HOUR, MIDNIGHT - 7 * 24 * HOUR - 7 * HOUR);
    await runDemo(stored, MIDNIGHT + 10 * HOUR, MIDNIGHT + 11 * HOUR);
    // Each agent's status now, as the agents board reads it: the latest by (at, id).
    const latest = new Map<string, RawEvent>();
    for (const e of [...stored.values()].sort((a, b) => atOf(a) - atOf(b) || (a.id < b.id ? -1 : 1))) if (e.type === 'agent.status') latest.set(e.agent as string, e);
    const stale = [...latest.values()].filter((e) => e.status !== 'offline' && atOf(e) < MIDNIGHT).map((e) => `${e.agent} ${e.status} since ${new Date(atOf(e)).toISOString()}`);
    expect(latest.size).toBeGreaterThan(40);
    expect(stale).toEqual([]);
  }, 30_000);

  /** A Floorboard database in this process, on `clock`, that takes what the demo sends as the server would. */
  function database(clock: { now: number }) {
    const rt = createRuntime({ DATABASE_PATH: ':memory:' }, () => clock.now);
    const store: Store = {
      send: (raw) => {
        const valid = validateEvents(raw, clock.now);
        if (!valid.ok) throw new Error(JSON.stringify(valid.errors.slice(0, 3)));
        rt.ingest.ingest(valid.events);
      },
      hasStored: (idPrefix) => hasEventWithIdPrefix(rt.db.$client, idPrefix),
      newestStored: (idPrefix) => newestEventWithIdPrefix(rt.db.$client, idPrefix),
      reached: (t) => (rt.db.$client.prepare('SELECT max(at) FROM events').pluck().get() as number) > t - 5 * 60_000
    };
    return { rt, store };
  }

  it('reads the run to carry on from a Floorboard database, as npm start -- --demo does', async () => {
    const clock = { now: MIDNIGHT - 4 * HOUR };
    const { rt, store } = database(clock);
    const run = (from: number, to: number) => runInto(store, clock, from, to);
    const created = () => rt.db.$client.prepare("SELECT count(*) FROM events WHERE type = 'ticket.created' AND at >= ?").pluck().get(MIDNIGHT) as number;
    await run(MIDNIGHT - 4 * HOUR, MIDNIGHT + 9 * HOUR);
    const night = created();
    expect(night).toBeGreaterThan(50);
    await run(MIDNIGHT + 9 * HOUR, MIDNIGHT + 9 * HOUR + 10 * 60_000);
    // Ten minutes more of the same run: a dozen tickets or so, not the night's again.
    expect(created() - night).toBeLessThan(night / 4);
  }, 30_000);

  it('reads from a Floorboard database whether a run begun more than a week ago is still going, as npm start -- --demo does', async () => {
    const clock = { now: MIDNIGHT };
    const { rt, store } = database(clock);
    const created = () => rt.db.$client.prepare("SELECT count(*) FROM events WHERE type = 'ticket.created' AND at >= ?").pluck().get(MIDNIGHT) as number;
    await runInto(store, clock, MIDNIGHT - 8 * 24 * HOUR + 20 * HOUR, MIDNIGHT + 9 * HOUR);
    const morning = created();
    await runInto(store, clock, MIDNIGHT + 9 * HOUR, MIDNIGHT + 9 * HOUR + 10 * 60_000);
    // Ten minutes more of the same run: a dozen tickets or so, not the morning's again.
    expect(created() - morning).toBeLessThan(morning / 4);
  }, 60_000);

  it('started on a new database, lists on the wall the agents on shift or at work today, not the whole roster as logged off today', async () => {
    const clock = { now: MIDNIGHT };
    const { rt, store } = database(clock);
    await runInto(store, clock, MIDNIGHT, MIDNIGHT + 10 * HOUR);
    const { agents } = computeLiveState(rt.db.$client, {}, clock.now, TZ);
    const roster = rt.db.$client.prepare('SELECT count(*) FROM agents').pluck().get() as number;
    // Offline with nothing done today: a night shift that logged off after midnight, and no one else. The run's roll
    // call (every agent's status as the run begins) is no logging off today.
    const offDuty = agents.filter((a) => a.status === 'offline' && a.open === 0 && a.firstResponse.count + a.resolution.count + a.callbacks.attempts === 0);
    expect(offDuty.filter((a) => Date.parse(a.statusSince!) === MIDNIGHT).map((a) => a.agent)).toEqual([]);
    expect(offDuty.length).toBeLessThan(roster / 10);
    expect(agents.length).toBeLessThan(roster);
    expect(agents.filter((a) => a.status !== 'offline').length).toBeGreaterThan(10);
  }, 30_000);
});

describe('startDemo while the server is away', () => {
  it('loses nothing when more piles up than it keeps pending: the simulated clock waits for the server, then catches up', async () => {
    // npm run simulate at 1,000 events/s, with the server down for four minutes around noon (a restart, a rebuild).
    const ticketsPerHour = ticketsPerHourForEventRate(1000);
    const noon = MIDNIGHT + 12 * 3_600_000;
    const clock = { now: noon };
    let down = true;
    let refused = 0;
    let live = false;
    const delivered: RawEvent[] = [];
    const demo = startDemo({
      send: async (events) => {
        if (down) {
          refused++;
          throw new Error('connection refused');
        }
        delivered.push(...events);
      },
      now: () => clock.now,
      timezone: TZ,
      ticketsPerHour,
      backfill: false,
      idPrefix: 'o-',
      tickMs: 5,
      retryMs: 5,
      log: () => {},
      onLive: () => (live = true)
    });
    await until(() => live);
    clock.now += 4 * 60_000;
    const expected = createSimulator({ start: noon, timezone: TZ, ticketsPerHour, idPrefix: 'o-' }).advance(clock.now);
    // More than the demo keeps pending (100,000).
    expect(expected.length).toBeGreaterThan(120_000);
    await until(() => refused > 3);
    down = false;
    // Until all of it is in: the last event delivered may be a duplicate's second copy, whose id came much earlier.
    await until(() => delivered.length >= expected.length, 60_000);
    await demo.stop();
    expect(delivered.length).toBe(expected.length);
    expect(JSON.stringify(delivered)).toBe(JSON.stringify(expected));
  }, 90_000);
});
