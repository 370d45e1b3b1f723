// A database a year old starts in the work of a new one: nothing the start runs (migrations, the ingest service's
// first transaction, the first backlog sample and compaction round, the wall's first messages)
// reads a table that grows with time whole. What is read is asserted through SQLite's query plans, not timed.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapCredentials } from '../../api/auth/credentials';
import { validateEvents } from '../../api/events/parse';
import { compactRollups } from '../../api/ingest/rollup-compaction';
import { liveStateComputer } from '../../api/live/state';
import { createRuntime, type LocalRuntime } from '../../api/runtime';
import { generateHistory } from '../../api/sim/history';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 24, 14);
/** Tables that grow with events or with time. */
const GROWING = ['events', 'subjects', 'subject_events', 'facts', 'rollups', 'backlog_samples'];

let rt: LocalRuntime | null = null;
afterEach(() => rt?.db.$client.close());

/** A year of the simulated centre's traffic, compacted as a running server leaves it, and a year of backlog samples. */
function valid(raw: Parameters<typeof validateEvents>[0]) {
  const v = validateEvents(raw, NOW);
  if (!v.ok) throw new Error(JSON.stringify(v.errors.slice(0, 3)));
  return v.events;
}

function yearOld(path: string): void {
  const old = createRuntime({ DATABASE_PATH: path }, () => NOW);
  for (const chunk of generateHistory({ from: NOW - 365 * DAY, to: NOW - 60_000, seed: 3, ticketsPerHour: 1, idPrefix: 'y-', timezone: 'UTC', chunkMs: DAY })) {
    old.ingest.ingest(valid(chunk));
  }
  compactRollups(old.db.$client);
  old.db.$client
    .prepare(
      `WITH RECURSIVE m(minute) AS (SELECT ? UNION ALL SELECT minute + 60000 FROM m WHERE minute + 60000 < ?)
       INSERT OR IGNORE INTO backlog_samples (minute, team, open, unassigned, unattended, callbacks_pending, callbacks_overdue) SELECT minute, '', 3, 1, 1, 0, 0 FROM m`
    )
    .run(NOW - 365 * DAY, NOW);
  old.db.$client.close();
}

/** Runs `start`, recording every statement prepared meanwhile (on any connection). */
function recording(start: () => void): string[] {
  const seen = new Set<string>();
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: Database.Database, sql: string) {
    seen.add(sql);
    return prepare.call(this, sql);
  } as typeof prepare;
  try {
    start();
  } finally {
    Database.prototype.prepare = prepare;
  }
  return [...seen];
}

/** Nulls for a statement's parameters, to ask SQLite its plan: the plan does not depend on their values. */
function parameters(sql: string): unknown[] {
  const named = [...new Set(sql.match(/@[A-Za-z_]\w*/g) ?? [])];
  if (named.length) return [Object.fromEntries(named.map((n) => [n.slice(1), null]))];
  return new Array((sql.match(/\?/g) ?? []).length).fill(null);
}

describe('a database a year old', () => {
  it('starts without reading any table that grows with time whole', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-year-')), 'kpi.sqlite');
    yearOld(path);
    let stopChores = () => {};
    const statements = recording(() => {
      rt = createRuntime({ DATABASE_PATH: path }, () => NOW);
      bootstrapCredentials(rt.db, { adminPassword: 'a-year-old-password', now: NOW });
      rt.ingest.ingest(valid([{ id: 'new-1', type: 'ticket.created', at: NOW - 1_000, ticket: 'NEW-1', channel: 'chat', team: 'risk' }]));
      stopChores = rt.startMaintenance();
      const live = liveStateComputer(rt.db.$client, 'UTC');
      for (const filters of [{}, { team: 'risk' }, { channel: 'chat' as const }]) live(filters, NOW);
    });
    stopChores();
    const sqlite = rt!.db.$client;
    expect(sqlite.prepare('SELECT count(*) FROM events').pluck().get()).toBeGreaterThan(100_000);
    const scans: string[] = [];
    for (const sql of statements) {
      if (!/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)/i.test(sql)) continue;
      const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters(sql)) as { detail: string }[]).map((r) => r.detail);
      // A scan that stops at its first row (EXISTS, LIMIT 1) reads a page, however large the table.
      const firstRowOnly = /\bEXISTS\b|\bLIMIT 1\b/i.test(sql);
      for (const step of plan) if (!firstRowOnly && GROWING.some((table) => new RegExp(`^SCAN ${table}\\b`).test(step))) scans.push(`${step}: ${sql.replace(/\s+/g, ' ').slice(0, 160)}`);
    }
    expect(scans).toEqual([]);
  }, 120_000);
});
