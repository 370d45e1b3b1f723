// The lock that lets one dashboard build run at a time (api/web-build.ts): a start waits while another live
// process builds, and takes over at once from one that died holding it (killed outright, say), instead of
// waiting minutes for nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { lock, takeOver } from '../../api/web-build';

const scratchLock = () => join(mkdtempSync(join(tmpdir(), 'floorboard-lock-')), 'build.lock');
/** The pid of a process that has exited: it names no one (or, at worst, someone else's new process). */
const deadPid = () => spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim();

describe('the dashboard build lock', () => {
  it('is taken at once from a holder that has died, and released whole', async () => {
    const path = scratchLock();
    writeFileSync(path, deadPid());
    // At once: before any wait for a live holder (a timer, which never fires here) could end.
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    let release!: () => void;
    try {
      void lock(path).then((r) => (release = r));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      vi.useRealTimers();
    }
    expect(release).toBeDefined();
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(path)).toBe(false);
  });

  it('waits while a live process holds it, and is taken once that one releases it', async () => {
    const path = scratchLock();
    const first = await lock(path);
    let second: (() => void) | null = null;
    const waiting = lock(path).then((release) => (second = release));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(second).toBeNull();
    first();
    await waiting;
    expect(second).not.toBeNull();
    second!();
  });

  it('is not taken from a second waiter that took over the same dead holder first', () => {
    const path = scratchLock();
    const dead = deadPid();
    writeFileSync(path, dead);
    // Two builds waited on the dead holder and both judged it so. The first removes its file and makes its own…
    expect(takeOver(path, dead)).toBe(true);
    writeFileSync(path, '4242', { flag: 'wx' });
    // …and the second, a moment late, leaves the first's lock where it is: two builds would share .svelte-kit/.
    expect(takeOver(path, dead)).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe('4242');
    expect(readdirSync(dirname(path))).toEqual(['build.lock']);
  });

  it('is released only while its file is the holder\'s own', async () => {
    const path = scratchLock();
    const release = await lock(path);
    // Another start waited past its limit and took the lock over: this holder's release must spare it.
    expect(takeOver(path, String(process.pid))).toBe(true);
    writeFileSync(path, '4242', { flag: 'wx' });
    release();
    expect(readFileSync(path, 'utf8')).toBe('4242');
  });
});
