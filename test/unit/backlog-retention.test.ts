// A server left running for months: the backlog samples hold what today's chart reads, not every minute it ran.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PRUNE_SAMPLES, SAMPLES_KEPT_MS, sampleBacklog } from '../../api/live/backlog-sampler';
import { computeLiveState } from '../../api/live/state';
import { openDb } from '../../db/open';
import { testApp } from '../helpers/app';
import { olderDatabase } from '../helpers/older-database';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
// 23:59 on 1 November 2026 in New York, the day its clocks went back: 25 hours long, the longest a day is.
const ZONE = 'America/New_York';
const NOW = Date.parse('2026-11-02T04:59:00Z');
const DAY_FROM = Date.parse('2026-11-01T04:00:00Z');

let t: ReturnType<typeof testApp>;
afterEach(() => t.close());

/** Samples every 10 minutes from `days` days ago to the minute before NOW, for the whole centre and `risk`. */
function craftSamples(sqlite: Database.Database, days: number): void {
  sqlite
    .prepare(
      `WITH RECURSIVE m(minute) AS (SELECT ? UNION ALL SELECT minute + 600000 FROM m WHERE minute + 600000 < ?)
       INSERT INTO backlog_samples (minute, team, open, unassigned, unattended, callbacks_pending, callbacks_overdue)
       SELECT minute, team, (minute / 600000) % 7, 0, 0, 0, 0 FROM m, (SELECT '' AS team UNION ALL SELECT 'risk')`
    )
    .run(NOW - days * DAY, NOW);
}

const count = (sqlite: Database.Database, where = '1') => sqlite.prepare(`SELECT count(*) FROM backlog_samples WHERE ${where}`).pluck().get() as number;

describe('backlog samples over months', () => {
  it('keep the two days today\'s chart may read, in the longest day of any zone, and no more', async () => {
    t = testApp({ now: () => NOW, timezone: ZONE });
    await t.post([{ id: 'a', type: 'ticket.created', at: NOW - 3 * 3_600_000, ticket: 'A', channel: 'chat', team: 'risk' }]);
    const sqlite = t.rt.db.$client;
    craftSamples(sqlite, 400);
    const before = computeLiveState(sqlite, { team: 'risk' }, NOW, ZONE).series.backlog;
    // From the day's first sample, 25 hours ago, to now.
    expect(before[0][0] - DAY_FROM).toBeLessThan(10 * MINUTE);
    expect(before.length).toBe(25 * 6);

    sampleBacklog(sqlite, NOW);
    expect(count(sqlite, `minute < ${NOW - SAMPLES_KEPT_MS}`)).toBe(0);
    // Two days of samples every 10 minutes, for two teams, and the one just taken: not 400 days of them.
    expect(count(sqlite)).toBeLessThanOrEqual(2 * (2 * 144 + 1));
    expect(count(sqlite)).toBeGreaterThanOrEqual(2 * 2 * 144);
    // The chart of today (25 hours here) reads the same samples as before.
    expect(computeLiveState(sqlite, { team: 'risk' }, NOW, ZONE).series.backlog).toEqual(before);
    // Deleting them reads the old ones through the index by minute, not every sample.
    const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${PRUNE_SAMPLES}`).all(0) as { detail: string }[]).map((r) => r.detail).join('; ');
    expect(plan).toMatch(/USING (COVERING )?INDEX backlog_samples_minute \(minute<\?\)/);
  });

  it('are cut to two days when a database from before the index by minute is upgraded', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-samples-')), 'old.sqlite');
    const old = olderDatabase(path, '0011_events_ahead');
    craftSamples(old, 400);
    old.close();

    const db = openDb(path);
    try {
      const newest = db.$client.prepare('SELECT max(minute) FROM backlog_samples').pluck().get() as number;
      expect(count(db.$client, `minute < ${newest - SAMPLES_KEPT_MS}`)).toBe(0);
      expect(count(db.$client)).toBe(2 * (2 * 144 + 1));
    } finally {
      db.$client.close();
    }
  });

  it('keep today\'s samples on upgrade though one was stamped days ahead by a clock since set right', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-samples-')), 'old.sqlite');
    const old = olderDatabase(path, '0011_events_ahead');
    // The migration reads SQLite's clock, the machine's: samples of the last hour, and one from a clock once 3 days ahead.
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    const insert = old.prepare("INSERT INTO backlog_samples (minute, team, open, unassigned, unattended, callbacks_pending, callbacks_overdue) VALUES (?, '', 1, 0, 0, 0, 0)");
    for (let m = 60; m >= 1; m--) insert.run(now - m * MINUTE);
    insert.run(now + 3 * DAY);
    old.close();

    const db = openDb(path);
    try {
      expect(count(db.$client, `minute < ${now}`)).toBe(60);
    } finally {
      db.$client.close();
    }
  });
});
