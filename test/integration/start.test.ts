// The command-line entry points where they cannot do their work: each says why in a line or two, without a
// stack trace, and exits non-zero; and the secrets `npm start` made at first start, shown only once, are
// shown all the same.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { homedir, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { freePort, postEvents, runEntry, startServer, TEST_INGEST_TOKEN } from '../helpers/server';
import { claimForServer } from '../../db/open';

const ROOT = join(import.meta.dirname, '..', '..');

const scratch = () => join(mkdtempSync(join(tmpdir(), 'floorboard-start-')), 'kpi.sqlite');
const run = (script: string, env: Record<string, string>, args: string[] = []) =>
  runEntry(script, args, { HOST: '127.0.0.1', FLOORBOARD_SKIP_WEB_BUILD: '1', ADMIN_PASSWORD: '', INGEST_TOKEN: '', KPI_TIMEZONE: 'UTC', ...env });

describe('command-line entry points that cannot do their work', () => {
  // Refused before anything is made: the database, and the secrets of a first start, wait for a start that listens.
  it('npm start on a port already taken: exit 1, which port and what to do, and no database made', async () => {
    const holder = createServer();
    const port = await new Promise<number>((resolve) => holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)));
    try {
      const path = scratch();
      const r = await run('api/server.ts', { PORT: String(port), DATABASE_PATH: path });
      expect(r.code).toBe(1);
      expect(r.err).toContain(`port ${port} is already in use`);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).not.toContain('Created user');
      expect(readdirSync(join(path, '..'))).toEqual([]);
    } finally {
      holder.close();
    }
  }, 60_000);

  it('npm start on a new database shows the password, ingest token and wall display token it made before building or listening, which a start may not get through', async () => {
    const server = await startServer({ dbPath: scratch(), env: { ADMIN_PASSWORD: '', INGEST_TOKEN: '' } });
    try {
      // The wall's address needs the port: it follows.
      await expect.poll(() => server.output()).toContain(`Wall display (token shown once): http://127.0.0.1:${server.port}/wall?token=`);
      const out = server.output();
      const at = (text: string) => out.indexOf(text);
      expect(out).toMatch(/Created user "admin" with password: \S+/);
      expect(out).toMatch(/Ingest token \(shown once\): \S+/);
      expect(at('Created user')).toBeLessThan(at('listening on'));
      expect(at('Ingest token')).toBeLessThan(at('listening on'));
      // The wall's token too (a SIGKILL before the port would lose it), and its address, once listening, holds the same.
      const early = /Wall display token \(shown once\): (\S+)/.exec(out);
      expect(at('Wall display token')).toBeLessThan(at('listening on'));
      expect(out).toContain(`/wall?token=${early?.[1]}`);
    } finally {
      await server.kill();
    }
  }, 60_000);

  it('npm start listening on every address (HOST 0.0.0.0, the default) shows the wall at this machine\'s network addresses too, which a wall TV can open, not at localhost alone', async () => {
    const lan = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    const server = await startServer({ dbPath: scratch(), env: { HOST: '0.0.0.0', ADMIN_PASSWORD: '', INGEST_TOKEN: '' } });
    try {
      await expect.poll(() => server.output()).toContain(`http://localhost:${server.port}/wall?token=`);
      const token = /Wall display token \(shown once\): (\S+)/.exec(server.output())?.[1];
      for (const address of lan) expect(server.output()).toContain(`http://${address}:${server.port}/wall?token=${token}`);
    } finally {
      await server.kill();
    }
  }, 60_000);

  it('npm start on a database with no events says where events are sent, with which token, and how to see a simulated day; once events are stored, not again', async () => {
    const path = scratch();
    const server = await startServer({ dbPath: path });
    try {
      await expect.poll(() => server.output()).toContain('npm start -- --demo');
      const out = server.output();
      expect(out).toContain(`POST them to http://127.0.0.1:${server.port}/api/events with "Authorization: Bearer <ingest token>"`);
      expect(out).toContain(`npm run simulate -- --url http://127.0.0.1:${server.port} --token <ingest token>`);
      expect((await postEvents(server.url, { id: 'e1', type: 'ticket.created', at: Date.now(), ticket: 'T-1', channel: 'chat' })).status).toBe(200);
    } finally {
      await server.kill();
    }
    const again = await startServer({ dbPath: path });
    try {
      // Said as it starts listening, before it answers anything: once it has answered, it would be there.
      expect((await fetch(`${again.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } })).status).toBe(200);
      expect(again.output()).not.toContain('/api/events');
      expect(again.output()).not.toContain('--demo');
    } finally {
      await again.kill();
    }
  }, 60_000);

  it('npm start on a port browsers refuse to open (X11\'s 6000, IRC\'s 6667): says the dashboard cannot be opened there and what to do, and serves machines on', async () => {
    // The Fetch standard's blocked ports, as Chromium and Firefox refuse them (ERR_UNSAFE_PORT); the first one free here.
    let port = 0;
    for (const p of [6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080, 6000, 6566, 4190]) {
      const probe = createServer();
      const free = await new Promise<boolean>((resolve) => probe.once('error', () => resolve(false)).listen(p, '127.0.0.1', () => probe.close(() => resolve(true))));
      if (free) {
        port = p;
        break;
      }
    }
    expect(port, 'every blocked port tried is taken here').toBeGreaterThan(0);
    const server = await startServer({ dbPath: scratch(), port });
    try {
      await expect.poll(() => server.output()).toContain(`port ${port} is one browsers refuse to open`);
      expect(server.output()).toMatch(new RegExp(`port ${port} is one browsers refuse to open \\(ERR_UNSAFE_PORT\\): the dashboard and the wall cannot be opened at http://127\\.0\\.0\\.1:${port}; set PORT to another`));
      // The API still answers a machine (node:http keeps no such list).
      const body = JSON.stringify({ id: 'unsafe-1', type: 'ticket.created', at: Date.now() - 1000, ticket: 'U1', channel: 'chat' });
      const status = await new Promise<number | undefined>((resolve, reject) =>
        request(`${server.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}`, 'content-type': 'application/json' } }, (res) => resolve(res.resume().statusCode))
          .on('error', reject)
          .end(body)
      );
      expect(status).toBe(200);
    } finally {
      await server.kill();
    }
  }, 60_000);

  it('a Ctrl-C as soon as the first secrets are shown, before the server listens: the wall address is shown too, and its token opens the wall', async () => {
    const path = scratch();
    const port = await freePort();
    const env = { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: path, FLOORBOARD_SKIP_WEB_BUILD: '1', ADMIN_PASSWORD: '', INGEST_TOKEN: '', KPI_TIMEZONE: 'UTC' };
    const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'api', 'server.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ingest token (shown once)')) proc.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(out).not.toContain('listening on');
    expect(code).toBe(130);
    const token = /Wall display \(token shown once\): http:\/\/127\.0\.0\.1:(\d+)\/wall\?token=(\S+)/.exec(out);
    expect(token?.[1]).toBe(String(port));
    const server = await startServer({ dbPath: path, port });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live?token=${token![2]}`);
      const first = await new Promise<{ type?: string }>((resolve, reject) => {
        ws.once('message', (d) => resolve(JSON.parse(String(d))));
        ws.once('unexpected-response', (_req, res) => reject(new Error(`the wall's token was refused: ${res.statusCode}`)));
      });
      ws.close();
      expect(first.type).toBe('snapshot');
    } finally {
      await server.kill();
    }
  }, 60_000);

  it('keeps serving, and stops cleanly, when whatever reads its log goes away (npm start | head)', async () => {
    const port = await freePort();
    const env = { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: scratch(), FLOORBOARD_SKIP_WEB_BUILD: '1', ADMIN_PASSWORD: '', INGEST_TOKEN: TEST_INGEST_TOKEN, KPI_TIMEZONE: 'UTC' };
    const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'api', 'server.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    let err = '';
    proc.stderr.on('data', (d) => (err += d));
    let out = '';
    await new Promise<void>((resolve) => proc.stdout.on('data', (d) => (out += d).includes('listening on') && resolve()));
    // The reader of its standard output is gone: every line it writes from now on meets a closed pipe (EPIPE).
    proc.stdout.destroy();
    const health = () => fetch(`http://127.0.0.1:${port}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } }).then((r) => r.status);
    expect(await health()).toBe(200);
    // What it says as it stops goes to the closed pipe.
    proc.kill('SIGTERM');
    expect(await exited, err).toBe(0);
    expect(err).not.toMatch(/EPIPE/);
  }, 60_000);

  it('npm start with a bad KPI_TIMEZONE: exit 2, naming the variable, no stack trace', async () => {
    const r = await run('api/server.ts', { PORT: '0', DATABASE_PATH: scratch(), KPI_TIMEZONE: 'Mars/Base' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('KPI_TIMEZONE: must be an IANA timezone such as Asia/Shanghai (it is "Mars/Base")');
    expect(r.err).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('npm start with a HOST that has a line break or spaces around it (an env file written with CRLF): exit 2, naming HOST, before any database is made', async () => {
    const path = scratch();
    const r = await run('api/server.ts', { PORT: '0', DATABASE_PATH: path, HOST: '127.0.0.1\r' });
    expect([r.code, r.err]).toEqual([
      2,
      'Invalid configuration:\n  HOST: has a line break or spaces around it (an env file written with CRLF?), which no address has; remove them (it is "127.0.0.1\\r")\n'
    ]);
    expect(r.out).not.toContain('Created user');
    expect(existsSync(path)).toBe(false);
  }, 60_000);

  it('npm start and npm run rebuild on a file that is not a database: exit 2, saying so, the file untouched', async () => {
    const path = scratch();
    writeFileSync(path, 'the minutes of the Monday meeting\n');
    for (const script of ['api/server.ts', 'api/cli/rebuild.ts']) {
      const r = await run(script, { PORT: '0', DATABASE_PATH: path });
      expect(r.code, script).toBe(2);
      expect(r.err, script).toContain(`${path} is not a SQLite database`);
      expect(r.err, script).not.toMatch(/\n\s+at /);
    }
    expect(readFileSync(path, 'utf8')).toBe('the minutes of the Monday meeting\n');
  }, 60_000);

  it('npm start while npm run restore (or rebuild) holds the database: exit 2, naming them, and to let it finish rather than stop it', async () => {
    const path = scratch();
    new Database(path).close();
    // Claimed here as a restore or a rebuild claims it (held until this test file's process ends).
    expect(claimForServer(path)).toBe(true);
    const r = await run('api/server.ts', { PORT: '0', DATABASE_PATH: path });
    expect([r.code, r.err]).toEqual([2, expect.stringContaining(`another Floorboard server, npm run rebuild or npm run restore is using ${path}`)]);
    expect(r.err).toContain('let a rebuild or a restore finish');
  }, 60_000);

  it('a second npm start, or npm run rebuild, on a database a server is using: exit 2, saying so, while the server serves on', async () => {
    const path = scratch();
    const first = await startServer({ dbPath: path });
    try {
      const r = await run('api/server.ts', { PORT: '0', DATABASE_PATH: path });
      expect(r.code).toBe(2);
      expect(r.err).toContain(`another Floorboard server, npm run rebuild or npm run restore is using ${path}`);
      expect(r.err).not.toMatch(/\n\s+at /);
      const rebuild = await run('api/cli/rebuild.ts', { DATABASE_PATH: path });
      expect([rebuild.code, rebuild.err]).toEqual([2, `A Floorboard server, another npm run rebuild or npm run restore is using ${path}; stop it (or let it finish), then rebuild.\n`]);
      // A flag it does not take is refused before anything is opened.
      const dry = await run('api/cli/rebuild.ts', { DATABASE_PATH: path }, ['--dry-run']);
      expect([dry.code, dry.err]).toEqual([2, expect.stringContaining('Usage: npm run rebuild')]);
      expect((await fetch(`${first.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } })).status).toBe(200);
    } finally {
      await first.kill();
    }
    // The claim ends with the process that held it.
    const next = await startServer({ dbPath: path });
    await next.kill();
  }, 60_000);

  it('npm start with a flag it does not take (--dmeo, --demo=false): exit 2 with the usage, and no database made', async () => {
    for (const flag of ['--dmeo', '--demo=false']) {
      const path = scratch();
      const r = await run('api/server.ts', { PORT: '0', DATABASE_PATH: path }, [flag]);
      expect(r.code, flag).toBe(2);
      expect(r.err, flag).toContain('Usage: npm start');
      expect(existsSync(path), flag).toBe(false);
    }
  }, 60_000);

  it('a flag given twice (npm run backup --to a --to b, npm run restore --from a --from b, npm start --demo --demo): exit 2, saying so, nothing written', async () => {
    const path = scratch();
    const dir = join(path, '..');
    const db = new Database(path);
    db.exec('CREATE TABLE __drizzle_migrations (id INTEGER); CREATE TABLE events (id TEXT)');
    db.close();
    const [a, b] = [join(dir, 'a.sqlite'), join(dir, 'b.sqlite')];
    const backup = await run('api/cli/backup.ts', { DATABASE_PATH: path }, ['--to', a, `--to=${b}`]);
    expect([backup.code, backup.err.split('\n')[0]]).toEqual([2, '--to is given more than once: give it once.']);
    expect([existsSync(a), existsSync(b)]).toEqual([false, false]);
    const restore = await run('api/cli/restore.ts', { DATABASE_PATH: join(dir, 'other.sqlite') }, ['--from', path, '--from', path]);
    expect([restore.code, restore.err.split('\n')[0]]).toEqual([2, '--from is given more than once: give it once.']);
    expect(existsSync(join(dir, 'other.sqlite'))).toBe(false);
    const fresh = join(dir, 'fresh.sqlite');
    const started = await runEntry('api/server.ts', ['--demo', '--demo'], { HOST: '127.0.0.1', PORT: '0', DATABASE_PATH: fresh, KPI_TIMEZONE: 'UTC', FLOORBOARD_SKIP_WEB_BUILD: '1' }, { stopWhenListening: true });
    expect([started.code, started.err.split('\n')[0]]).toEqual([2, '--demo is given more than once: give it once.']);
    expect(existsSync(fresh)).toBe(false);
  }, 60_000);

  it('npm start --demo without npm\'s -- (npm takes the flag, and hands it on only as npm_config_demo): exit 2, saying where to write it, not a start without the demo', async () => {
    const path = scratch();
    const env = { HOST: '127.0.0.1', PORT: '0', DATABASE_PATH: path, KPI_TIMEZONE: 'UTC', FLOORBOARD_SKIP_WEB_BUILD: '1', npm_lifecycle_event: 'start', npm_config_demo: 'true' };
    const r = await runEntry('api/server.ts', [], env, { stopWhenListening: true });
    expect([r.code, r.listened, r.err]).toEqual([2, false, 'npm took --demo as a setting of its own, so it did not reach this command: write it after --, as in npm start -- --demo\n']);
    expect(existsSync(path)).toBe(false);
    const simulate = await runEntry('api/cli/simulate.ts', ['50'], { npm_lifecycle_event: 'simulate', npm_config_rate: 'true' });
    expect([simulate.code, simulate.err]).toEqual([2, 'npm took --rate as a setting of its own, so it did not reach this command: write it after --, as in npm run simulate -- --rate\n']);
  }, 60_000);

  it("npm start and npm run rebuild on another application's SQLite database, or on a directory: exit 2, saying so, nothing changed", async () => {
    const path = scratch();
    const other = new Database(path);
    other.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('call the bank back')");
    other.close();
    for (const script of ['api/server.ts', 'api/cli/rebuild.ts']) {
      const r = await run(script, { PORT: '0', DATABASE_PATH: path });
      expect(r.code, script).toBe(2);
      expect(r.err, script).toContain(`${path} is another application's database (tables notes)`);
      expect(r.err, script).not.toMatch(/\n\s+at /);
    }
    const after = new Database(path, { readonly: true });
    expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['notes']);
    expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
    after.close();
    const dir = join(path, '..');
    const r = await run('api/server.ts', { PORT: '0', DATABASE_PATH: dir });
    expect([r.code, r.err]).toEqual([2, expect.stringContaining(`${dir} is a directory: point DATABASE_PATH at a file in it`)]);
  }, 60_000);

  it('npm start with a DATABASE_PATH ending in a slash, which names a directory: exit 2, saying so, and no file made in its place', async () => {
    const dir = join(scratch(), '..', 'floorboard');
    const r = await runEntry('api/server.ts', [], { HOST: '127.0.0.1', PORT: '0', DATABASE_PATH: `${dir}/`, KPI_TIMEZONE: 'UTC', FLOORBOARD_SKIP_WEB_BUILD: '1' }, { stopWhenListening: true });
    expect([r.code, r.listened]).toEqual([2, false]);
    expect(r.err).toContain(`DATABASE_PATH: ends in a slash, which names a directory: point it at a file in that directory, such as ${dir}/kpi.sqlite`);
    expect(existsSync(dir)).toBe(false);
  }, 60_000);

  it('npm start with a DATABASE_PATH starting with ~ (written in an env file, which no shell expands): exit 2, saying to write the home directory out, and no ~ directory made', async () => {
    const name = `floorboard-${process.pid}-${Date.now()}`;
    const literal = join(ROOT, '~', name);
    try {
      const r = await runEntry('api/server.ts', [], { HOST: '127.0.0.1', PORT: '0', DATABASE_PATH: `~/${name}/kpi.sqlite`, KPI_TIMEZONE: 'UTC', FLOORBOARD_SKIP_WEB_BUILD: '1' }, { stopWhenListening: true });
      expect([r.code, r.listened]).toEqual([2, false]);
      expect(r.err).toContain(`DATABASE_PATH: starts with ~, which only a shell reads as the home directory (an env file does not): write it out, such as ${join(homedir(), name, 'kpi.sqlite')}`);
      expect(existsSync(literal)).toBe(false);
    } finally {
      rmSync(literal, { recursive: true, force: true });
      if (existsSync(join(ROOT, '~')) && readdirSync(join(ROOT, '~')).length === 0) rmSync(join(ROOT, '~'), { recursive: true });
    }
  }, 60_000);

  it('npm run rebuild on a path with no database: exit 2, and no empty database made there', async () => {
    const path = scratch();
    const r = await run('api/cli/rebuild.ts', { DATABASE_PATH: path });
    expect(r.code).toBe(2);
    expect(r.err).toContain(`There is no database at ${path}`);
    expect(existsSync(path)).toBe(false);
  }, 60_000);

  it('npm run rebuild with DATABASE_PATH=:memory:: exit 2, saying there is nothing to rebuild, not "Done"', async () => {
    const r = await run('api/cli/rebuild.ts', { DATABASE_PATH: ':memory:' });
    expect([r.code, r.err]).toEqual([2, 'DATABASE_PATH is :memory:, a database no other process can read: there is nothing to rebuild; set DATABASE_PATH to the server\'s file.\n']);
    expect(r.out).not.toContain('Done');
  }, 60_000);
});
