// Hours, days and weeks are summed from the level below after ingest; until then queries read them from finer rows.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startMaintenance } from '../../api/ingest/maintenance';
import { compactRollups } from '../../api/ingest/rollup-compaction';
import { coverWindow } from '../../api/queries/windowTotals';
import { createRuntime, type LocalRuntime } from '../../api/runtime';
import { testApp } from '../helpers/app';
import { ev, valid } from '../helpers/events';

const H = 3_600_000;
const D = 24 * H;
const DAY = Date.parse('2026-11-24T00:00:00Z');
/** The 7-day bucket (from Thursday 2026-11-19, as buckets align to the epoch, a Thursday) that holds DAY. */
const WEEK = Date.parse('2026-11-19T00:00:00Z');

let rt: LocalRuntime;
afterEach(() => rt?.db.$client.close());

const stale = () => rt.db.$client.prepare('SELECT level, bucket FROM rollup_stale ORDER BY level, bucket').raw().all();

describe('rollup compaction', () => {
  it('marks a fact’s hour, day and week stale, and with endedBy sums only the buckets that have ended', () => {
    rt = createRuntime({ DATABASE_PATH: ':memory:' });
    // T0 is 01:00 UTC: tickets at 01:10 and 03:20.
    rt.ingest.ingest(valid([ev('ticket.created', 10, { ticket: 'A', channel: 'chat' }), ev('ticket.created', 140, { ticket: 'B', channel: 'chat' })]));
    expect(stale()).toEqual([[1, DAY + H], [1, DAY + 3 * H], [2, DAY], [3, WEEK]]);
    // At 03:30 the 01:00 hour has ended; the 03:00 hour, the day and the week are still running.
    expect(compactRollups(rt.db.$client, { endedBy: DAY + 3.5 * H })).toEqual({ hours: 1, days: 0, weeks: 0, left: 3 });
    expect(stale()).toEqual([[1, DAY + 3 * H], [2, DAY], [3, WEEK]]);
    const hourRows = rt.db.$client.prepare("SELECT created FROM rollups WHERE level = 1 AND dim = 'all' AND bucket = ?").pluck().all(DAY + H);
    expect(hourRows).toEqual([1]);
    // On the Thursday after, the day has ended and so has its week: both are summed in one round, the week from the day.
    expect(compactRollups(rt.db.$client, { endedBy: WEEK + 7 * D })).toEqual({ hours: 1, days: 1, weeks: 1, left: 0 });
    expect(rt.db.$client.prepare("SELECT created FROM rollups WHERE level = 2 AND dim = 'all'").pluck().all()).toEqual([2]);
    expect(rt.db.$client.prepare("SELECT bucket, created FROM rollups WHERE level = 3 AND dim = 'all'").raw().all()).toEqual([[WEEK, 2]]);
  });

  it('waits for a bucket ingest keeps marking until it is quiet, or has waited long enough', () => {
    let clock = DAY + 2 * D;
    rt = createRuntime({ DATABASE_PATH: ':memory:' }, () => clock);
    // A backfill of an ended day: a ticket at 01:10 marked at T, another at 01:20 marked 5 s later.
    const T = clock;
    rt.ingest.ingest(valid([ev('ticket.created', 10, { ticket: 'A', channel: 'chat' })]));
    clock += 5_000;
    rt.ingest.ingest(valid([ev('ticket.created', 20, { ticket: 'B', channel: 'chat' })]));
    const marks = () => rt.db.$client.prepare('SELECT level, first_marked_at - ?, marked_at - ? FROM rollup_stale ORDER BY level').raw().all(T, T);
    expect(marks()).toEqual([[1, 0, 5_000], [2, 0, 5_000], [3, 0, 5_000]]);
    // Quiet since T+5 s: at T+10 s, a round that wants 10 quiet seconds sums nothing, nor one that waits at most 60 s.
    const round = (now: number) => compactRollups(rt.db.$client, { endedBy: now, lastMarkBy: now - 10_000, firstMarkBy: now - 60_000 });
    expect(round(T + 10_000)).toEqual({ hours: 0, days: 0, weeks: 0, left: 3 });
    // At T+15 s all three have been quiet for 10 s (the week ended on Thursday 2026-11-26, where the clock starts).
    expect(round(T + 15_000)).toEqual({ hours: 1, days: 1, weeks: 1, left: 0 });
    expect(rt.db.$client.prepare("SELECT created FROM rollups WHERE level = 2 AND dim = 'all'").pluck().all()).toEqual([2]);
    // Marked every 5 s from T+20 s on: never quiet for 10 s, but summed once 60 s have passed since its first mark.
    const first = (clock = T + 20_000);
    for (let i = 0; clock < first + 60_000; i++, clock += 5_000) {
      rt.ingest.ingest(valid([ev('ticket.created', 30 + i / 10, { ticket: `C${i}`, channel: 'chat' })]));
      expect(round(clock + 1_000).hours).toBe(0);
    }
    rt.ingest.ingest(valid([ev('ticket.created', 40, { ticket: 'D', channel: 'chat' })]));
    expect(round(clock)).toEqual({ hours: 1, days: 1, weeks: 1, left: 0 });
    expect(rt.db.$client.prepare("SELECT created FROM rollups WHERE level = 2 AND dim = 'all'").pluck().all()).toEqual([15]);
    // The day waited 60 s while its 02:00 hour, marked later, keeps being marked: the day is summed from its
    // hours, so it waits for that hour too.
    const dayFirst = clock;
    rt.ingest.ingest(valid([ev('ticket.created', 50, { ticket: 'E', channel: 'chat' })]));
    clock += 30_000;
    for (let i = 0; clock <= dayFirst + 70_000; i++, clock += 5_000) rt.ingest.ingest(valid([ev('ticket.created', 70 + i / 10, { ticket: `F${i}`, channel: 'chat' })]));
    expect(round(dayFirst + 70_000)).toEqual({ hours: 1, days: 0, weeks: 0, left: 3 });
    expect(stale()).toEqual([[1, DAY + 2 * H], [2, DAY], [3, WEEK]]);
  });

  it('does not sum a day while its first hour, still being marked, is stale: the day then counts that hour’s tickets', async () => {
    let clock = DAY + 2 * D;
    const t = testApp({ now: () => clock });
    try {
      const T = clock;
      // A backfill: a ticket at 05:00 marks the day first; then tickets at 00:10… keep its 00:00 hour busy.
      expect((await t.post([ev('ticket.created', 240, { ticket: 'A', channel: 'chat' })])).status).toBe(200);
      for (let i = 0; (clock = T + 30_000 + i * 5_000) <= T + 65_000; i++)
        expect((await t.post([ev('ticket.created', -50 + i, { ticket: `B${i}`, channel: 'chat' })])).status).toBe(200);
      // The day was first marked over 60 s ago; its 00:00 hour is neither quiet nor that old. Then all is quiet.
      const round = (now: number) => compactRollups(t.rt.db.$client, { endedBy: now, lastMarkBy: now - 10_000, firstMarkBy: now - 60_000 });
      round(clock);
      clock += 20_000;
      expect(round(clock)).toMatchObject({ left: 0 });
      // 24 November, as a manager picks it: A and the eight tickets of 00:00–01:00.
      expect((await t.kpis({ from: '2026-11-24', to: '2026-11-25' })).tickets.created).toBe(9);
    } finally {
      t.close();
    }
  });

  it('stops a round once it has taken its time, one bucket at least, and sums the rest in the rounds after', () => {
    // Tickets in 30 hours over two days: 30 hours, 2 days and a week stale, as a backfill leaves them.
    const tickets = Array.from({ length: 30 }, (_, h) => ev('ticket.created', h * 60 + 5, { ticket: `T${h}`, channel: h % 2 ? 'chat' : 'email', team: 'payments' }));
    const twin = createRuntime({ DATABASE_PATH: ':memory:' });
    rt = createRuntime({ DATABASE_PATH: ':memory:' });
    for (const r of [rt, twin]) r.ingest.ingest(valid(tickets));
    const rows = (r: LocalRuntime) => r.db.$client.prepare('SELECT * FROM rollups ORDER BY level, dim, value, team, bucket').raw().all();
    // A clock on which every bucket takes 10 ms: a 25 ms round sums three.
    let ms = 0;
    const limits = { endedBy: WEEK + 14 * D, maxMs: 25, clock: () => (ms += 10) - 10 };
    const rounds = [];
    for (let r = compactRollups(rt.db.$client, limits); rounds.push(r) && r.left > 0; r = compactRollups(rt.db.$client, limits)) ms = 0;
    expect(rounds.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => ({ hours: 3, days: 0, weeks: 0, left: 30 - 3 * i })));
    expect(rounds.at(-1)).toEqual({ hours: 0, days: 2, weeks: 1, left: 0 });
    // However it was cut, the rows are those of one round with no limit.
    compactRollups(twin.db.$client);
    expect(rows(rt)).toEqual(rows(twin));
    twin.db.$client.close();
    // A bucket that alone takes longer than the round's time is still summed: a round always moves on.
    rt.ingest.ingest(valid([ev('ticket.created', 40 * 60, { ticket: 'L', channel: 'chat', team: 'payments' })]));
    expect(compactRollups(rt.db.$client, { endedBy: WEEK + 14 * D, maxMs: 0 })).toMatchObject({ hours: 1 });
  });

  it('covers a window with a stale day and a stale hour from the level below, with no gap and no overlap', () => {
    const from = DAY + 1.5 * H;
    const to = DAY + 3 * D;
    const cover = coverWindow(from, to, new Map([[1, [DAY + 5 * H]], [2, [DAY + D]]]));
    // No piece reads a stale bucket's own rows.
    expect(cover.rollups.some((r) => r.level === 2 && r.from <= DAY + D && r.to > DAY + D)).toBe(false);
    expect(cover.rollups.some((r) => r.level === 1 && r.from <= DAY + 5 * H && r.to > DAY + 5 * H)).toBe(false);
    // The pieces tile [from, to) exactly.
    const pieces = [...cover.rollups, ...cover.scans].map((p) => [p.from, p.to]).sort((a, b) => a[0] - b[0]);
    expect(pieces[0][0]).toBe(from);
    expect(pieces[pieces.length - 1][1]).toBe(to);
    for (let i = 1; i < pieces.length; i++) expect(pieces[i][0]).toBe(pieces[i - 1][1]);
    // The stale day is read as 24 hours, the stale hour as twelve 5-minute buckets.
    expect(cover.rollups).toContainEqual({ level: 1, from: DAY + D, to: DAY + 2 * D });
    expect(cover.rollups).toContainEqual({ level: 0, from: DAY + 5 * H, to: DAY + 6 * H });
  });

  it('reads a long window from whole weeks, and a stale week from its days', () => {
    const from = WEEK - 3 * D + 2 * H;
    const to = WEEK + 5 * 7 * D + 4 * D;
    const W = 7 * D;
    const cover = coverWindow(from, to, new Map([[3, [WEEK + 2 * W]]]));
    expect(cover.rollups.filter((r) => r.level === 3)).toEqual([
      { level: 3, from: WEEK, to: WEEK + 2 * W },
      { level: 3, from: WEEK + 3 * W, to: WEEK + 5 * W }
    ]);
    expect(cover.rollups).toContainEqual({ level: 2, from: WEEK + 2 * W, to: WEEK + 3 * W });
    const pieces = [...cover.rollups, ...cover.scans].map((p) => [p.from, p.to]).sort((a, b) => a[0] - b[0]);
    expect(pieces[0][0]).toBe(from);
    expect(pieces[pieces.length - 1][1]).toBe(to);
    for (let i = 1; i < pieces.length; i++) expect(pieces[i][0]).toBe(pieces[i - 1][1]);
  });
});

describe('rollup compaction on a full disk', () => {
  afterEach(() => (vi.useRealTimers(), vi.restoreAllMocks()));

  it('leaves every answer as it was, says so once rather than every round, and sums the buckets once there is room', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // Both days have ended when the events come; the marks they leave are quiet a minute later.
    let clock = DAY + 2 * D;
    const now = () => clock;
    const t = testApp({ now });
    rt = t.rt;
    for (let h = 0; h < 30; h++)
      expect((await t.post(Array.from({ length: 20 }, (_, i) => ev('ticket.created', h * 60 + i * 3, { ticket: `T${h}-${i}`, channel: i % 2 ? 'chat' : 'email', team: 'payments' })))).status).toBe(200);
    const windows = [[DAY, DAY + D], [DAY + 90 * 60_000, DAY + 29.5 * H], [DAY - D, DAY + 2 * D]];
    const answers = async () => Promise.all(windows.map(([from, to]) => t.kpis({ from, to })));
    clock += 60_000;
    const before = await answers();
    expect(before[0].tickets.created).toBe(460); // T0 is 01:00: 23 of the 30 hours on DAY
    // The disk is full: SQLite may not grow the file by a page.
    const pages = t.rt.db.$client.pragma('page_count', { simple: true }) as number;
    t.rt.db.$client.pragma(`max_page_count = ${pages}`);
    // The chores' timers only: a round every 2 s, the backlog sample every minute.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    // The machine slows after the first round, whose every bucket did not fit: a round's time then runs out
    // after a few buckets, and a round that small fits in the pages left free, until they are used up.
    let reads = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (reads++ < 40 ? 0 : (reads - 40) * 10));
    const stop = startMaintenance(t.rt.db, now, () => 0, () => {});
    try {
      await vi.advanceTimersByTimeAsync(20_000);
      const compactionLines = () => errors.mock.calls.filter((c) => String(c[0]).includes('compaction'));
      expect(stale().length).toBeGreaterThan(0);
      expect(compactionLines()).toHaveLength(1);
      expect(String(compactionLines()[0][0])).toContain('SQLITE_FULL');
      expect(await answers()).toEqual(before);
      // Room again: the next rounds sum every bucket, say so once, and the answers stay the same.
      t.rt.db.$client.pragma('max_page_count = 4294967294');
      await vi.advanceTimersByTimeAsync(20_000);
      expect(stale()).toEqual([]);
      expect(warnings.mock.calls.filter((c) => String(c[0]).includes('compaction works again'))).toHaveLength(1);
      expect(await answers()).toEqual(before);
    } finally {
      stop();
    }
  });

  it('says once that the backlog sample fails, not every minute, and once that it works again', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let clock = DAY + 12 * H;
    const now = () => clock;
    const t = testApp({ now });
    rt = t.rt;
    expect((await t.post([ev('ticket.created', 11 * 60, { ticket: 'T1', channel: 'chat', team: 'payments' })])).status).toBe(200);
    // The file can no longer be written (a few rows would still fit a full disk's last pages).
    t.rt.db.$client.pragma('query_only = ON');
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const stop = startMaintenance(t.rt.db, now, () => 0, () => {});
    const sampleLines = () => errors.mock.calls.filter((c) => String(c[0]).includes('backlog sample'));
    try {
      for (let minute = 0; minute < 5; minute++) {
        clock += 60_000;
        await vi.advanceTimersByTimeAsync(60_000);
      }
      expect(sampleLines()).toHaveLength(1);
      expect(String(sampleLines()[0][0])).toContain('SQLITE_READONLY');
      t.rt.db.$client.pragma('query_only = OFF');
      clock += 60_000;
      await vi.advanceTimersByTimeAsync(60_000);
      expect(warnings.mock.calls.filter((c) => String(c[0]).includes('backlog sample works again'))).toHaveLength(1);
    } finally {
      stop();
    }
  });
});

describe('rollup compaction across a clock set back', () => {
  afterEach(() => vi.useRealTimers());

  it('sums the buckets marked while the clock was ahead once ingest is quiet, not once the clock has caught up', async () => {
    // Friday: the ticket's hour, day and week (to Thursday) have all ended.
    let clock = DAY + 3 * D;
    rt = createRuntime({ DATABASE_PATH: ':memory:' }, () => clock);
    rt.ingest.ingest(valid([ev('ticket.created', 10, { ticket: 'A', channel: 'chat' })]));
    expect(stale()).toHaveLength(3);
    clock -= 3 * H; // NTP sets the clock back three hours
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const stop = startMaintenance(rt.db, () => clock, () => 0, () => {});
    try {
      for (let s = 0; s < 30; s++) {
        clock += 1_000;
        await vi.advanceTimersByTimeAsync(1_000);
      }
      expect(stale()).toEqual([]);
      expect(rt.db.$client.prepare("SELECT level, created FROM rollups WHERE level > 0 AND dim = 'all' ORDER BY level").raw().all()).toEqual([[1, 1], [2, 1], [3, 1]]);
    } finally {
      stop();
    }
  });
});
