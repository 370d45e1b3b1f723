// `npm start` must work right after `npm install`: build the dashboard when build/ is missing or older than web/
// (or the build's configuration).
//
// A build writes into a directory of its own and is moved into place whole once it succeeded, so a build
// that is cut short never leaves half a site (index.html naming files another build wrote) to be served. One
// build runs at a time (a lock file): two servers, or two test files, starting together share the first's
// result. A signal that ends this process ends its build too, instead of leaving it writing behind a restart.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, linkSync, mkdtempSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = join(ROOT, 'build');
/** What the site is built from: its code, and the build's own configuration (svelte.config.js writes the page's CSP). */
const SOURCES = [join(ROOT, 'web'), join(ROOT, 'api', 'live'), join(ROOT, 'api', 'kpi'), join(ROOT, 'svelte.config.js'), join(ROOT, 'vite.config.ts')];
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
/** One lock for every build of this checkout, whatever its target: they all write through .svelte-kit/. */
const LOCK = join(ROOT, 'build.lock');
/** How long a start waits for another process's build before building itself. */
const LOCK_WAIT_MS = 180_000;

/** The newest change to a file, or to any file in a directory. */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Whether `site` is missing or older than any of `sources` (files or directories). */
export function isStale(site: string, sources = SOURCES): boolean {
  const index = join(site, 'index.html');
  return !existsSync(index) || sources.filter(existsSync).some((d) => newestMtime(d) > statSync(index).mtimeMs);
}

/** `site` (default build/), built first if missing or older than its sources; undefined when there is none to serve. */
export async function ensureDashboardBuilt(site = BUILD): Promise<string | undefined> {
  if (!isStale(site)) return site;
  if (process.env.FLOORBOARD_SKIP_WEB_BUILD) return existsSync(join(site, 'index.html')) ? site : undefined;
  // A checkout this user may not write (another user's, pulled since the last build) ended the start in an EACCES
  // stack trace: the lock, the build's directory and .svelte-kit/ are all written in it.
  const writeRefused = (err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') throw err;
    return notBuilt(`this user may not write in ${ROOT} (${code})`, 'run npm run build as a user who may (the checkout\'s owner), then restart the server', site);
  };
  const release = await lock(LOCK).catch((err: unknown) => writeRefused(err));
  if (typeof release !== 'function') return release;
  return stoppable(async (onStop) => {
    onStop(release);
    try {
      // Another process may have built it while this one waited for the lock.
      if (!isStale(site)) return site;
      // What a build killed outright (SIGKILL) left behind: only the lock's holder builds, so none is in use.
      for (const name of readdirSync(dirname(site))) if (name.startsWith(`${basename(site)}.building-`)) rmSync(join(dirname(site), name), { recursive: true, force: true });
      // Vite is a development dependency: `npm install --omit=dev` leaves it out, and `npm run build` cannot run either.
      if (!existsSync(VITE)) return notBuilt('Vite, which builds it, is not installed (npm install --omit=dev leaves it out)', 'run npm install, then restart the server', site);
      console.log('Building the dashboard (first start or web/ changed)…');
      const built = await buildInto(site, onStop).catch((err: unknown) => writeRefused(err));
      if (built === true) return site;
      if (built === false) return notBuilt('vite build failed (its errors are above)', 'mend what they name (npm run build shows them again), then restart the server', site);
      return built;
    } finally {
      release();
    }
  });
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `run`; a signal meanwhile runs the steps it gave `onStop` (the last given first) and ends this process with
 * 128+n. The handlers stay until `run` has removed its work directory and released the lock: put away before, a
 * signal during that removal (hundreds of files) ended the process by the default action, leaving both behind.
 */
async function stoppable<T>(run: (onStop: (step: () => void) => void) => Promise<T>): Promise<T> {
  const steps: (() => void)[] = [];
  const stop = (signal: NodeJS.Signals) => {
    for (const step of steps.reverse())
      try {
        step();
      } catch {
        // A step that fails must not keep the later ones (the lock's release) from running.
      }
    process.exit(128 + constants.signals[signal]);
  };
  // `on`, not `once`: a second Ctrl-C while the first is handled would otherwise end the process by the default action.
  for (const s of SIGNALS) process.on(s, stop);
  try {
    return await run((step) => steps.push(step));
  } finally {
    // A signal that came during run's last synchronous steps waits in the event loop's poll phase. This may be in
    // that phase (after vite's exit): one immediate ends it unpolled, a second goes once round the loop, polling.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    for (const s of SIGNALS) process.off(s, stop);
  }
}

/**
 * Says that the dashboard could not be built, why, what is served instead, and `todo`; the site to serve. Said
 * only "the API still runs", a start that served the last build read as one that served none, and the other way.
 */
function notBuilt(why: string, todo: string, site: string): string | undefined {
  const last = existsSync(join(site, 'index.html'));
  const serving = last
    ? 'The server goes on with the last build, which lacks what changed in web/ since'
    : 'The API runs without it (the wall and the start page say it is not built)';
  console.error(`The dashboard could not be built: ${why}. ${serving}; ${todo}.`);
  return last ? site : undefined;
}

/**
 * Runs `vite build` into a fresh directory beside `site`, then puts it in place of `site`; whether it succeeded.
 * A signal meanwhile ends the build and removes that directory (`onStop`).
 */
async function buildInto(site: string, onStop: (step: () => void) => void): Promise<boolean> {
  const work = mkdtempSync(`${site}.building-`);
  onStop(() => rmSync(work, { recursive: true, force: true }));
  const fresh = join(work, 'site');
  const child = spawn(process.execPath, [VITE, 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: ['inherit', 'pipe', 'inherit'],
    // Vite builds for development when NODE_ENV says so (vitest sets "test"): Svelte's dev runtime, about three
    // times the wall's CPU on every live update, served by the next `npm start` as well.
    env: { ...process.env, NODE_ENV: 'production', FLOORBOARD_BUILD_DIR: fresh }
  });
  forwardBuildLog(child.stdout!);
  onStop(() => child.kill('SIGTERM'));
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve).once('error', () => resolve(null)));
    if (code !== 0) return false;
    // The old site steps aside and the new one takes its name: two renames, never a half-written directory.
    if (existsSync(site)) renameSync(site, join(work, 'old'));
    renameSync(fresh, site);
    return true;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The build's output, shown as it comes, less SvelteKit's "Run npm run preview to preview your production build
 * locally.": a start builds only to serve the build itself, so an operator told at first start to run another command
 * would be sent the wrong way.
 */
function forwardBuildLog(out: NodeJS.ReadableStream): void {
  let partial = '';
  const show = (line: string) => {
    if (!line.replace(/\x1b\[[0-9;]*m/g, '').includes('npm run preview')) process.stdout.write(`${line}\n`);
  };
  out.setEncoding('utf8');
  out.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    lines.forEach(show);
  });
  out.on('end', () => partial && show(partial));
}

/** Takes the lock file at `path` (its holder's pid inside), waiting while a live process holds it; returns its release. */
export async function lock(path: string): Promise<() => void> {
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let held = true;
      // Only this holder's file: one that took over meanwhile (this process seemed dead, or waited too long) keeps its own.
      return () => {
        if (held && readLock(path) === String(process.pid)) rmSync(path, { force: true });
        held = false;
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = lockHolder(path);
    if (holder === 'gone') continue;
    if (holder.dead || Date.now() > until) takeOver(path, holder.pid);
    else await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Removes the lock file at `path` if it is still the one held by `pid`, judged dead (or waited for too long).
 * Two waiters may judge the same dead holder: the first removes its file and takes the lock, and the second must
 * not remove the first's. So the file is moved aside (one rename, which only one of them can make), and put back
 * should it be another holder's; whether it was removed.
 */
export function takeOver(path: string, pid: string): boolean {
  const aside = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(path, aside);
  } catch {
    return false; // gone already: another waiter took it over
  }
  const mine = readLock(aside) === pid;
  if (!mine)
    try {
      linkSync(aside, path);
    } catch {
      // A third process made a lock meanwhile; the one moved aside is lost, and its holder's release spares the new one.
    }
  rmSync(aside, { force: true });
  return mine;
}

/** The pid written in the lock file at `path`, '' while its maker has not yet written it; null when there is none. */
function readLock(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Who holds the lock file at `path`: a live process, one that died holding it, or none (released meanwhile). */
function lockHolder(path: string): { pid: string; dead: boolean } | 'gone' {
  const pid = readLock(path);
  if (pid === null) return 'gone';
  // Empty: its holder has made it and not yet written its pid.
  if (!(Number(pid) > 0)) return { pid, dead: false };
  try {
    process.kill(Number(pid), 0);
    return { pid, dead: false };
  } catch (err) {
    // EPERM: alive, another user's.
    return { pid, dead: (err as NodeJS.ErrnoException).code !== 'EPERM' };
  }
}
