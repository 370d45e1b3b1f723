// Upgrading keeps what was stored: a database written before subjects were numbered (migration 0003) opens,
// and events arriving afterwards replay together with the ones stored before, as if nothing had changed.
import type Database from 'better-sqlite3';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { roleOfToken, sha256 } from '../../api/auth/credentials';
import { compactRollups } from '../../api/ingest/rollup-compaction';
import { subjectOf } from '../../api/ingest/subjects';
import { getKpis } from '../../api/queries/getKpis';
import { getKpiTargets } from '../../api/queries/getKpiTargets';
import { getTeamNames } from '../../api/queries/getTeamNames';
import { getKpiTargetsSaved } from '../../api/targets/saved';
import { setKpiTargets } from '../../api/targets/setKpiTargets';
import { setTeamNames } from '../../api/team-names/setTeamNames';
import { getTeamNamesVersion } from '../../api/team-names/version';
import { createRuntime } from '../../api/runtime';
import { listTokens } from '../../api/tokens/store';
import { derivedTables } from '../helpers/derived';
import { MIGRATIONS, olderDatabase } from '../helpers/older-database';
import { ev, min, valid } from '../helpers/events';

/** When drizzle-kit made a migration (drizzle records it as the migration's created_at). */
const journalWhen = (tag: string) =>
  (JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] }).entries.find((e) => e.tag === tag)!.when;

const before = valid([
  ev('ticket.created', 0, { ticket: 'T1', channel: 'chat', priority: 'high', team: 'wallet' }),
  ev('ticket.created', 1, { ticket: 'T2', channel: 'phone', team: 'payments' }),
  ev('agent.status', 0, { agent: 'ann', status: 'available', team: 'wallet' }),
  ev('callback.scheduled', 2, { callback: 'C1', reason: 'pre_approval', due: Date.parse('2026-11-24T02:00:00Z'), agent: 'ann', team: 'wallet' })
]);
const after = valid([
  ev('ticket.replied', 5, { ticket: 'T1', agent: 'ann' }),
  ev('ticket.resolved', 9, { ticket: 'T1', agent: 'ann' }),
  ev('ticket.assigned', 3, { ticket: 'T2', agent: 'ann' }),
  ev('agent.status', 4, { agent: 'ann', status: 'busy' }),
  ev('callback.attempted', 30, { callback: 'C1', agent: 'ann', result: 'connected' }),
  ev('callback.completed', 31, { callback: 'C1', outcome: 'confirmed' })
]);

describe('upgrading a database from before numbered subjects', () => {
  it('keeps every stored event, and later events replay with them exactly as on a fresh database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-migrate-'));
    const path = join(dir, 'old.sqlite');
    const old = olderDatabase(path, '0002_events_append_only');
    const insert = old.prepare('INSERT INTO events (id, type, at, subject, body, received_at) VALUES (?, ?, ?, ?, ?, ?)');
    for (const e of before) insert.run(e.id, e.type, e.at, subjectOf(e), JSON.stringify(e), 0);
    old.close();

    const upgraded = createRuntime({ DATABASE_PATH: path });
    const sqlite = upgraded.db.$client;
    expect(sqlite.prepare('SELECT count(*) FROM events').pluck().get()).toBe(before.length);
    expect(sqlite.prepare('SELECT subject FROM subjects ORDER BY sid').pluck().all()).toEqual(['t:T1', 't:T2', 'a:ann', 'c:C1']);
    upgraded.ingest.rebuild();
    expect(upgraded.ingest.ingest(after)).toEqual({ accepted: after.length, duplicates: 0 });
    // A retry of an event stored before the upgrade is still recognised.
    expect(upgraded.ingest.ingest([before[0]])).toEqual({ accepted: 0, duplicates: 1 });

    const fresh = createRuntime({ DATABASE_PATH: ':memory:' });
    fresh.ingest.ingest([...before, ...after]);
    const got = derivedTables(sqlite);
    expect(got).toEqual(derivedTables(fresh.db.$client));
    // The ticket stored before the upgrade got its first response from an event after it.
    expect(got.facts.some((f) => (f as { kind: string; subject: string }).kind === 'first_response' && (f as { subject: string }).subject === 't:T1')).toBe(true);
    upgraded.db.$client.close();
    fresh.db.$client.close();
  });
});

describe('upgrading a database whose current-state tables held every ticket and callback', () => {
  it('keeps the backlog: open tickets and pending callbacks carry over, closed ones are left behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-migrate-'));
    const path = join(dir, 'old.sqlite');
    const old = olderDatabase(path, '0005_subject_events_in_arrears');
    const ticket = old.prepare(
      'INSERT INTO tickets (ticket, created_at, channel, category, priority, team, assignee, state, first_response_at, unattended_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
    );
    ticket.run('T1', 1000, 'chat', 'refund', 'high', 'wallet', null, 'open', null, 1000);
    ticket.run('T2', 2000, 'email', 'other', 'normal', 'payments', 'ann', 'open', 2500, null);
    ticket.run('T3', 3000, 'phone', 'other', 'normal', 'payments', 'ann', 'resolved', 3100, null);
    ticket.run('T4', 4000, 'chat', 'other', 'low', null, null, 'abandoned', null, null);
    const callback = old.prepare('INSERT INTO callbacks (callback, scheduled_at, due, team, agent, reason, ticket, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    callback.run('C1', 1000, 5000, 'wallet', 'ann', 'pre_approval', 'T1', 'pending');
    callback.run('C2', 1000, 5000, 'wallet', 'ann', 'complaint_followup', null, 'completed');

    // T2 was numbered by an event stored before; the others were not (made up here without events).
    old.prepare("INSERT INTO subjects (sid, subject) VALUES (7, 't:T2')").run();
    old.close();

    const upgraded = createRuntime({ DATABASE_PATH: path });
    const sqlite = upgraded.db.$client;
    // Rows are keyed by subject number since migration 0009; creation and first-response times are no longer kept there.
    const rows = (table: string) => sqlite.prepare(`SELECT s.subject, x.* FROM ${table} x JOIN subjects s USING (sid) ORDER BY s.subject`).all();
    expect(rows('open_tickets')).toEqual([
      { subject: 't:T1', sid: 8, channel: 'chat', category: 'refund', priority: 'high', team: 'wallet', assignee: null, unattended_since: 1000 },
      { subject: 't:T2', sid: 7, channel: 'email', category: 'other', priority: 'normal', team: 'payments', assignee: 'ann', unattended_since: null }
    ]);
    expect(rows('pending_callbacks')).toEqual([
      { subject: 'c:C1', sid: 9, scheduled_at: 1000, due: 5000, team: 'wallet', agent: 'ann', reason: 'pre_approval', ticket: 'T1' }
    ]);
    expect(sqlite.prepare("SELECT name FROM sqlite_schema WHERE name IN ('tickets', 'callbacks', 'tickets_open', 'callbacks_pending')").all()).toEqual([]);
    sqlite.close();
  });
});

describe('upgrading a database from before week rollups', () => {
  it('marks every week with data stale, so windows read its days until compaction sums it, with the same numbers', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-migrate-')), 'old.sqlite');
    const D = 86_400_000;
    // Tickets over four weeks, each answered and resolved by ann.
    const events = valid(
      Array.from({ length: 28 }, (_, d) => [
        ev('ticket.created', (d * D) / 60_000, { ticket: `W${d}`, channel: 'chat', team: 'wallet' }),
        ev('ticket.replied', (d * D) / 60_000 + 3 + d, { ticket: `W${d}`, agent: 'ann' }),
        ev('ticket.resolved', (d * D) / 60_000 + 60, { ticket: `W${d}`, agent: 'ann' })
      ]).flat()
    );
    const rt = createRuntime({ DATABASE_PATH: path });
    rt.ingest.ingest(events);
    compactRollups(rt.db.$client);
    const window = { from: min(0) - 3 * D, to: min(0) + 30 * D };
    const kpis = (sqlite: Database.Database) => getKpis(sqlite, window, {}, window.to);
    const expected = kpis(rt.db.$client);
    expect(expected.firstResponse.count).toBe(28);
    // As a release before migration 0010 left it: no week rows, no week marks, and neither 0010 nor any later
    // migration applied (0011 made the index events_ahead, 0012 backlog_samples_minute, 0013 the users' triggers,
    // 0014 the table kpi_targets, 0015 the table sla_policies, 0016 the tokens' column last_used_at, 0017 the table team_names,
    // 0018 and 0019 tables that 0021 drops again, 0020 the table admin_changes).
    rt.db.$client.exec(
      'DELETE FROM rollups WHERE level = 3; DELETE FROM rollup_stale WHERE level = 3; DROP INDEX events_ahead; DROP INDEX backlog_samples_minute;' +
        ' DROP TRIGGER users_name_in_other_capitals_insert; DROP TRIGGER users_name_in_other_capitals_update; DROP TABLE kpi_targets; DROP TABLE sla_policies;' +
        ' ALTER TABLE api_tokens DROP COLUMN last_used_at; DROP TABLE team_names; DROP TABLE admin_changes'
    );
    rt.db.$client.prepare('DELETE FROM __drizzle_migrations WHERE created_at >= ?').run(journalWhen('0010_week_rollups'));
    rt.db.$client.close();

    const upgraded = createRuntime({ DATABASE_PATH: path });
    const sqlite = upgraded.db.$client;
    const weeks = [...new Set(events.map((e) => Math.floor(e.at / (7 * D)) * 7 * D))];
    expect(sqlite.prepare('SELECT bucket FROM rollup_stale WHERE level = 3 ORDER BY bucket').pluck().all()).toEqual(weeks);
    expect(kpis(sqlite)).toEqual(expected);
    expect(compactRollups(sqlite).weeks).toBe(weeks.length);
    expect(sqlite.prepare("SELECT count(*) FROM rollups WHERE level = 3 AND dim = 'agent' AND value = 'ann'").pluck().get()).toBe(weeks.length);
    expect(kpis(sqlite)).toEqual(expected);
    const fresh = createRuntime({ DATABASE_PATH: ':memory:' });
    fresh.ingest.ingest(events);
    expect(derivedTables(sqlite)).toEqual(derivedTables(fresh.db.$client));
    sqlite.close();
    fresh.db.$client.close();
  });
});

describe('upgrading a database from before tokens\' last use was kept', () => {
  it('keeps every token, each working as before and never used until a request comes with it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-migrate-')), 'old.sqlite');
    const old = olderDatabase(path, '0015_sla_policies');
    const insert = old.prepare('INSERT INTO api_tokens (token_hash, role, label, created_at) VALUES (?, ?, ?, ?)');
    insert.run(sha256('phone-system-secret'), 'ingest', 'phone system', 1_000);
    insert.run(sha256('old-wall-secret'), 'display', 'wall, 2nd floor', 2_000);
    old.close();

    const upgraded = createRuntime({ DATABASE_PATH: path });
    expect(listTokens(upgraded.db).map(({ id: _, ...k }) => k)).toEqual([
      { role: 'ingest', label: 'phone system', createdAt: 1_000, lastUsedAt: null },
      { role: 'display', label: 'wall, 2nd floor', createdAt: 2_000, lastUsedAt: null }
    ]);
    expect(roleOfToken(upgraded.db, 'phone-system-secret', 5_000)).toBe('ingest');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(listTokens(upgraded.db).map((k) => k.lastUsedAt)).toEqual([5_000, null]);
    upgraded.db.$client.close();
  });
});

describe('upgrading a database from before teams had names', () => {
  it('keeps every stored event and gets the table of team names: its teams are listed, unnamed, and an admin can name one', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-migrate-')), 'old.sqlite');
    const old = olderDatabase(path, '0016_api_tokens_last_used');
    const subject = old.prepare('INSERT INTO subjects (subject) VALUES (?) ON CONFLICT (subject) DO UPDATE SET subject = subject RETURNING sid');
    const insert = old.prepare('INSERT INTO events (id, type, at, sid, body, received_at) VALUES (?, ?, ?, ?, ?, ?)');
    for (const e of before) insert.run(e.id, e.type, e.at, (subject.get(subjectOf(e)) as { sid: number }).sid, JSON.stringify(e), 0);
    old.close();

    const upgraded = createRuntime({ DATABASE_PATH: path });
    const sqlite = upgraded.db.$client;
    expect(sqlite.prepare('SELECT count(*) FROM events').pluck().get()).toBe(before.length);
    upgraded.ingest.rebuild();
    expect(getTeamNames(sqlite)).toEqual([
      { team: 'payments', names: { en: null, 'zh-CN': null } },
      { team: 'wallet', names: { en: null, 'zh-CN': null } }
    ]);
    setTeamNames(sqlite, 'payments', { en: 'Payments', 'zh-CN': '支付团队' }, 'admin', 5_000);
    expect(getTeamNames(sqlite)[0]).toEqual({ team: 'payments', names: { en: 'Payments', 'zh-CN': '支付团队' } });
    expect(getKpis(sqlite, { from: 0, to: Date.parse('2030-01-01T00:00:00Z') }, { team: 'payments' }, Date.parse('2030-01-01T00:00:00Z')).tickets.created).toBe(1);
    sqlite.close();
  });
});

describe('upgrading a database from before who changed the KPI targets was kept', () => {
  it('keeps the targets set, names who set them from their row, and the next change\'s admin and time from the history', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-migrate-')), 'old.sqlite');
    const old = olderDatabase(path, '0017_team_names');
    old.prepare("INSERT INTO kpi_targets (kpi, warn, critical, set_by, set_at) VALUES ('csat.pct', 85, 75, 'admin', 1000)").run();
    old.close();

    const upgraded = createRuntime({ DATABASE_PATH: path });
    const sqlite = upgraded.db.$client;
    expect(getKpiTargets(sqlite)['csat.pct']).toMatchObject({ warn: 85, critical: 75, isDefault: false });
    expect(getKpiTargetsSaved(sqlite)).toEqual({ by: 'admin', at: 1000 });
    setKpiTargets(sqlite, { 'csat.pct': null }, 'bea', 5_000);
    expect(getKpiTargetsSaved(sqlite)).toEqual({ by: 'bea', at: 5_000 });
    // Saved again as they are, by another admin: nothing changed, and the change is still bea's.
    setKpiTargets(sqlite, { 'csat.pct': null }, 'cai', 6_000);
    expect(getKpiTargetsSaved(sqlite)).toEqual({ by: 'bea', at: 5_000 });
    // The tables 0018 and 0019 made are gone: the history says it all.
    expect(sqlite.prepare("SELECT name FROM sqlite_master WHERE name IN ('kpi_targets_saved', 'team_names_saved')").all()).toEqual([]);
    sqlite.close();
  });
});

describe('upgrading a database from before who saved each team\'s names was kept', () => {
  it('keeps the names, says who saved them from their rows, and records who clears them next', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-migrate-')), 'old.sqlite');
    const old = olderDatabase(path, '0018_kpi_targets_saved');
    old.prepare("INSERT INTO team_names (team, locale, name, set_by, set_at) VALUES ('payments', 'en', 'Payments', 'ada', 1000)").run();
    old.close();

    const upgraded = createRuntime({ DATABASE_PATH: path });
    const sqlite = upgraded.db.$client;
    expect(getTeamNamesVersion(sqlite, 'payments')).toMatchObject({ names: { en: 'Payments', 'zh-CN': null }, saved: { by: 'ada', at: 1000 } });
    setTeamNames(sqlite, 'payments', { en: null, 'zh-CN': null }, 'bea', 5_000);
    expect(getTeamNamesVersion(sqlite, 'payments')).toEqual({ tag: '"none"', names: { en: null, 'zh-CN': null }, saved: { by: 'bea', at: 5_000 } });
    sqlite.close();
  });
});
