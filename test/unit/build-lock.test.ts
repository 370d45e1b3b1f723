// The lock that lets one dashboard build run at a time (api/web-build.ts): a start waits while another live
// process builds, and takes over at once from one that died holding it (killed outright, say), instead of
// waiting minutes for nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lock } from '../../api/web-build';

const scratchLock = () => join(mkdtempSync(join(tmpdir(), 'floorboard-lock-')), 'build.lock');

describe('the dashboard build lock', () => {
  it('is taken at once from a holder that has died, and released whole', async () => {
    const path = scratchLock();
    // A process that has exited: its pid names no one (or, at worst, someone else's new process).
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim();
    writeFileSync(path, dead);
    const started = Date.now();
    const release = await lock(path);
    expect(Date.now() - started).toBeLessThan(2_000);
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
});
