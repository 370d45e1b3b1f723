// npm start -- --demo names the simulator's teams in both languages, as an admin's save would (the change history
// says the demo did it), and leaves every team an admin named or cleared as it was; open pages hear of it at once.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_NAMED_BY, DEMO_TEAM_NAMES, nameDemoTeams } from '../../api/sim/demo-teams';
import { parseTeamNames } from '../../api/team-names/schema';
import { setTeamNames } from '../../api/team-names/setTeamNames';
import { testApp } from '../helpers/app';
import { middayZone, seedToken, startServer } from '../helpers/server';

/** A new database with an admin token, prepared by `before` (its SQLite connection) before a server opens it. */
function database(before: (sqlite: Database.Database) => void = () => {}): { dbPath: string; admin: string } {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'floorboard-demo-names-')), 'kpi.sqlite');
  const admin = seedToken(dbPath, 'admin');
  const sqlite = new Database(dbPath);
  before(sqlite);
  sqlite.close();
  return { dbPath, admin };
}

/**
 * Runs `npm start -- --demo` on `dbPath` until it has said `said`: its log, its team names and their history. In a
 * zone where the day has just begun, so its backfill is short.
 */
async function demoStart(dbPath: string, admin: string, said: string) {
  const server = await startServer({ dbPath, args: ['--demo'], env: { KPI_TIMEZONE: middayZone(Date.now() + 12 * 3_600_000) } });
  try {
    await expect.poll(() => server.output(), { timeout: 30_000 }).toContain(said);
    const get = async (path: string) => (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${admin}` } })).json();
    // Teams the demo's events name are listed too, unnamed: only the named ones are kept.
    const { teams } = (await get('/api/team-names')) as { teams: { team: string; names: Record<string, string | null> }[] };
    const { changes } = (await get('/api/admin/changes?kind=team-names')) as { changes: { by: string; key: string; after: unknown }[] };
    return { output: server.output(), names: Object.fromEntries(teams.filter((t) => Object.values(t.names).some((n) => n !== null)).map((t) => [t.team, t.names])), changes };
  } finally {
    await server.kill();
  }
}

describe('the demo names its teams', () => {
  it('on a new database: every team in English and in Chinese, saved by the demo as the change history says', async () => {
    const { dbPath, admin } = database();
    const { output, names, changes } = await demoStart(dbPath, admin, '[demo] named teams');
    expect(output).toContain('[demo] named teams payments, wallet, risk, general (rename them on /admin/teams)\n');
    expect(names).toEqual(DEMO_TEAM_NAMES);
    expect(names.payments).toEqual({ en: 'Payments', 'zh-CN': '支付组' });
    expect(changes.map((c) => [c.key, c.by, c.after]).sort()).toEqual(Object.entries(DEMO_TEAM_NAMES).map(([team, n]) => [team, 'demo', n]).sort());

    // Started again, it names nothing: its own names are names.
    const again = await demoStart(dbPath, admin, '[demo] streaming live events');
    expect(again.output).not.toContain('named teams');
    expect(again.changes).toHaveLength(4);
  });

  it("leaves a team an admin named in one language only, and one an admin cleared, as they are, and names the rest", async () => {
    const { dbPath, admin } = database((sqlite) => {
      setTeamNames(sqlite, 'payments', { en: 'Card payments', 'zh-CN': null }, 'alice', 1_000);
      setTeamNames(sqlite, 'wallet', { en: 'E-wallet', 'zh-CN': '电子钱包' }, 'alice', 2_000);
      setTeamNames(sqlite, 'wallet', { en: null, 'zh-CN': null }, 'bea', 3_000);
    });
    const { output, names, changes } = await demoStart(dbPath, admin, '[demo] named teams');
    expect(output).toContain('[demo] named teams risk, general (rename them on /admin/teams)\n');
    expect(names).toEqual({ payments: { en: 'Card payments', 'zh-CN': null }, risk: DEMO_TEAM_NAMES.risk, general: DEMO_TEAM_NAMES.general });
    expect(changes.map((c) => [c.key, c.by])).toEqual([
      ['general', DEMO_NAMED_BY],
      ['risk', DEMO_NAMED_BY],
      ['wallet', 'bea'],
      ['wallet', 'alice'],
      ['payments', 'alice']
    ]);
  });

  it("calls its namesChanged (server.ts: the live hub's, as PUT /api/team-names calls it) once it named any, and not when it named none", async () => {
    const { rt, get } = testApp();
    let told = 0;
    expect(await nameDemoTeams(rt.db.$client, rt.now(), () => told++)).toEqual(['payments', 'wallet', 'risk', 'general']);
    expect(told).toBe(1);
    expect((await get('/api/team-names')).body.teams).toHaveLength(4);
    expect(await nameDemoTeams(rt.db.$client, rt.now(), () => told++)).toEqual([]);
    expect(told).toBe(1);
  });

  it('every demo name is one PUT /api/team-names would take', () => {
    for (const names of Object.values(DEMO_TEAM_NAMES)) expect(parseTeamNames({ names })).toEqual({ ok: true, names });
  });
});
