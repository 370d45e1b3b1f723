import { describe, expect, it } from 'vitest';
import { startDemo } from '../../api/sim/demo';
import { ticketsPerHourForEventRate } from '../../api/sim/rates';
import { createSimulator, type RawEvent } from '../../api/sim/simulator';

const TZ = 'Asia/Shanghai';
const MIDNIGHT = Date.parse('2026-11-24T00:00:00+08:00');
const NOW = MIDNIGHT + 3 * 3_600_000 + 123_456;

const until = async (cond: () => boolean, ms = 10_000) => {
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

  it('tags ids with the local date when backfilling, so a restart re-sends the same ids and another day never collides', async () => {
    const batches: RawEvent[][] = [];
    const demo = startDemo({ send: async (e) => void batches.push(e), now: () => NOW, timezone: TZ, tickMs: 5, log: () => {} });
    await until(() => batches.length > 0);
    await demo.stop();
    expect(batches[0][0].id).toMatch(/^ev-261124-\d+$/);
    expect(batches.flat().find((e) => e.type === 'ticket.created')?.ticket).toMatch(/^T-261124-\d{6}$/);
  });

  it('keeps a batch the server failed to take and sends it again', async () => {
    const delivered: RawEvent[] = [];
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
      log: () => {},
      onLive: () => (live = true)
    });
    await until(() => live);
    clock += 2 * 3_600_000;
    const expected = createSimulator({ start: MIDNIGHT + 600_000, timezone: TZ, idPrefix: 'r1-' }).advance(clock);
    await until(() => delivered.length >= expected.length);
    await demo.stop();
    expect(calls).toBeGreaterThan(2);
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
