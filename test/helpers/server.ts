// Runs the real server as a child process (tsx api/server.ts), as `npm start` would, on a free port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createToken, type Role } from '../../api/auth/credentials';
import { createRuntime } from '../../api/runtime';

const ROOT = join(import.meta.dirname, '..', '..');
export const TEST_INGEST_TOKEN = 'test-ingest-token-0123456789';

/** `runEntry`'s `prefix` that runs a command as user nobody (uid 65534), where root would ignore file modes. */
export const AS_NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

/**
 * Whether this checkout's commands can run as nobody: as root, with setpriv, in a checkout and node_modules nobody
 * may read. One cloned under /root, or under umask 077, is not: the test failed as node could not load a line of it.
 */
export function canRunAsNobody(): boolean {
  // Asked once, by the files that run a command as nobody: not a process started at every import of this module.
  return (nobodyCan ??=
    process.getuid?.() === 0 &&
    spawnSync(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), process.execPath, '-e', `for (const f of ${JSON.stringify([join(ROOT, 'api', 'server.ts'), join(ROOT, 'node_modules', 'tsx', 'package.json')])}) require('fs').accessSync(f, 4)`]).status === 0);
}
let nobodyCan: boolean | undefined;

/** Sends `events` to a running server's POST /api/events with the test ingest token: the status and the answer. */
export async function postEvents(url: string, events: unknown): Promise<{ status: number; body: { accepted?: number; duplicates?: number } }> {
  const res = await fetch(`${url}/api/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(events)
  });
  return { status: res.status, body: (await res.json()) as { accepted?: number; duplicates?: number } };
}

/**
 * NODE_OPTIONS that load `module` (a path) into a child first. Named by its file: URL, where a space is %20: NODE_OPTIONS
 * splits at spaces, and in a checkout at a path with one in it `--import <path>` was "Cannot find module '/tmp/my'".
 */
export const preloading = (module: string): string => `--import ${pathToFileURL(module).href}`;

/** `words` as one command line for a shell (script(1) hands its command to one): each quoted, spaces in paths and all. */
export const shellCommand = (words: string[]): string => words.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ');

/** The product's settings (README, Configuration): a command a test runs takes them from the test alone. */
const SETTINGS = ['PORT', 'HOST', 'DATABASE_PATH', 'KPI_TIMEZONE', 'INGEST_TOKEN', 'ADMIN_PASSWORD', 'LIVE_MAX_CLIENTS'];

/**
 * This process's environment less the product's settings. Exported where the tests ran (an operator's env file),
 * they were every test command's: LIVE_MAX_CLIENTS=1 left a wall test's second page waiting for a connection, an
 * INGEST_TOKEN made a start say its token had changed.
 */
function inherited(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of SETTINGS) delete env[name];
  return env;
}

/** A port no one listens on: any, or one of `TEST_PORTS` ("44000-44099") on a machine that allows tests only those. */
export async function freePort(): Promise<number> {
  const range = /^(\d+)-(\d+)$/.exec(process.env.TEST_PORTS ?? '');
  if (!range) return listenOnce(0);
  const [low, high] = [Number(range[1]), Number(range[2])];
  for (let tries = 0; tries < 200; tries++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    const free = await listenOnce(port).catch(() => null);
    if (free !== null) return free;
  }
  throw new Error(`No free port in TEST_PORTS=${process.env.TEST_PORTS}`);
}

function listenOnce(wanted: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(wanted, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Runs an entry point (`api/...ts`) to its end, as the npm scripts do: node with the tsx loader, in the project
 * root. `prefix` runs it through another command (`setpriv …`, to run as another user); with `stopWhenListening`, a
 * server that gets as far as listening is sent SIGTERM at once, and `listened` says it did; `killWhen` sends the
 * signal it resolves to.
 */
export function runEntry(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
  opts: { prefix?: string[]; stopWhenListening?: boolean; killWhen?: Promise<NodeJS.Signals> } = {}
): Promise<{ code: number | null; out: string; err: string; listened: boolean }> {
  const [cmd, ...rest] = [...(opts.prefix ?? []), process.execPath, '--import', 'tsx', join(ROOT, script), ...args];
  const proc = spawn(cmd!, rest, { cwd: ROOT, env: { ...inherited(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let listened = false;
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (opts.stopWhenListening && !listened && out.includes('listening on')) {
      listened = true;
      proc.kill('SIGTERM');
    }
  });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  void opts.killWhen?.then((signal) => proc.kill(signal));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, out, err, listened })));
}

export interface RunningServer {
  url: string;
  port: number;
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * A fixed-offset zone where it is now about noon: a browser test that seeds "today" with events minutes old
 * finds them all in today whenever it runs, where in UTC a run just after midnight put some in yesterday.
 */
export function middayZone(now = Date.now()): string {
  let offset = 12 - new Date(now).getUTCHours();
  if (offset < -12) offset += 24;
  // Etc/GMT's signs are POSIX's, the other way round: Etc/GMT-8 is 8 hours ahead of UTC.
  return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** Why `startServer` gave up, after it stopped the server and everything in its process group: `pid`, the server's, is gone. */
export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly pid: number | undefined
  ) {
    super(message);
  }
}

/** Signals a process dies of by itself: a native crash, or an abort. */
const CRASH_SIGNALS = new Set<string>(['SIGBUS', 'SIGSEGV', 'SIGABRT', 'SIGILL', 'SIGFPE']);

/** The process groups of servers started here and not yet exited: killed should this test process be stopped first. */
const running = new Set<number>();
let guarded = false;

/** SIGKILL to every process in `pid`'s group (a group no process is in any more is no fault). */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left in it.
  }
}

/**
 * A server is the leader of a process group of its own, so that a failed start can stop it with all it started; the
 * cost is that a Ctrl-C at the terminal no longer reaches it. So this process kills the groups still running as it
 * exits, or when a signal stops it (vitest stops a worker with SIGTERM), then lets the signal do what it would have.
 */
function guardAgainstOrphans(): void {
  if (guarded) return;
  guarded = true;
  const killAll = () => [...running].forEach(killGroup);
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
}

/**
 * Starts api/server.ts and resolves once it says it is listening. A start that fails (the server exits first, cannot
 * be spawned, or is not listening within `startTimeoutMs`) kills the server's whole process group, waits for the
 * server to be gone, and only then rejects with a ServerStartError that says so: a slow CI run left one running.
 */
export async function startServer(opts: {
  dbPath: string;
  port?: number;
  env?: Record<string, string>;
  args?: string[];
  startTimeoutMs?: number;
}): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  let out = '';
  // One process (node with the tsx loader), not the tsx CLI: the CLI runs the server in a child process, and a
  // SIGKILL of the CLI would leave that child running.
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'api', 'server.ts'), ...(opts.args ?? [])], {
    cwd: ROOT,
    env: {
      ...inherited(),
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: opts.dbPath,
      INGEST_TOKEN: TEST_INGEST_TOKEN,
      ADMIN_PASSWORD: 'test-admin-password',
      KPI_TIMEZONE: 'UTC',
      FLOORBOARD_SKIP_WEB_BUILD: '1',
      ...opts.env
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  });
  const pid = proc.pid;
  if (pid !== undefined) {
    guardAgainstOrphans();
    running.add(pid);
  }
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      if (pid !== undefined) running.delete(pid);
      resolve(code);
    })
  );
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const failure = await new Promise<string | null>((resolve) => {
    const done = (why: string | null) => {
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      resolve(why);
    };
    const timer = setTimeout(() => done(`server did not start in ${timeoutMs / 1000} s`), timeoutMs);
    const onData = () => out.includes('listening on') && done(null);
    proc.stdout!.on('data', onData);
    proc.once('error', (error) => done(`server could not be started (${error.message})`));
    void exited.then((code) => done(`server exited with ${code ?? proc.signalCode} before listening`));
  });
  if (failure !== null) {
    let stopped = 'it was never started';
    if (pid !== undefined) {
      const alive = proc.exitCode === null && proc.signalCode === null;
      // The server's group, whatever it started too (a build, a helper process), even where the server itself has exited.
      killGroup(pid);
      if (alive) await exited;
      stopped = `killed its process group ${pid}${alive ? ' (the server and all it started) and waited for the server to exit' : ' (all the exited server started)'}`;
    }
    throw new ServerStartError(`${failure}; ${stopped}:\n${out}`, pid);
  }
  // A server that dies under a test (a native crash, an uncaught error) says only ECONNREFUSED to the next request:
  // its own output, in the test's stderr, says what it was.
  void exited.then((code) => {
    const crashed = proc.signalCode !== null && CRASH_SIGNALS.has(proc.signalCode);
    if (crashed || code === 1) process.stderr.write(`The server on port ${port} ended by itself (${proc.signalCode ?? `exit ${code}`}); what it wrote:\n${out}\n`);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    proc,
    output: () => out,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    }
  };
}

/** Puts a token of `role` into a database file before a server opens it (the server only prints its own once). */
export function seedToken(dbPath: string, role: Role): string {
  const rt = createRuntime({ DATABASE_PATH: dbPath });
  const token = createToken(rt.db, role, `test ${role}`, Date.now());
  rt.db.$client.close();
  return token;
}
