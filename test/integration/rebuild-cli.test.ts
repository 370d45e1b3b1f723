// `npm run rebuild` as an operator meets it: every stage of the work says how far it is, so a rebuild of a big
// database never sits on one line while it reads every event or sums the hour, day and week rollups; and
// `npm start` on a database whose numbers an older Floorboard's rules derived says to run it.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../api/runtime';
import { claimForServer } from '../../db/open';
import { ev, valid } from '../helpers/events';
import { runEntry } from '../helpers/server';

/** A database holding one ticket's creation, in a directory of its own, closed. */
function oneEvent(prefix: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'kpi.sqlite');
  const rt = createRuntime({ DATABASE_PATH: path });
  rt.ingest.ingest(valid([ev('ticket.created', 0, { ticket: 'T1', channel: 'chat' })]));
  rt.db.$client.close();
  return { dir, path };
}

describe('npm run rebuild', () => {
  // They use DATABASE_PATH alone: an operator backing up before mending the server's settings was refused for them.
  it('as npm run backup and npm run restore, needs DATABASE_PATH alone: a PORT set wrong, or no KPI_TIMEZONE where TZ names no zone, stops none of them', async () => {
    const { dir, path } = oneEvent('floorboard-dbonly-');
    const env = { DATABASE_PATH: path, PORT: 'abc', TZ: 'UTC0', KPI_TIMEZONE: '', HOST: ' ' };
    const backup = join(dir, 'b.sqlite');
    for (const [script, args] of [['api/cli/rebuild.ts', []], ['api/cli/backup.ts', ['--to', backup]], ['api/cli/restore.ts', ['--from', backup]]] as const) {
      const r = await runEntry(script, [...args], env);
      expect([r.code, r.err], script).toEqual([0, '']);
    }
  }, 60_000);

  it('as npm run backup and npm run restore, finishes its work when its output is piped into a program that ended (| head -1): no EPIPE stack trace, no backup left .partial', async () => {
    const { dir, path } = oneEvent('floorboard-epipe-');
    const backup = join(dir, 'b.sqlite');
    const restoredTo = join(dir, 'restored.sqlite');
    for (const [script, args, dbPath] of [['api/cli/rebuild.ts', [], path], ['api/cli/backup.ts', ['--to', backup], path], ['api/cli/restore.ts', ['--from', backup], restoredTo]] as const) {
      const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: join(import.meta.dirname, '..', '..'), env: { ...process.env, DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
      // The reader is gone before the command writes its first line.
      proc.stdout.destroy();
      let err = '';
      proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise((resolve) => proc.once('exit', resolve));
      expect([code, err], script).toEqual([0, '']);
    }
    expect(existsSync(`${backup}.partial`)).toBe(false);
    const restored = new Database(restoredTo, { readonly: true });
    expect(restored.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1);
    restored.close();
  }, 60_000);

  it('counts one event in the singular: rebuild, backup and restore say "1 event", not "1 events"', async () => {
    const { dir, path } = oneEvent('floorboard-one-');
    const env = { DATABASE_PATH: path, KPI_TIMEZONE: 'UTC' };
    const backup = join(dir, 'b.sqlite');
    const rebuilt = await runEntry('api/cli/rebuild.ts', [], env);
    const copied = await runEntry('api/cli/backup.ts', ['--to', backup], env);
    const restored = await runEntry('api/cli/restore.ts', ['--from', backup], env);
    expect(rebuilt.out).toContain(`Rebuilding ${path}: 1 event…`);
    expect(copied.out).toMatch(/, 1 event; SQLite's quick_check finds it sound\./);
    expect(restored.out).toContain(`Restored ${path} from ${backup}: 1 event, the newest received `);
    expect([rebuilt.out, copied.out, restored.out].join('')).not.toMatch(/\b1 events/);
  }, 60_000);

  it('a second npm run rebuild while one runs (or a restore) says so, not that a server, which no one started, is using the database', async () => {
    const { path } = oneEvent('floorboard-twice-');
    // Claimed here as a rebuild or a restore claims it (held until this test file's process ends).
    expect(claimForServer(path)).toBe(true);
    const r = await runEntry('api/cli/rebuild.ts', [], { DATABASE_PATH: path, KPI_TIMEZONE: 'UTC' });
    expect([r.code, r.err]).toEqual([2, `A Floorboard server, another npm run rebuild or npm run restore is using ${path}; stop it (or let it finish), then rebuild.\n`]);
  }, 60_000);

  it('shows the progress of each stage, from reading the events to summing the rollups, each to 100 %, then Done', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'floorboard-rebuild-')), 'kpi.sqlite');
    const rt = createRuntime({ DATABASE_PATH: path });
    const events = valid(
      Array.from({ length: 60 }, (_, i) => [
        ev('ticket.created', i * 90, { ticket: `T${i}`, channel: 'chat', team: 'wallet' }),
        ev('ticket.replied', i * 90 + 5, { ticket: `T${i}`, agent: 'ann' }),
        ev('ticket.resolved', i * 90 + 30, { ticket: `T${i}`, agent: 'ann' })
      ]).flat()
    );
    rt.ingest.ingest(events);
    rt.db.$client.close();

    const r = await runEntry('api/cli/rebuild.ts', [], { DATABASE_PATH: path, KPI_TIMEZONE: 'UTC' });
    expect([r.code, r.err]).toEqual([0, '']);
    const lines = r.out.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const read = at(/ 180 \/ 180 events read .*\(100 %\)$/);
    const replayed = at(/ 60 \/ 60 tickets, callbacks and agents replayed \(100 %\)$/);
    const summed = at(/ (\d+) \/ \1 hours, days and weeks summed .*\(100 %\)$/);
    expect([read, replayed, summed], r.out).not.toContain(-1);
    // In the order the work is done, and Done last.
    expect(read).toBeLessThan(replayed);
    expect(replayed).toBeLessThan(summed);
    expect(summed).toBeLessThan(at(/^Done in /));
  }, 60_000);

  it('npm start on a database an older Floorboard derived says to run it, and no longer once it has run; a new database never says so', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'floorboard-rebuild-')), 'kpi.sqlite');
    // What it says of the database comes before it listens; it is stopped as soon as it does.
    const start = () =>
      runEntry('api/server.ts', [], { DATABASE_PATH: path, HOST: '127.0.0.1', PORT: '0', KPI_TIMEZONE: 'UTC', FLOORBOARD_SKIP_WEB_BUILD: '1', ADMIN_PASSWORD: 'pw-for-the-test', INGEST_TOKEN: '' }, { stopWhenListening: true });
    const older = /derived from its events by an older Floorboard's rules.*npm run rebuild/;
    const rt = createRuntime({ DATABASE_PATH: path });
    rt.ingest.ingest(valid([ev('ticket.created', 0, { ticket: 'T1', channel: 'chat' }), ev('ticket.replied', 1, { ticket: 'T1', author: 'bot', agent: 'helpbot' })]));
    rt.db.$client.close();
    const fresh = await start();
    expect(fresh.listened).toBe(true);
    expect(fresh.err).not.toMatch(older);

    // As a Floorboard from before the rules were numbered left it (SQLite's user_version 0).
    const old = new Database(path);
    old.pragma('user_version = 0');
    old.close();
    expect((await start()).err).toMatch(older);
    expect((await runEntry('api/cli/rebuild.ts', [], { DATABASE_PATH: path, KPI_TIMEZONE: 'UTC' })).code).toBe(0);
    const after = await start();
    expect(after.listened).toBe(true);
    expect(after.err).not.toMatch(older);
  }, 60_000);
});
