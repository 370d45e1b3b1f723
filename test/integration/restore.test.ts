// npm run restore: a backup put in place of the database while no server runs, the database it replaced kept with
// its write-ahead log; and the refusals, which change nothing.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openDb } from '../../db/open';
import { batches, recentEvents } from '../bench/workload';
import { AS_NOBODY, canRunAsNobody, postEvents, preloading, runEntry, startServer, type RunningServer } from '../helpers/server';

/** Preloaded, it keeps the copy under way until HOLD_COPY_UNTIL exists: a Ctrl-C then finds it copying, whatever the load. */
const HOLD_COPY = join(import.meta.dirname, '..', 'helpers', 'hold-copy.mjs');
const scratch = () => mkdtempSync(join(tmpdir(), 'floorboard-restore-'));
const command = (script: string, dbPath: string, args: string[]) => runEntry(script, args, { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC' });
const [first, second] = batches(recentEvents(400, 31), 200);
const ids = (batch: typeof first) => [...new Set(batch.map((e) => e.id as string))];
/** The second batch's events the first does not hold (the simulator sends a few again later, as webhooks do). */
const onlySecond = ids(second).filter((id) => !ids(first).includes(id));

async function post(server: RunningServer, batch: typeof first): Promise<{ accepted?: number; duplicates?: number }> {
  const answer = await postEvents(server.url, batch);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** Which of `wanted` the database at `path` holds. */
function stored(path: string, wanted: string[]): string[] {
  const sqlite = new Database(path, { readonly: true });
  const has = sqlite.prepare('SELECT count(*) FROM events WHERE id = ?').pluck();
  const found = wanted.filter((id) => has.get(id) === 1);
  sqlite.close();
  return found;
}

/** A stopped server's database holding the first batch, and its backup, b.sqlite, in the same directory. */
async function backedUp(): Promise<{ dir: string; dbPath: string }> {
  const dir = scratch();
  const dbPath = join(dir, 'kpi.sqlite');
  const server = await startServer({ dbPath });
  await post(server, first);
  expect(await server.kill('SIGTERM')).toBe(0);
  expect((await command('api/cli/backup.ts', dbPath, ['--to', join(dir, 'b.sqlite')])).code).toBe(0);
  return { dir, dbPath };
}

describe('npm run restore', () => {
  it('refuses a --from with a line break or spaces around it (a name read from a CRLF file), naming it, not "no backup at" a name the terminal shows as the file that is there', async () => {
    const dir = scratch();
    const dbPath = join(dir, 'kpi.sqlite');
    writeFileSync(join(dir, 'b.sqlite'), '');
    for (const from of [`${join(dir, 'b.sqlite')}\r`, ` ${join(dir, 'b.sqlite')}`]) {
      const r = await command('api/cli/restore.ts', dbPath, ['--from', from]);
      expect([r.code, r.err], JSON.stringify(from)).toEqual([2, `--from has a line break or spaces around it (a name read from a file written with CRLF?): remove them (it is ${JSON.stringify(from)}).\n`]);
    }
    expect(existsSync(dbPath)).toBe(false);
  }, 60_000);

  it('puts the backup in place, keeps the database it replaced (with its WAL), and a server runs on it as of the backup', async () => {
    const dir = scratch();
    const dbPath = join(dir, 'kpi.sqlite');
    let server = await startServer({ dbPath });
    await post(server, first);
    expect((await command('api/cli/backup.ts', dbPath, ['--to', join(dir, 'monday.sqlite')])).code).toBe(0);
    await post(server, second);
    // Killed, so the second batch is still in the WAL beside the file: it must move with the file it belongs to.
    await server.kill('SIGKILL');
    expect(existsSync(`${dbPath}-wal`)).toBe(true);

    const r = await command('api/cli/restore.ts', dbPath, ['--from', join(dir, 'monday.sqlite')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`Restored ${dbPath} from ${join(dir, 'monday.sqlite')}: ${ids(first).length} events, the newest received \\d{4}-\\d\\d-\\d\\dT`));
    const replaced = readdirSync(dir).find((f) => /^kpi\.sqlite\.replaced-[\dT-]+Z$/.test(f));
    expect(replaced).toBeDefined();
    expect(r.out).toContain(`kept as ${join(dir, replaced!)} (with its -wal`);
    expect(stored(join(dir, replaced!), ids(second))).toEqual(ids(second));
    expect(stored(dbPath, onlySecond)).toEqual([]);
    expect(existsSync(`${dbPath}-wal`)).toBe(false);

    server = await startServer({ dbPath });
    try {
      expect(await post(server, first)).toEqual({ accepted: 0, duplicates: first.length });
      expect((await post(server, second)).accepted).toBe(onlySecond.length);
    } finally {
      expect(await server.kill('SIGTERM')).toBe(0);
    }
  }, 60_000);

  it('signs everyone out: a session the backup held (signed out since, or stolen) opens nothing once restored', async () => {
    const dir = scratch();
    const dbPath = join(dir, 'kpi.sqlite');
    let server = await startServer({ dbPath });
    const signIn = async () => {
      const r = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'test-admin-password' }) });
      expect(r.status).toBe(200);
      return r.headers.get('set-cookie')!.split(';')[0];
    };
    const kpis = async (cookie: string) => (await fetch(`${server.url}/api/kpis`, { headers: { cookie } })).status;
    const cookie = await signIn();
    expect(await kpis(cookie)).toBe(200);
    expect(await server.kill('SIGTERM')).toBe(0);
    expect((await command('api/cli/backup.ts', dbPath, ['--to', join(dir, 'b.sqlite')])).code).toBe(0);
    const r = await command('api/cli/restore.ts', dbPath, ['--from', join(dir, 'b.sqlite')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('1 session it held is ended: everyone signs in again');
    server = await startServer({ dbPath });
    try {
      expect(await kpis(cookie)).toBe(401);
      expect(await kpis(await signIn())).toBe(200);
    } finally {
      expect(await server.kill('SIGTERM')).toBe(0);
    }
    // The backup itself is as it was.
    const backup = new Database(join(dir, 'b.sqlite'), { readonly: true });
    expect(backup.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(1);
    backup.close();
  }, 60_000);

  it('restores over a damaged database, keeping the damaged one', async () => {
    const { dir, dbPath } = await backedUp();
    writeFileSync(dbPath, 'pages garbled by a failing disk');
    const r = await command('api/cli/restore.ts', dbPath, ['--from', join(dir, 'b.sqlite')]);
    expect(r.code).toBe(0);
    expect(stored(dbPath, ids(first))).toEqual(ids(first));
    const replaced = readdirSync(dir).find((f) => f.startsWith('kpi.sqlite.replaced-'))!;
    expect(readFileSync(join(dir, replaced), 'utf8')).toBe('pages garbled by a failing disk');
  }, 60_000);

  // npm runs a script in the project's directory, passing the one the command was typed in as INIT_CWD.
  it('reads a relative --from where npm was run', async () => {
    const { dir, dbPath } = await backedUp();
    const r = await runEntry('api/cli/restore.ts', ['--from', 'b.sqlite'], { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', INIT_CWD: dir });
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain(`from ${join(dir, 'b.sqlite')}:`);
  }, 60_000);

  it('refuses, changing nothing: a running server, no --from, no backup there, a damaged or foreign backup, the database itself', async () => {
    const dir = scratch();
    const dbPath = join(dir, 'kpi.sqlite');
    const server = await startServer({ dbPath });
    try {
      await post(server, first);
      expect((await command('api/cli/backup.ts', dbPath, ['--to', join(dir, 'b.sqlite')])).code).toBe(0);
      await post(server, second);
      const running = await command('api/cli/restore.ts', dbPath, ['--from', join(dir, 'b.sqlite')]);
      expect([running.code, running.err]).toEqual([2, `A Floorboard server, npm run rebuild or another npm run restore is using ${dbPath}; stop it (or let a restore finish), then restore.\n`]);
    } finally {
      expect(await server.kill('SIGTERM')).toBe(0);
    }

    const missing = await command('api/cli/restore.ts', dbPath, []);
    expect([missing.code, missing.err.split('\n')[0]]).toEqual([2, '--from is missing: name the backup to restore.']);
    const nowhere = await command('api/cli/restore.ts', dbPath, ['--from', join(dir, 'typo.sqlite')]);
    expect([nowhere.code, nowhere.err]).toEqual([2, `There is no backup at ${join(dir, 'typo.sqlite')}.\n`]);
    writeFileSync(join(dir, 'bad.sqlite'), 'not a database at all');
    const bad = await command('api/cli/restore.ts', dbPath, ['--from', join(dir, 'bad.sqlite')]);
    expect([bad.code, bad.err]).toEqual([2, `${join(dir, 'bad.sqlite')} is not a sound SQLite database: nothing was restored. Name a file npm run backup wrote.\n`]);
    const crm = new Database(join(dir, 'crm.sqlite'));
    crm.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
    crm.close();
    const foreign = await command('api/cli/restore.ts', dbPath, ['--from', join(dir, 'crm.sqlite')]);
    expect([foreign.code, foreign.err]).toEqual([2, `${join(dir, 'crm.sqlite')} is not a Floorboard database: nothing was restored. Name a file npm run backup wrote.\n`]);
    const itself = await command('api/cli/restore.ts', dbPath, ['--from', dbPath]);
    expect([itself.code, itself.err]).toEqual([2, `${dbPath} is the database at DATABASE_PATH itself, not a backup of it.\n`]);

    // Both batches still there, nothing set aside.
    expect(stored(dbPath, [...ids(first), ...onlySecond])).toHaveLength(ids(first).length + onlySecond.length);
    expect(readdirSync(dir).filter((f) => f.includes('.replaced-') || f.endsWith('.restoring'))).toEqual([]);
    // Nor any journal of the claim a refusal held when it exited.
    expect(readdirSync(dir).filter((f) => f.endsWith('-journal'))).toEqual([]);
  }, 60_000);
});

/** A fresh database at `dbPath` (migrated, as a server leaves it) holding `events` events, and a backup of it at `to`. */
function madeWithBackup(dbPath: string, to: string, events = 0): void {
  const db = openDb(dbPath);
  db.$client.exec("INSERT INTO subjects (sid, subject) VALUES (1, 's')");
  const add = db.$client.prepare("INSERT INTO events (id, type, at, sid, body, received_at) VALUES (?, 'x', 1, 1, '{}', 1)");
  for (let i = 0; i < events; i++) add.run(`e${i}`);
  db.$client.exec(`VACUUM INTO '${to}'`);
  db.$client.close();
}
const count = (path: string) => {
  const sqlite = new Database(path, { readonly: true });
  const n = sqlite.prepare('SELECT count(*) FROM events').pluck().get();
  sqlite.close();
  return n;
};

describe('npm run restore, as operators use it', () => {
  it('replaces the file a symlinked DATABASE_PATH names (and its WAL), leaving the link', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'volume'));
    const real = join(dir, 'volume', 'kpi.sqlite');
    madeWithBackup(real, join(dir, 'b.sqlite'), 3);
    const link = join(dir, 'kpi.sqlite');
    symlinkSync(real, link);
    const r = await command('api/cli/restore.ts', link, ['--from', join(dir, 'b.sqlite')]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(count(link)).toBe(3);
    const replaced = readdirSync(join(dir, 'volume')).filter((f) => f.startsWith('kpi.sqlite.replaced-'));
    expect(replaced).toHaveLength(1);
    expect(lstatSync(join(dir, 'volume', replaced[0]!)).isFile()).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.replaced-'))).toEqual([]);
  }, 60_000);
  // Named from the link while the file it names was not made yet, the server's lock was not the one the restore looked
  // for: the restore renamed the database away under the running server, whose writes then went to the file set aside.
  it('refuses while a server runs that started on a link to a file it made', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'volume'));
    const link = join(dir, 'kpi.sqlite');
    symlinkSync(join(dir, 'volume', 'kpi.sqlite'), link);
    madeWithBackup(join(dir, 'other.sqlite'), join(dir, 'b.sqlite'), 2);
    const server = await startServer({ dbPath: link });
    try {
      const r = await command('api/cli/restore.ts', link, ['--from', join(dir, 'b.sqlite')]);
      expect([r.code, r.err]).toEqual([2, `A Floorboard server, npm run rebuild or another npm run restore is using ${join(dir, 'volume', 'kpi.sqlite')}; stop it (or let a restore finish), then restore.\n`]);
    } finally {
      expect(await server.kill('SIGTERM')).toBe(0);
    }
    expect(readdirSync(join(dir, 'volume')).filter((f) => f.includes('.replaced-'))).toEqual([]);
  }, 60_000);
  it('never overwrites a database an earlier restore set aside, within the same second', async () => {
    const dir = scratch();
    const dbPath = join(dir, 'kpi.sqlite');
    madeWithBackup(dbPath, join(dir, 'b.sqlite'));
    // The names a restore in the next few seconds would give the database it replaces, taken already.
    const now = Date.now();
    const taken = Array.from({ length: 30 }, (_, s) => `${dbPath}.replaced-${new Date(now + s * 1000).toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}`);
    for (const name of taken) writeFileSync(name, 'set aside earlier');
    const r = await command('api/cli/restore.ts', dbPath, ['--from', join(dir, 'b.sqlite')]);
    expect([r.code, r.err]).toEqual([0, '']);
    for (const name of taken) expect(readFileSync(name, 'utf8')).toBe('set aside earlier');
    expect(readdirSync(dir).filter((f) => f.includes('.replaced-'))).toHaveLength(taken.length + 1);
  }, 60_000);
  it('restores what it checked of a backup with a write-ahead log beside it, and leaves no side files by the backup', async () => {
    const dir = scratch();
    const dbPath = join(dir, 'kpi.sqlite');
    madeWithBackup(dbPath, join(dir, 'b.sqlite'), 2);
    // A backup copied by hand, its last events still in its WAL.
    const copied = join(dir, 'copied.sqlite');
    const db = openDb(copied);
    db.$client.pragma('wal_autocheckpoint = 0');
    db.$client.exec("INSERT INTO subjects (sid, subject) VALUES (1, 's'); INSERT INTO events (id, type, at, sid, body, received_at) VALUES ('in-wal', 'x', 1, 1, '{}', 1)");
    copyFileSync(copied, join(dir, 'walled.sqlite'));
    copyFileSync(`${copied}-wal`, join(dir, 'walled.sqlite-wal'));
    db.$client.close();
    const r = await command('api/cli/restore.ts', dbPath, ['--from', join(dir, 'walled.sqlite')]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain(': 1 event, ');
    expect(count(dbPath)).toBe(1);

    // A WAL-mode backup with no log beside it: checking it makes none that stays.
    const plain = join(dir, 'plain.sqlite');
    copyFileSync(copied, plain);
    expect(readFileSync(plain)[18]).toBe(2);
    const again = await command('api/cli/restore.ts', dbPath, ['--from', plain]);
    expect([again.code, again.err]).toEqual([0, '']);
    expect(existsSync(`${plain}-wal`) || existsSync(`${plain}-shm`)).toBe(false);
  }, 60_000);
  /** A new directory in /tmp itself, removed when the test ends. */
  function outsideTmp(prefix: string): string {
    const dir = realpathSync(mkdtempSync(join('/tmp', prefix)));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  // Root reads any file: as root, this runs the restore as nobody, in a directory outside the test run's own
  // temporary one (which only root may enter).
  it.skipIf(!canRunAsNobody())('says so, without a stack trace, when this user may not read the backup', async () => {
    const dir = outsideTmp('floorboard-restore-nobody-');
    chownSync(dir, 65534, 65534);
    const dbPath = join(dir, 'kpi.sqlite');
    madeWithBackup(join(dir, 'root.sqlite'), join(dir, 'b.sqlite'));
    chmodSync(join(dir, 'b.sqlite'), 0o600);
    const r = await runEntry('api/cli/restore.ts', ['--from', join(dir, 'b.sqlite')], { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', TMPDIR: dir, HOME: dir }, {
      prefix: AS_NOBODY
    });
    expect([r.code, r.err]).toEqual([
      2,
      `${join(dir, 'b.sqlite')} cannot be read by this user (permission denied): nothing was restored. Give this user read permission on it, or copy it to a file this user may read.\n`
    ]);
    expect(existsSync(dbPath)).toBe(false);
  }, 60_000);

  // A backup in a directory this user may not enter (a root-only backups directory) ended in an EACCES stack trace.
  it.skipIf(!canRunAsNobody())('says so in one line, without a stack trace, of a backup in a directory this user may not enter', async () => {
    const dir = outsideTmp('floorboard-restore-nobody-');
    chownSync(dir, 65534, 65534);
    const closed = join(dir, 'closed');
    mkdirSync(closed, { mode: 0o700 });
    madeWithBackup(join(dir, 'root.sqlite'), join(closed, 'b.sqlite'));
    const dbPath = join(dir, 'kpi.sqlite');
    const r = await runEntry('api/cli/restore.ts', ['--from', join(closed, 'b.sqlite')], { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', TMPDIR: dir, HOME: dir }, {
      prefix: AS_NOBODY
    });
    expect([r.code, r.err]).toEqual([
      2,
      `Cannot read ${join(closed, 'b.sqlite')}: this user may not enter ${closed} (permission denied); give this user that permission, or copy the backup to a directory it may read. Nothing was restored.\n`
    ]);
    expect(existsSync(dbPath)).toBe(false);
  }, 60_000);

  // A WAL-mode backup (copied by hand from a server's database) needs its index made beside it: in a directory this
  // user may not write (a read-only mount of backups), reading it ended in a SQLITE_READONLY_DIRECTORY stack trace.
  it.skipIf(!canRunAsNobody())('says to copy it to a place that can be written, without a stack trace, of a WAL-mode backup in a directory this user may not write (read-only media)', async () => {
    const dir = outsideTmp('floorboard-restore-nobody-');
    chownSync(dir, 65534, 65534);
    const backups = outsideTmp('floorboard-restore-backups-');
    chmodSync(backups, 0o755);
    const from = join(backups, 'copied.sqlite');
    openDb(from).$client.close();
    // Readable by nobody whatever the umask: under 077 it was refused as unreadable, before its directory was looked at.
    chmodSync(from, 0o644);
    expect(readFileSync(from)[18]).toBe(2);
    const r = await runEntry('api/cli/restore.ts', ['--from', from], { DATABASE_PATH: join(dir, 'kpi.sqlite'), KPI_TIMEZONE: 'UTC', TMPDIR: dir, HOME: dir }, {
      prefix: AS_NOBODY
    });
    // Told to check that it may write in the directory, an operator with backups on read-only media had nothing to
    // change: the way is to copy the backup somewhere it can be written first.
    expect([r.code, r.err]).toEqual([
      2,
      `${from} is in WAL mode (a server's file copied as it was), which SQLite reads only by writing its index (-shm) beside it, and ${backups} cannot be written (read-only media, or not this user's to write): nothing was restored. Copy it, with its -wal if one is beside it, to a directory this user may write, and restore from that copy.\n`
    ]);
    expect(existsSync(join(dir, 'kpi.sqlite'))).toBe(false);
  }, 60_000);

  // On a read-only mount SQLite says only "unable to open database file" (SQLITE_CANTOPEN), whoever runs it.
  it.skipIf(process.getuid?.() !== 0)('says the same of a WAL-mode backup on a read-only mount', async (ctx) => {
    const dir = outsideTmp('floorboard-restore-ro-');
    const [source, mounted] = [join(dir, 'source'), join(dir, 'mounted')];
    mkdirSync(source);
    mkdirSync(mounted);
    openDb(join(source, 'copied.sqlite')).$client.close();
    if (spawnSync('mount', ['--bind', '-o', 'ro', source, mounted]).status !== 0) return ctx.skip('mount --bind -o ro is not allowed here');
    onTestFinished(() => void spawnSync('umount', [mounted]));
    const from = join(mounted, 'copied.sqlite');
    const r = await command('api/cli/restore.ts', join(dir, 'kpi.sqlite'), ['--from', from]);
    expect([r.code, r.err]).toEqual([
      2,
      `${from} is in WAL mode (a server's file copied as it was), which SQLite reads only by writing its index (-shm) beside it, and ${mounted} cannot be written (read-only media, or not this user's to write): nothing was restored. Copy it, with its -wal if one is beside it, to a directory this user may write, and restore from that copy.\n`
    ]);
    expect(existsSync(join(dir, 'kpi.sqlite'))).toBe(false);
  }, 60_000);

  // A Ctrl-C while it copies: the shell's exit code for SIGINT, the copy gone, the database as it was.
  it('stops on a Ctrl-C while it copies, leaving the database as it was and no copy', async () => {
    const { dir, dbPath } = await backedUp();
    const copying = (async (): Promise<NodeJS.Signals> => {
      while (!existsSync(`${dbPath}.restoring`)) await new Promise((r) => setTimeout(r, 1));
      return 'SIGINT';
    })();
    const env = { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', NODE_OPTIONS: preloading(HOLD_COPY), HOLD_COPY_UNTIL: join(dir, 'never') };
    const r = await runEntry('api/cli/restore.ts', ['--from', join(dir, 'b.sqlite')], env, { killWhen: copying });
    expect(r.code).toBe(130);
    expect(r.err).toMatch(/^Stopped by SIGINT after [\d.]+ s: nothing was restored \(the partial copy is removed\)\.\n$/);
    expect(readdirSync(dir).sort()).toEqual(['b.sqlite', 'kpi.sqlite', 'kpi.sqlite.server-lock']);
    expect(stored(dbPath, ids(first))).toEqual(ids(first));
  }, 60_000);

  // The copy a killed restore left was removed before copying, the backup named with it; the server's lock, held by
  // the restore itself, ended in a stack trace.
  it('refuses a file kept beside the database named as the backup, deleting nothing', async () => {
    const { dir, dbPath } = await backedUp();
    copyFileSync(join(dir, 'b.sqlite'), `${dbPath}.restoring`);
    for (const name of [`${dbPath}.restoring`, `${dbPath}.server-lock`]) {
      const r = await command('api/cli/restore.ts', dbPath, ['--from', name]);
      expect([r.code, r.err]).toEqual([2, `${name} is a file kept beside the database at ${dbPath}, not a backup: name a file npm run backup wrote.\n`]);
    }
    expect(count(`${dbPath}.restoring`)).toBe(ids(first).length);
    expect(stored(dbPath, ids(first))).toEqual(ids(first));
    expect(readdirSync(dir).filter((f) => f.includes('.replaced-'))).toEqual([]);
  }, 60_000);

  it('says so, without a stack trace, when another process holds the backup locked', async () => {
    const { dir, dbPath } = await backedUp();
    const writer = new Database(join(dir, 'b.sqlite'));
    writer.exec('BEGIN EXCLUSIVE; DELETE FROM events');
    try {
      const r = await command('api/cli/restore.ts', dbPath, ['--from', join(dir, 'b.sqlite')]);
      expect([r.code, r.err]).toEqual([
        2,
        `${join(dir, 'b.sqlite')} is locked by another process writing it: wait until it has finished, or name another backup: nothing was restored.\n`
      ]);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
    expect(stored(dbPath, ids(first))).toEqual(ids(first));
    expect(readdirSync(dir).filter((f) => f.includes('.replaced-') || f.includes('.restoring'))).toEqual([]);
  }, 60_000);

  it('says so, without a stack trace, of a backup whose writer stopped part way (a hot journal beside it)', async () => {
    const { dir, dbPath } = await backedUp();
    const from = join(dir, 'b.sqlite');
    // A journal of a write stopped part way, as a killed writer leaves it: the file changed, the journal holding what it was.
    const writer = new Database(from);
    writer.pragma('cache_size = 1');
    writer.exec("BEGIN; UPDATE events SET body = zeroblob(5000)");
    copyFileSync(from, join(dir, 'hot.sqlite'));
    copyFileSync(`${from}-journal`, join(dir, 'hot.sqlite-journal'));
    writer.exec('ROLLBACK');
    writer.close();
    const hot = join(dir, 'hot.sqlite');
    const r = await command('api/cli/restore.ts', dbPath, ['--from', hot]);
    expect([r.code, r.err]).toEqual([
      2,
      `${hot} was being written when its writer stopped, and ${hot}-journal beside it holds what to roll back, which reading it cannot do: open it once with sqlite3 (which rolls that back), or name another backup: nothing was restored.\n`
    ]);
    expect(existsSync(`${hot}-journal`)).toBe(true);
    expect(stored(dbPath, ids(first))).toEqual(ids(first));
  }, 60_000);

  it('refuses a directory at DATABASE_PATH, moving nothing', async () => {
    const { dir, dbPath } = await backedUp();
    const r = await command('api/cli/restore.ts', dir, ['--from', join(dir, 'b.sqlite')]);
    expect([r.code, r.err]).toEqual([2, `Cannot open the database: ${dir} is a directory: point DATABASE_PATH at a file in it, such as ${join(dir, 'kpi.sqlite')}.\n`]);
    expect(existsSync(dir) && lstatSync(dir).isDirectory()).toBe(true);
    expect(stored(dbPath, ids(first))).toEqual(ids(first));
  }, 60_000);

  it('refuses while another restore runs, saying so', async () => {
    const { dir, dbPath } = await backedUp();
    madeWithBackup(join(dir, 'other.sqlite'), join(dir, 'other-backup.sqlite'), 5);
    // The first held while it copies, until the file `go on` exists: a copy of 200 events takes milliseconds, and a
    // test process the machine's load kept waiting longer found it finished (and waited for its copy for ever).
    const goOn = join(dir, 'go on');
    const ended = runEntry('api/cli/restore.ts', ['--from', join(dir, 'b.sqlite')], { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', NODE_OPTIONS: preloading(HOLD_COPY), HOLD_COPY_UNTIL: goOn });
    while (!existsSync(`${dbPath}.restoring`)) await new Promise((r) => setTimeout(r, 1));
    try {
      const second = await command('api/cli/restore.ts', dbPath, ['--from', join(dir, 'other-backup.sqlite')]);
      expect([second.code, second.err]).toEqual([
        2,
        `A Floorboard server, npm run rebuild or another npm run restore is using ${dbPath}; stop it (or let a restore finish), then restore.\n`
      ]);
    } finally {
      writeFileSync(goOn, '');
    }
    expect((await ended).code).toBe(0);
    expect(stored(dbPath, ids(first))).toEqual(ids(first));
  }, 60_000);

  it('refuses a DATABASE_PATH whose links lead round in a loop, without a stack trace', async () => {
    const { dir } = await backedUp();
    symlinkSync(join(dir, 'b-link'), join(dir, 'a-link'));
    symlinkSync(join(dir, 'a-link'), join(dir, 'b-link'));
    const r = await command('api/cli/restore.ts', join(dir, 'a-link'), ['--from', join(dir, 'b.sqlite')]);
    expect([r.code, r.err]).toEqual([2, `${join(dir, 'a-link')} is a link that leads round in a loop of links: point DATABASE_PATH at the database file.\n`]);
    expect(lstatSync(join(dir, 'a-link')).isSymbolicLink()).toBe(true);
  }, 60_000);

  it('says so, without a stack trace, when the backup, or DATABASE_PATH, lies inside a file (a file named where a directory was meant)', async () => {
    const dir = scratch();
    madeWithBackup(join(dir, 'kpi.sqlite'), join(dir, 'b.sqlite'), 3);
    const inside = join(dir, 'b.sqlite', 'kpi.sqlite');
    const from = await command('api/cli/restore.ts', join(dir, 'kpi.sqlite'), ['--from', inside]);
    expect([from.code, from.err]).toEqual([2, `There is no backup at ${inside}: ${join(dir, 'b.sqlite')} is a file, not a directory (name it alone, if it is the backup).\n`]);
    const into = await command('api/cli/restore.ts', inside, ['--from', join(dir, 'kpi.sqlite')]);
    expect(into.code).toBe(2);
    expect(into.err).toMatch(new RegExp(`^Cannot open the database: ${inside.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be opened \\(ENOTDIR.*\\): check that the directory exists`));
    expect(readdirSync(dir).sort()).toEqual(['b.sqlite', 'kpi.sqlite']);
    expect(count(join(dir, 'kpi.sqlite'))).toBe(3);
  }, 60_000);

  // An ELOOP stack trace, exit 1.
  it('names a --from whose links lead round in a loop as one, without a stack trace', async () => {
    const dir = scratch();
    const from = join(dir, 'a-link');
    symlinkSync(join(dir, 'b-link'), from);
    symlinkSync(from, join(dir, 'b-link'));
    const r = await command('api/cli/restore.ts', join(dir, 'kpi.sqlite'), ['--from', from]);
    expect([r.code, r.err]).toEqual([2, `${from} is a link that leads round in a loop of links: name the backup file.\n`]);
  }, 60_000);

  it('names a directory given as the backup as one', async () => {
    const dir = scratch();
    const r = await command('api/cli/restore.ts', join(dir, 'kpi.sqlite'), ['--from', dir]);
    expect([r.code, r.err]).toEqual([2, `${dir} is a directory: name the backup file in it (npm run backup -- --to wrote one file).\n`]);
  }, 60_000);
});

const KILL_AFTER_RENAMES = join(import.meta.dirname, '..', 'helpers', 'kill-after-renames.mjs');

/** A killed server's database (the second batch still in its WAL) with a backup of the first, b.sqlite, beside it. */
async function walledWithBackup(): Promise<{ dir: string; dbPath: string }> {
  const dir = scratch();
  const dbPath = join(dir, 'kpi.sqlite');
  const server = await startServer({ dbPath });
  await post(server, first);
  expect((await command('api/cli/backup.ts', dbPath, ['--to', join(dir, 'b.sqlite')])).code).toBe(0);
  await post(server, second);
  await server.kill('SIGKILL');
  return { dir, dbPath };
}

/** npm run restore -- --from `from`, SIGKILLed just after its `renames`-th rename. */
async function restoreKilledAfter(dbPath: string, from: string, renames: number): Promise<void> {
  const killed = await runEntry('api/cli/restore.ts', ['--from', from], {
    DATABASE_PATH: dbPath,
    KPI_TIMEZONE: 'UTC',
    NODE_OPTIONS: preloading(KILL_AFTER_RENAMES),
    KILL_AFTER_RENAMES: String(renames)
  });
  expect(killed.code).toBe(null);
}

describe('npm run restore, stopped part way', () => {
  // The restore renames the database, its -wal and -shm (a killed server left them), then the checked copy: four
  // renames, and a kill after any of them.
  it.each([1, 2, 3, 4])('after its rename %i: nothing runs on the database until npm run restore finishes it', async (renames) => {
    const { dir, dbPath } = await walledWithBackup();
    await restoreKilledAfter(dbPath, join(dir, 'b.sqlite'), renames);

    // A server (which would have made a new, empty database, or replayed a log onto a file not its own), a rebuild
    // and a backup all refuse, and say what to do.
    const refusal = `stopped before it had put it in place: run npm run restore to finish it (the database it replaces is kept as ${dbPath}.replaced-`;
    const start = await runEntry('api/server.ts', [], { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', PORT: '0', FLOORBOARD_SKIP_WEB_BUILD: '1' }, { stopWhenListening: true });
    expect([start.code, start.listened]).toEqual([2, false]);
    expect(start.err).toContain(`Cannot open the database: a restore of ${join(dir, 'b.sqlite')} into ${dbPath} ${refusal}`);
    const rebuild = await command('api/cli/rebuild.ts', dbPath, []);
    expect([rebuild.code, rebuild.err]).toEqual([2, expect.stringContaining(refusal)]);
    const backup = await command('api/cli/backup.ts', dbPath, ['--to', join(dir, 'during.sqlite')]);
    expect([backup.code, backup.err]).toEqual([2, expect.stringContaining(refusal)]);

    const finished = await command('api/cli/restore.ts', dbPath, []);
    expect([finished.code, finished.err]).toEqual([0, '']);
    expect(finished.out).toContain(`Finishing the restore of ${join(dir, 'b.sqlite')} that was stopped part way…`);
    expect(finished.out).toMatch(/The database it replaced is kept as .*\.replaced-[\dT-]+Z \(with its -wal, -shm\)/);
    // The backup in place; the database it replaced whole, its log with it.
    expect(stored(dbPath, ids(first))).toEqual(ids(first));
    expect(stored(dbPath, onlySecond)).toEqual([]);
    const replaced = readdirSync(dir).filter((f) => f.startsWith('kpi.sqlite.replaced-'));
    expect(replaced).toHaveLength(3);
    expect(stored(join(dir, replaced.find((f) => f.endsWith('Z'))!), ids(second))).toEqual(ids(second));
    expect(readdirSync(dir).filter((f) => f.endsWith('.restoring') || f.endsWith('.restore-plan'))).toEqual([]);

    const again = await startServer({ dbPath });
    try {
      expect(await post(again, first)).toEqual({ accepted: 0, duplicates: first.length });
    } finally {
      expect(await again.kill('SIGTERM')).toBe(0);
    }
  }, 90_000);

  it('refuses, and says so, a plan it cannot read (edited by hand): what its renames were is not known', async () => {
    const { dir, dbPath } = await backedUp();
    writeFileSync(`${dbPath}.restore-plan`, '{"from": "b.sqlite"');
    const said = `${dbPath}.restore-plan, the plan of a restore into ${dbPath} that stopped part way, cannot be read: put the files it names back by hand, then delete it.\n`;
    const start = await runEntry('api/server.ts', [], { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', PORT: '0', FLOORBOARD_SKIP_WEB_BUILD: '1' }, { stopWhenListening: true });
    expect([start.code, start.listened, start.err]).toEqual([2, false, `Cannot open the database: ${said}`]);
    const finish = await command('api/cli/restore.ts', dbPath, []);
    expect([finish.code, finish.err]).toEqual([2, `Cannot open the database: ${said}`]);
    expect(stored(dbPath, ids(first))).toEqual(ids(first));
  }, 60_000);

  // What a kill between making the plan and writing it leaves, or a machine gone down before it was synced: no file
  // had been renamed. It kept every server off the database, saying to put back by hand files that had not moved.
  it('a plan made but never written: the database is as it was, a server starts, and a restore runs', async () => {
    const { dir, dbPath } = await backedUp();
    writeFileSync(`${dbPath}.restore-plan`, '');
    const start = await runEntry('api/server.ts', [], { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', PORT: '0', FLOORBOARD_SKIP_WEB_BUILD: '1' }, { stopWhenListening: true });
    expect([start.listened, start.err]).toEqual([true, '']);
    const r = await command('api/cli/restore.ts', dbPath, ['--from', join(dir, 'b.sqlite')]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.restoring') || f.endsWith('.restore-plan'))).toEqual([]);
    expect(stored(dbPath, ids(first))).toEqual(ids(first));
  }, 60_000);

  // Said to be finished, the restore left no database at DATABASE_PATH, and the next start made a new, empty one.
  it('its checked copy deleted by hand meanwhile: puts the database back, and says nothing was restored', async () => {
    const { dir, dbPath } = await walledWithBackup();
    await restoreKilledAfter(dbPath, join(dir, 'b.sqlite'), 2);
    rmSync(`${dbPath}.restoring`);

    const r = await command('api/cli/restore.ts', dbPath, []);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `${dbPath}.restoring, the checked copy of ${join(dir, 'b.sqlite')} that a stopped restore was putting in place, is gone: ` +
        `the database it was replacing is back at ${dbPath}, and nothing was restored. To restore it, run npm run restore -- --from ${join(dir, 'b.sqlite')} again.\n`
    );
    expect(readdirSync(dir).filter((f) => f.includes('.replaced-') || f.endsWith('.restore-plan'))).toEqual([]);
    // The database as it was, its log with it.
    expect(stored(dbPath, [...ids(first), ...onlySecond])).toHaveLength(ids(first).length + onlySecond.length);
  }, 60_000);

  it('named another backup, finishes the stopped restore and then restores that one', async () => {
    const { dir, dbPath } = await backedUp();
    madeWithBackup(join(dir, 'other.sqlite'), join(dir, 'other-backup.sqlite'), 5);
    await restoreKilledAfter(dbPath, join(dir, 'b.sqlite'), 1);
    const r = await command('api/cli/restore.ts', dbPath, ['--from', join(dir, 'other-backup.sqlite')]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain(`Restored ${dbPath} from ${join(dir, 'b.sqlite')}: the copy it had checked.`);
    expect(r.out).toContain(`Restored ${dbPath} from ${join(dir, 'other-backup.sqlite')}: 5 events,`);
    expect(count(dbPath)).toBe(5);
    expect(readdirSync(dir).filter((f) => /^kpi\.sqlite\.replaced-[\dT-]+Z(-\d+)?$/.test(f))).toHaveLength(2);
  }, 60_000);
});

const FAIL_FS = join(import.meta.dirname, '..', 'helpers', 'fail-fs.mjs');

describe('npm run restore, when the file system refuses', () => {
  // A plan left empty kept every server off the database, saying to put back by hand files that had not moved.
  it('a full disk as it writes the plan: nothing restored, no plan or copy left, and says so without a stack trace', async () => {
    const { dir, dbPath } = await backedUp();
    const r = await runEntry('api/cli/restore.ts', ['--from', join(dir, 'b.sqlite')], {
      DATABASE_PATH: dbPath,
      KPI_TIMEZONE: 'UTC',
      NODE_OPTIONS: preloading(FAIL_FS),
      FAIL_WRITE_ENDING: '.restore-plan'
    });
    expect([r.code, r.err]).toEqual([2, `Cannot write ${dbPath}.restore-plan (the disk holding ${dbPath} is full): nothing was restored.\n`]);
    expect(readdirSync(dir).sort()).toEqual(['b.sqlite', 'kpi.sqlite', 'kpi.sqlite.server-lock']);
    expect(stored(dbPath, ids(first))).toEqual(ids(first));
  }, 60_000);

  it('a database file that cannot be renamed (bind-mounted): says the restore stopped part way, and npm run restore finishes it', async () => {
    const { dir, dbPath } = await backedUp();
    const env = { DATABASE_PATH: dbPath, KPI_TIMEZONE: 'UTC', NODE_OPTIONS: preloading(FAIL_FS) };
    const r = await runEntry('api/cli/restore.ts', ['--from', join(dir, 'b.sqlite')], { ...env, FAIL_RENAME: '1' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      new RegExp(`^The restore of ${join(dir, 'b.sqlite')} stopped part way \\(EBUSY: .*\\): once that is put right, run npm run restore to finish it\\. Until then no server starts on ${dbPath}; the database it replaces is kept as ${dbPath}\\.replaced-[\\dT-]+Z\\.\\n$`)
    );
    const finished = await runEntry('api/cli/restore.ts', [], env);
    expect([finished.code, finished.err]).toEqual([0, '']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.restoring') || f.endsWith('.restore-plan'))).toEqual([]);
    expect(stored(dbPath, ids(first))).toEqual(ids(first));
  }, 60_000);
});
