// The dashboard build that `npm start` runs when build/ is missing or older than web/: two starts at once
// build once and serve one whole site; a start stopped during its build stops the build too and leaves the
// site it had. (A site mixing two builds' files loads as a blank page on the wall.)
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ensureDashboardBuilt } from '../../api/web-build';
import { AS_NOBODY, canRunAsNobody, freePort, preloading } from '../helpers/server';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every script and stylesheet index.html names, missing from `site`. */
function missingAssets(site: string): string[] {
  const html = readFileSync(join(site, 'index.html'), 'utf8');
  return [...html.matchAll(/"\/(_app\/[^"]+)"/g)].map((m) => m[1]).filter((f) => !existsSync(join(site, f)));
}

/** Processes still building for `site` (their environment names its build directory); Linux's /proc only. */
function buildsRunningFor(site: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`FLOORBOARD_BUILD_DIR=${site}.building-`)) pids.push(Number(pid));
    } catch {}
  }
  return pids;
}

const leftovers = (site: string) => readdirSync(dirname(site)).filter((n) => n.startsWith(`${basename(site)}.building-`));

/**
 * A process that does what `npm start` does first: ensures `site` is built. Its output is gathered in `out`, its
 * errors in `err`; `env` is added to its environment, and `prefix` runs it through another command (`setpriv …`).
 */
function startFor(site: string, opts: { env?: Record<string, string>; prefix?: string[] } = {}) {
  const script = join(dirname(site), 'start.mts');
  writeFileSync(script, `import { ensureDashboardBuilt } from ${JSON.stringify(join(ROOT, 'api', 'web-build.ts'))};\nawait ensureDashboardBuilt(${JSON.stringify(site)});\n`);
  // Readable by the user `prefix` runs it as: under umask 077 (root's, on some machines) it was root's alone.
  chmodSync(script, 0o644);
  const [cmd, ...args] = [...(opts.prefix ?? []), process.execPath, '--import', 'tsx', script];
  const proc = spawn(cmd!, args, { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { proc, out: '', err: '', exit: new Promise<number | string | null>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal))) };
  proc.stdout.on('data', (d) => (run.out += d));
  proc.stderr.on('data', (d) => (run.err += d));
  return run;
}

/** Preloaded, it has the start's `vite build` wait a minute before it begins. */
const SLOW_BUILD = { NODE_OPTIONS: preloading(join(ROOT, 'test', 'helpers', 'slow-build.mjs')) };
const scratchSite = () => join(mkdtempSync(join(tmpdir(), 'floorboard-site-')), 'build');

describe('the dashboard build at start', () => {
  it('two starts at once build once, and both serve one whole site', async () => {
    const site = scratchSite();
    const starts = [startFor(site), startFor(site)];
    expect(await Promise.all(starts.map((s) => s.exit))).toEqual([0, 0]);
    expect(starts.filter((s) => s.out.includes('Building the dashboard'))).toHaveLength(1);
    expect(missingAssets(site)).toEqual([]);
    expect(leftovers(site)).toEqual([]);
  }, 180_000);

  it('says nothing of `npm run preview` at a start, which goes on to serve what it built', async () => {
    const start = startFor(scratchSite());
    expect(await start.exit).toBe(0);
    expect(start.out).toContain('Building the dashboard');
    expect(start.out).not.toContain('npm run preview');
  }, 180_000);

  it.skipIf(!existsSync('/proc/self/environ'))('a start stopped during its build stops the build and keeps the site it had', async () => {
    const site = scratchSite();
    expect(await ensureDashboardBuilt(site)).toBe(site);
    const before = readFileSync(join(site, 'index.html'), 'utf8');
    // Older than web/: the next start builds again.
    utimesSync(join(site, 'index.html'), new Date(0), new Date(0));
    const start = startFor(site, { env: SLOW_BUILD });
    await vi.waitFor(() => expect(buildsRunningFor(site).length).toBeGreaterThan(0), { timeout: 60_000, interval: 100 });
    start.proc.kill('SIGTERM');
    expect(await start.exit).toBe(143);
    expect(start.out).toContain('Building the dashboard');
    await vi.waitFor(() => expect(buildsRunningFor(site)).toEqual([]), { timeout: 5_000, interval: 100 });
    expect(readFileSync(join(site, 'index.html'), 'utf8')).toBe(before);
    expect(missingAssets(site)).toEqual([]);
    expect(leftovers(site)).toEqual([]);
    expect(existsSync(join(ROOT, 'build.lock')), 'the lock is released').toBe(false);
  }, 180_000);
  // Once vite had exited the start put its signal handlers away, then removed its work directory (the old site moved
  // into it, hundreds of files) and released the lock: a SIGTERM then ended it by the default action, leaving a
  // build.building-* directory for ever and build.lock behind.
  it('a start stopped while it removes its build\'s work directory still removes it, releases the lock and exits 143', async () => {
    const site = scratchSite();
    lastBuild(site);
    const marker = join(dirname(site), 'holding');
    const env = { NODE_OPTIONS: preloading(join(ROOT, 'test', 'helpers', 'hold-work-removal.mjs')), HOLD_WORK_REMOVAL_MARKER: marker, HOLD_WORK_REMOVAL_MS: '3000' };
    const start = startFor(site, { env });
    await vi.waitFor(() => expect(existsSync(marker), start.err).toBe(true), { timeout: 60_000, interval: 20 });
    start.proc.kill('SIGTERM');
    expect(await start.exit).toBe(143);
    // Either whole site: the one it had, or the one just built.
    expect(['<!doctype html>', '<!doctype html><title>new</title>']).toContain(readFileSync(join(site, 'index.html'), 'utf8'));
    expect(leftovers(site)).toEqual([]);
    expect(existsSync(join(ROOT, 'build.lock')), 'the lock is released').toBe(false);
  }, 90_000);
});

/** Preloaded, it has the start's `vite build` fail at once. */
const FAIL_BUILD = { NODE_OPTIONS: preloading(join(ROOT, 'test', 'helpers', 'fail-build.mjs')) };
/** `site` as an earlier build left it, older than web/: a start builds it again. */
function lastBuild(site: string): void {
  mkdirSync(site);
  writeFileSync(join(site, 'index.html'), '<!doctype html>');
  utimesSync(join(site, 'index.html'), new Date(0), new Date(0));
}

// It said "The dashboard build failed; the API still runs. Run `npm run build` to see why." whether a dashboard was
// served or none, after the build's errors; and a checkout this user may not write ended the start in a stack trace.
describe('a start whose dashboard build fails', () => {
  it('says so, whether it serves the last build or no dashboard, and what to do', async () => {
    const none = startFor(scratchSite(), { env: FAIL_BUILD });
    const site = scratchSite();
    lastBuild(site);
    const last = startFor(site, { env: FAIL_BUILD });
    expect(await Promise.all([none.exit, last.exit])).toEqual([0, 0]);
    expect(none.err).toContain(
      'The dashboard could not be built: vite build failed (its errors are above). The API runs without it (the wall and the start page say it is not built); mend what they name (npm run build shows them again), then restart the server.\n'
    );
    expect(last.err).toContain(
      'The dashboard could not be built: vite build failed (its errors are above). The server goes on with the last build, which lacks what changed in web/ since; mend what they name (npm run build shows them again), then restart the server.\n'
    );
    expect(readFileSync(join(site, 'index.html'), 'utf8')).toBe('<!doctype html>');
  }, 60_000);

  /**
   * Whether this runs as root in a checkout user nobody may read but not write, as a service user meets one. One
   * nobody may not read either (cloned under umask 077) was taken for it, and the start failed on its own files.
   */
  const checkoutNotNobodys =
    canRunAsNobody() && spawnSync(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), process.execPath, '-e', `fs.accessSync(${JSON.stringify(ROOT)}, fs.constants.W_OK)`]).status === 1;
  it.skipIf(!checkoutNotNobodys)('says, in a checkout this user may not write, what to do, and serves the last build: no stack trace', async () => {
    const dir = realpathSync(mkdtempSync('/tmp/floorboard-build-nobody-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const site = join(dir, 'build');
    lastBuild(site);
    for (const path of [dir, site, join(site, 'index.html')]) chownSync(path, 65534, 65534);
    const start = startFor(site, { prefix: AS_NOBODY, env: { HOME: dir, TMPDIR: dir } });
    expect(await start.exit).toBe(0);
    expect(start.err).toBe(
      `The dashboard could not be built: this user may not write in ${ROOT} (EACCES). The server goes on with the last build, which lacks what changed in web/ since; run npm run build as a user who may (the checkout's owner), then restart the server.\n`
    );
  }, 60_000);
});

describe('npm run preview', () => {
  // `npm run build` ends with SvelteKit's "Run npm run preview to preview your production build locally".
  it('which `npm run build` says to run, serves the built dashboard', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floorboard-preview-'));
    const port = await freePort();
    const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'kpi.sqlite'), KPI_TIMEZONE: 'UTC', ADMIN_PASSWORD: 'preview-password' };
    const proc = spawn('npm', ['run', 'preview'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    let exited = false;
    const exit = new Promise((resolve) => proc.once('exit', resolve)).finally(() => (exited = true));
    try {
      await vi.waitFor(() => expect(exited || out.includes('listening on'), out).toBe(true), { timeout: 180_000, interval: 100 });
      expect(out).toContain('listening on');
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/_app/immutable/');
    } finally {
      proc.kill('SIGTERM');
      await exit;
    }
  }, 240_000);
});
