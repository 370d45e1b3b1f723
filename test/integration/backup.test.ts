// npm run backup: a copy of the database as of one moment, taken while a server ingests, that a server can run on;
// and the refusals, which write nothing.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createIngestService } from '../../api/ingest/ingest';
import { defaultTargets } from '../../api/kpi/targets';
import { openDb } from '../../db/open';
import { batches, recentEvents } from '../bench/workload';
import { derivedTables } from '../helpers/derived';
import { AS_NOBODY, canRunAsNobody, postEvents, preloading, runEntry, shellCommand, startServer } from '../helpers/server';

/** Preloaded, it keeps the copy under way until HOLD_COPY_UNTIL exists: a test acts during it, whatever the load. */
const HOLD_COPY = join(import.meta.dirname, '..', 'helpers', 'hold-copy.mjs');
/** Preloaded, it has the copy fail as on a full disk once FAIL_COPY_AFTER_MS have passed. */
const FAIL_COPY = join(import.meta.dirname, '..', 'helpers', 'fail-copy.mjs');
const held = (until: string) => ({ NODE_OPTIONS: preloading(HOLD_COPY), HOLD_COPY_UNTIL: until });
const scratch = () => mkdtempSync(join(tmpdir(), 'floorboard-backup-'));
const backup = (dbPath: string, args: string[]) => runEntry('api/cli/backup.ts', args, { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC' });

/** A new database a server made and stopped on, in a directory of its own. */
async function newDatabase(): Promise<{ dir: string; dbPath: string }> {
  const dir = scratch();
  const dbPath = join(dir, 'kpi.sqlite');
  const server = await startServer({ dbPath });
  expect(await server.kill('SIGTERM')).toBe(0);
  return { dir, dbPath };
}

describe('npm run backup', () => {
  it('copies the database beside a server that goes on ingesting: every event acknowledged before it, rollups equal to a rebuild, and a server starts on it', async () => {
    const dir = scratch();
    const dbPath = join(dir, 'kpi.sqlite');
    const target = join(dir, 'backups', 'kpi-copy.sqlite');
    const server = await startServer({ dbPath });
    const bodies = batches(recentEvents(60_000, 21), 100);
    const post = async (batch: (typeof bodies)[number]) => expect((await postEvents(server.url, batch)).status).toBe(200);
    let next = 0;
    for (; next < 200; next++) await post(bodies[next]);
    const before = bodies.slice(0, next).flat().map((e) => e.id as string);
    const sentBefore = next;
    // Four clients go on sending while it copies.
    let copying = true;
    const senders = [0, 1, 2, 3].map(async () => {
      while (copying && next < bodies.length) await post(bodies[next++]);
    });
    let r: Awaited<ReturnType<typeof backup>>;
    try {
      r = await backup(dbPath, ['--to', target]);
    } finally {
      copying = false;
      await Promise.all(senders);
      expect(await server.kill('SIGTERM')).toBe(0);
    }
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Done in [\d.]+ s: .*kpi-copy\.sqlite, [\d.]+ (KB|MB|GB), [\d,]+ events; SQLite's quick_check finds it sound\./);
    expect(existsSync(`${target}.partial`)).toBe(false);
    expect(next).toBeGreaterThan(sentBefore);

    const copy = new Database(target);
    const has = copy.prepare('SELECT count(*) FROM events WHERE id = ?').pluck();
    expect(before.filter((id) => has.get(id) !== 1)).toEqual([]);
    const stored = copy.prepare('SELECT count(*) FROM events').pluck().get() as number;
    expect(r.out).toContain(`${stored.toLocaleString('en')} events`);
    // One moment's database: its rollups are those of its events.
    const incremental = derivedTables(copy);
    createIngestService(copy, { targetSec: defaultTargets, now: Date.now }).rebuild();
    expect(derivedTables(copy)).toEqual(incremental);
    copy.close();

    const restored = await startServer({ dbPath: target });
    try {
      expect(await postEvents(restored.url, bodies[0])).toEqual({ status: 200, body: { accepted: 0, duplicates: bodies[0].length } });
    } finally {
      expect(await restored.kill('SIGTERM')).toBe(0);
    }
  }, 120_000);

  it('refuses, writing nothing: no --to, a file that exists, no database, another application’s database, a file with no tables', async () => {
    const { dir, dbPath } = await newDatabase();

    const missing = await backup(dbPath, []);
    expect([missing.code, missing.err.split('\n')[0]]).toEqual([2, '--to is missing: name the file to write the copy to.']);

    const taken = join(dir, 'taken.sqlite');
    writeFileSync(taken, 'last week’s backup\n');
    const exists = await backup(dbPath, ['--to', taken]);
    expect([exists.code, exists.err]).toEqual([2, `${taken} exists already: name a new file (a backup never overwrites one).\n`]);
    expect(readFileSync(taken, 'utf8')).toBe('last week’s backup\n');

    const nothing = await backup(join(dir, 'typo.sqlite'), ['--to', join(dir, 'a.sqlite')]);
    expect(nothing.code).toBe(2);
    expect(nothing.err).toContain(`There is no database at ${join(dir, 'typo.sqlite')}`);

    const foreign = join(dir, 'crm.sqlite');
    const other = new Database(foreign);
    other.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
    other.close();
    const refused = await backup(foreign, ['--to', join(dir, 'b.sqlite')]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`${foreign} is another application's database`);
    expect(refused.err).not.toMatch(/\n\s+at /);

    // A SQLite file with no tables at all: it said "no such table: events" after copying it.
    const blank = join(dir, 'blank.sqlite');
    const empty = new Database(blank);
    empty.pragma('user_version = 1');
    empty.close();
    const none = await backup(blank, ['--to', join(dir, 'c.sqlite')]);
    expect([none.code, none.err]).toEqual([2, `${blank} holds no Floorboard tables (a new, empty SQLite file?): there is nothing to back up; set DATABASE_PATH to the server's.\n`]);

    for (const name of ['a.sqlite', 'b.sqlite', 'c.sqlite', 'a.sqlite.partial', 'b.sqlite.partial', 'c.sqlite.partial']) expect(existsSync(join(dir, name)), name).toBe(false);
  }, 60_000);

  it('refuses a --to that names a directory (one there, or a path ending in a slash), writing nothing: not a file with the directory\'s name', async () => {
    const dir = scratch();
    const dbPath = join(dir, 'kpi.sqlite');
    openDb(dbPath).$client.close();
    const backups = join(dir, 'backups');
    const slash = await backup(dbPath, ['--to', `${backups}/`]);
    expect([slash.code, slash.err]).toEqual([2, `${backups}/ names a directory: name the file to write in it, such as ${join(backups, 'kpi.sqlite')}.\n`]);
    expect(existsSync(backups)).toBe(false);
    mkdirSync(backups);
    const there = await backup(dbPath, ['--to', backups]);
    expect([there.code, there.err]).toEqual([2, `${backups} is a directory: name the file to write in it, such as ${join(backups, 'kpi.sqlite')}.\n`]);
    expect(readdirSync(backups)).toEqual([]);
  }, 60_000);

  // An ELOOP stack trace, exit 1.
  it('names a --to whose links lead round in a loop as one, without a stack trace', async () => {
    const dir = scratch();
    const dbPath = join(dir, 'kpi.sqlite');
    openDb(dbPath).$client.close();
    const to = join(dir, 'a-link');
    symlinkSync(join(dir, 'b-link'), to);
    symlinkSync(to, join(dir, 'b-link'));
    const r = await backup(dbPath, ['--to', to]);
    expect([r.code, r.err]).toEqual([2, `${to} is a link that leads round in a loop of links: name a file.\n`]);
  }, 60_000);

  // Root may write anywhere: as root, this runs the backup as nobody, outside the test run's own temporary directory
  // (which only root may enter). A --to nobody may reach ended in an EACCES stack trace (exit 1), and one whose
  // directory cannot be made said "EACCES: permission denied, mkdir …" and no more.
  it.skipIf(!canRunAsNobody())('says in one line what to do with a --to this user may not reach or make, without a stack trace, writing nothing', async () => {
    const dir = realpathSync(mkdtempSync('/tmp/floorboard-backup-nobody-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'kpi.sqlite');
    openDb(dbPath).$client.close();
    for (const path of [dir, ...readdirSync(dir).map((f) => join(dir, f))]) chownSync(path, 65534, 65534);
    // Root's: one nobody may read but not write in, one nobody may not enter.
    const readOnly = join(dir, 'read-only');
    const closed = join(dir, 'closed');
    mkdirSync(readOnly);
    mkdirSync(closed);
    // Set, not asked of mkdir, which the umask narrows: under 077 nobody could not enter `readOnly` either.
    chmodSync(readOnly, 0o555);
    chmodSync(closed, 0o700);
    const asNobody = (to: string) =>
      runEntry('api/cli/backup.ts', ['--to', to], { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', TMPDIR: dir, HOME: dir }, { prefix: AS_NOBODY });
    const advice = 'name a --to in a directory this user may write, or give it that permission.';
    for (const [to, why] of [
      [join(readOnly, 'weekly', 'b.sqlite'), `this user may not write in ${readOnly} (permission denied)`],
      [join(readOnly, 'b.sqlite'), `this user may not write in ${readOnly} (permission denied)`],
      [join(closed, 'b.sqlite'), `this user may not enter ${closed} (permission denied)`],
      [join(closed, 'weekly', 'b.sqlite'), `this user may not enter ${closed} (permission denied)`]
    ]) {
      const r = await asNobody(to);
      expect([r.code, r.err], to).toEqual([2, `Cannot write ${to}: ${why}; ${advice}\n`]);
    }
    expect([readdirSync(readOnly), readdirSync(closed)]).toEqual([[], []]);
  }, 60_000);

  // On a read-only mount a directory to make said "ENOENT: no such file or directory, mkdir …", of one that was there.
  it.skipIf(process.getuid?.() !== 0)('says a --to on a read-only mount is on one, without a stack trace, writing nothing', async (ctx) => {
    const { dir, dbPath } = await newDatabase();
    const [source, mounted] = [join(dir, 'source'), join(dir, 'mounted')];
    mkdirSync(source);
    mkdirSync(mounted);
    if (spawnSync('mount', ['--bind', '-o', 'ro', source, mounted]).status !== 0) return ctx.skip('mount --bind -o ro is not allowed here');
    onTestFinished(() => void spawnSync('umount', [mounted]));
    for (const to of [join(mounted, 'b.sqlite'), join(mounted, 'weekly', 'b.sqlite')]) {
      const r = await backup(dbPath, ['--to', to]);
      expect([r.code, r.err], to).toEqual([2, `Cannot write ${to}: ${mounted} is on a read-only file system; name a --to in a directory this user may write.\n`]);
    }
    expect(readdirSync(source)).toEqual([]);
  }, 60_000);

  it('refuses a --to inside a file (a backup named where a directory was meant), writing nothing: not an ENOTDIR stack trace', async () => {
    const { dir, dbPath } = await newDatabase();
    writeFileSync(join(dir, 'weekly.sqlite'), 'last week’s backup\n');
    for (const to of [join(dir, 'weekly.sqlite', 'kpi.sqlite'), join(dir, 'weekly.sqlite', 'dec', 'kpi.sqlite')]) {
      const r = await backup(dbPath, ['--to', to]);
      expect([r.code, r.err]).toEqual([2, `${to} lies inside ${join(dir, 'weekly.sqlite')}, a file, not a directory: name a file in a directory.\n`]);
    }
    expect(readFileSync(join(dir, 'weekly.sqlite'), 'utf8')).toBe('last week’s backup\n');
  }, 60_000);

  it('refuses a --to starting with ~, which the shell left as it is (--to=~/x), writing nothing: not a directory named ~ where the command was typed', async () => {
    const dir = scratch();
    const dbPath = join(dir, 'kpi.sqlite');
    openDb(dbPath).$client.close();
    const r = await runEntry('api/cli/backup.ts', ['--to=~/backups/kpi.sqlite'], { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', INIT_CWD: dir });
    expect([r.code, r.err]).toEqual([2, `~/backups/kpi.sqlite starts with ~, which the shell did not read as the home directory (after --to=, or in quotes): write --to ~/backups/kpi.sqlite, with a space, or ${join(homedir(), 'backups', 'kpi.sqlite')}.\n`]);
    expect(existsSync(join(dir, '~'))).toBe(false);
  }, 60_000);

  it('refuses a --to with a line break or spaces around it (a name read from a CRLF env file), writing nothing: not a backup under a name no restore finds', async () => {
    const dir = scratch();
    const dbPath = join(dir, 'kpi.sqlite');
    openDb(dbPath).$client.close();
    for (const to of [`${join(dir, 'kpi-backup.sqlite')}\r`, ` ${join(dir, 'kpi-backup.sqlite')}`, ' ']) {
      const r = await runEntry('api/cli/backup.ts', ['--to', to], { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', INIT_CWD: dir });
      expect([r.code, r.err], JSON.stringify(to)).toEqual([2, `--to has a line break or spaces around it (a name read from a file written with CRLF?): remove them (it is ${JSON.stringify(to)}).\n`]);
    }
    expect(readdirSync(dir).sort()).toEqual(['kpi.sqlite', 'kpi.sqlite-shm', 'kpi.sqlite-wal'].filter((f) => existsSync(join(dir, f))));
  }, 60_000);

  // SQLite keeps the database's write-ahead log, its index and its journal beside it under fixed names: a copy
  // written to one of them was taken for that file by the next connection to open the database, which found no
  // log there and removed it. The backup said "Done", and was gone. So with the restore's copy (which the next
  // restore clears before copying) and plan, and the server's lock.
  it('refuses a target that is one of the files SQLite, a restore or the server keeps beside the database', async () => {
    const { dir, dbPath } = await newDatabase();
    for (const suffix of ['-wal', '-shm', '-journal', '.restoring', '.restoring-journal', '.restore-plan', '.server-lock', '.server-lock-journal']) {
      // The server's lock stays beside a database a server has run on: refused for what it is all the same.
      const there = existsSync(`${dbPath}${suffix}`);
      const r = await backup(dbPath, ['--to', `${dbPath}${suffix}`]);
      expect([r.code, r.err], suffix).toEqual([2, `${dbPath}${suffix} is a file kept beside the database at ${dbPath}: name a file of its own.\n`]);
      expect(existsSync(`${dbPath}${suffix}`), suffix).toBe(there);
    }
    // SQLite follows a link to the database, and keeps those files beside the file it names.
    const link = join(scratch(), 'kpi.sqlite');
    symlinkSync(dbPath, link);
    const r = await backup(link, ['--to', `${dbPath}-wal`]);
    expect([r.code, r.err]).toEqual([2, `${dbPath}-wal is a file kept beside the database at ${link}: name a file of its own.\n`]);
  }, 60_000);

  it('says in one sentence why a damaged database or a directory cannot be copied', async () => {
    const { dir, dbPath } = await newDatabase();
    // Pages past the schema's, garbled: the file opens, and the copy finds them.
    const pages = readFileSync(dbPath);
    pages.fill(0xff, 4096 * 5, 4096 * 8);
    writeFileSync(dbPath, pages);
    const damaged = await backup(dbPath, ['--to', join(dir, 'a.sqlite')]);
    expect(damaged.code).toBe(1);
    expect(damaged.err).toBe(`Backup failed, nothing written: ${dbPath} is damaged (database disk image is malformed): restore it from a backup (npm run restore -- --from <backup>), or point DATABASE_PATH at a new file.\n`);

    const folder = await backup(dir, ['--to', join(dir, 'b.sqlite')]);
    expect([folder.code, folder.err]).toEqual([2, `Cannot open the database: ${dir} is a directory: point DATABASE_PATH at a file in it, such as ${join(dir, 'kpi.sqlite')}.\n`]);
    for (const name of ['a.sqlite', 'b.sqlite', 'a.sqlite.partial', 'b.sqlite.partial']) expect(existsSync(join(dir, name)), name).toBe(false);
  }, 60_000);

  // Whether the target exists is asked before the copy; a file given its name meanwhile (another backup to the
  // same name, started a moment later by a second cron entry) was replaced by the rename at the end.
  it('never overwrites a file that takes the target\'s name while it copies', async () => {
    const { dir, dbPath } = await newDatabase();
    const target = join(dir, 'copy.sqlite');
    const running = runEntry('api/cli/backup.ts', ['--to', target], { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', ...held(join(dir, 'go on')) });
    while (!existsSync(`${target}.partial`)) await new Promise((r) => setTimeout(r, 1));
    writeFileSync(target, 'the other backup\n');
    writeFileSync(join(dir, 'go on'), '');
    const r = await running;
    expect(readFileSync(target, 'utf8')).toBe('the other backup\n');
    expect([r.code, r.err]).toEqual([2, `${target} exists already: name a new file (a backup never overwrites one).\n`]);
    expect(existsSync(`${target}.partial`)).toBe(false);
  }, 60_000);

  // Two backups to one name (a cron entry that runs again before the last has finished): the second removed the
  // first's partial copy as a leftover, and both failed, one of them saying "disk I/O error", the other with a stack trace.
  it('leaves alone a partial copy another backup to the same name is writing', async () => {
    const { dir, dbPath } = await newDatabase();
    const target = join(dir, 'copy.sqlite');
    writeFileSync(`${target}.partial`, 'another backup, half-way\n');
    const r = await backup(dbPath, ['--to', target]);
    expect([r.code, r.err]).toEqual([
      2,
      `${target}.partial exists: another backup to ${target} is running, or one was killed before it could remove it; once none runs, delete it.\n`
    ]);
    expect(readFileSync(`${target}.partial`, 'utf8')).toBe('another backup, half-way\n');
    expect(existsSync(target)).toBe(false);
  }, 60_000);

  // On a terminal the progress line rewrites itself in place, with no line break after it.
  it.skipIf(spawnSync('script', ['-V']).status !== 0)('on a terminal (needs script(1)), a failure after the progress line is said on a line of its own', async () => {
    const { dir, dbPath } = await newDatabase();
    const target = join(dir, 'copy.sqlite');
    // script runs the command with $SHELL -c: a service account's (/usr/sbin/nologin) ran nothing; /bin/sh is everywhere.
    const env = { ...process.env, SHELL: '/bin/sh', DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', NODE_OPTIONS: preloading(FAIL_COPY), FAIL_COPY_AFTER_MS: '1500' };
    // Quoted for the shell script runs it with: a space in a path (a temporary directory's) split the command.
    const command = shellCommand([process.execPath, '--import', 'tsx', 'api/cli/backup.ts', '--to', target]);
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: join(import.meta.dirname, '..', '..'), env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/copied \(\d+ %\)/);
    expect(r.stdout).toMatch(/\nBackup failed, nothing written: the disk holding .* is full/);
    for (const name of ['copy.sqlite', 'copy.sqlite.partial']) expect(existsSync(join(dir, name)), name).toBe(false);
  }, 60_000);

  // The terminal running it closed: exit 129, the shell's code for SIGHUP, as npm start's (it said 143, SIGTERM's).
  it('stops on SIGHUP with its exit code, leaving nothing', async () => {
    const { dir, dbPath } = await newDatabase();
    const target = join(dir, 'copy.sqlite');
    const partialMade = (async (): Promise<NodeJS.Signals> => {
      while (!existsSync(`${target}.partial`)) await new Promise((r) => setTimeout(r, 1));
      return 'SIGHUP';
    })();
    const r = await runEntry('api/cli/backup.ts', ['--to', target], { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', ...held(join(dir, 'never')) }, { killWhen: partialMade });
    expect(r.code).toBe(129);
    expect(r.err).toMatch(/^Stopped by SIGHUP after [\d.]+ s: no backup written \(the partial copy is removed\)\.\n$/);
    for (const name of ['copy.sqlite', 'copy.sqlite.partial', 'copy.sqlite.partial-journal']) expect(existsSync(join(dir, name)), name).toBe(false);
  }, 60_000);

  // npm runs a script in the project's directory, not the one the command was typed in (it passes that one as
  // INIT_CWD): a relative --to went into the project's directory.
  // Linked into place, the backup's name is an entry in its directory: unsynced, a power cut after "Done" could lose it.
  it('makes the backup\'s name durable before it says Done', async () => {
    const { dir, dbPath } = await newDatabase();
    const record = join(dir, 'fsyncs.txt');
    writeFileSync(record, '');
    const r = await runEntry('api/cli/backup.ts', ['--to', join(dir, 'backups', 'b.sqlite')], {
      DATABASE_PATH: dbPath,
      KPI_TIMEZONE: 'UTC',
      NODE_OPTIONS: preloading(join(import.meta.dirname, '..', 'helpers', 'record-fsyncs.mjs')),
      RECORD_FSYNCS: record
    });
    expect([r.code, r.err]).toEqual([0, '']);
    expect(readFileSync(record, 'utf8').split('\n')).toContain(join(dir, 'backups'));
  }, 60_000);

  it('writes a relative --to where npm was run', async () => {
    const { dir, dbPath } = await newDatabase();
    const name = `${basename(dir)}.sqlite`;
    const r = await runEntry('api/cli/backup.ts', ['--to', name], { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', INIT_CWD: dir });
    rmSync(join(import.meta.dirname, '..', '..', name), { force: true });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, name))).toBe(true);
  }, 60_000);
});
