// Hours and days are summed from 5-minute rows after ingest; until then queries read them from finer rows.
import { afterEach, describe, expect, it } from 'vitest';
import { compactRollups } from '../../api/ingest/rollup-compaction';
import { coverWindow } from '../../api/queries/windowTotals';
import { createRuntime, type LocalRuntime } from '../../api/runtime';
import { ev, valid } from '../helpers/events';

const H = 3_600_000;
const D = 24 * H;
const DAY = Date.parse('2026-11-24T00:00:00Z');

let rt: LocalRuntime;
afterEach(() => rt?.db.$client.close());

const stale = () => rt.db.$client.prepare('SELECT level, bucket FROM rollup_stale ORDER BY level, bucket').raw().all();

describe('rollup compaction', () => {
  it('marks a fact’s hour and day stale, and with endedBy sums only the buckets that have ended', () => {
    rt = createRuntime({ DATABASE_PATH: ':memory:' });
    // T0 is 01:00 UTC: tickets at 01:10 and 03:20.
    rt.ingest.ingest(valid([ev('ticket.created', 10, { ticket: 'A', channel: 'chat' }), ev('ticket.created', 140, { ticket: 'B', channel: 'chat' })]));
    expect(stale()).toEqual([[1, DAY + H], [1, DAY + 3 * H], [2, DAY]]);
    // At 03:30 the 01:00 hour has ended; the 03:00 hour and the day are still running.
    expect(compactRollups(rt.db.$client, { endedBy: DAY + 3.5 * H })).toEqual({ hours: 1, days: 0, left: 2 });
    expect(stale()).toEqual([[1, DAY + 3 * H], [2, DAY]]);
    const hourRows = rt.db.$client.prepare("SELECT created FROM rollups WHERE level = 1 AND dim = 'all' AND bucket = ?").pluck().all(DAY + H);
    expect(hourRows).toEqual([1]);
    expect(compactRollups(rt.db.$client)).toEqual({ hours: 1, days: 1, left: 0 });
    expect(rt.db.$client.prepare("SELECT created FROM rollups WHERE level = 2 AND dim = 'all'").pluck().all()).toEqual([2]);
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
    expect(marks()).toEqual([[1, 0, 5_000], [2, 0, 5_000]]);
    // Quiet since T+5 s: at T+10 s, a round that wants 10 quiet seconds sums nothing, nor one that waits at most 60 s.
    const round = (now: number) => compactRollups(rt.db.$client, { endedBy: now, lastMarkBy: now - 10_000, firstMarkBy: now - 60_000 });
    expect(round(T + 10_000)).toEqual({ hours: 0, days: 0, left: 2 });
    // At T+15 s both have been quiet for 10 s.
    expect(round(T + 15_000)).toEqual({ hours: 1, days: 1, left: 0 });
    expect(rt.db.$client.prepare("SELECT created FROM rollups WHERE level = 2 AND dim = 'all'").pluck().all()).toEqual([2]);
    // Marked every 5 s from T+20 s on: never quiet for 10 s, but summed once 60 s have passed since its first mark.
    const first = (clock = T + 20_000);
    for (let i = 0; clock < first + 60_000; i++, clock += 5_000) {
      rt.ingest.ingest(valid([ev('ticket.created', 30 + i / 10, { ticket: `C${i}`, channel: 'chat' })]));
      expect(round(clock + 1_000).hours).toBe(0);
    }
    rt.ingest.ingest(valid([ev('ticket.created', 40, { ticket: 'D', channel: 'chat' })]));
    expect(round(clock)).toEqual({ hours: 1, days: 1, left: 0 });
    expect(rt.db.$client.prepare("SELECT created FROM rollups WHERE level = 2 AND dim = 'all'").pluck().all()).toEqual([15]);
    // The day waited 60 s while its 02:00 hour, marked later, keeps being marked: the day is summed from its
    // hours, so it waits for that hour too.
    const dayFirst = clock;
    rt.ingest.ingest(valid([ev('ticket.created', 50, { ticket: 'E', channel: 'chat' })]));
    clock += 30_000;
    for (let i = 0; clock <= dayFirst + 70_000; i++, clock += 5_000) rt.ingest.ingest(valid([ev('ticket.created', 70 + i / 10, { ticket: `F${i}`, channel: 'chat' })]));
    expect(round(dayFirst + 70_000)).toEqual({ hours: 1, days: 0, left: 2 });
    expect(stale()).toEqual([[1, DAY + 2 * H], [2, DAY]]);
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
});
