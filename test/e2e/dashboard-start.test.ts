// A browser test whose server does not start leaves no Chromium behind: startDashboard launched it first, and its
// file's afterAll had no browser to close, as startDashboard never returned it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDashboard } from '../helpers/dashboard';
import { preloading } from '../helpers/server';

/** The pids of this process's children still running (not zombies) whose command is `name`. */
function children(name: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [, comm, rest] = /^\d+ \((.*)\) (.*)$/s.exec(stat) ?? [];
      const [state, ppid] = (rest ?? '').split(' ');
      if (Number(ppid) === process.pid && state !== 'Z' && comm?.startsWith(name)) found.push(Number(entry));
    } catch {
      // Gone while read.
    }
  }
  return found;
}

describe('a browser test whose server does not start', () => {
  it('closes the browser it launched before it rejects', async () => {
    expect(children('chrom')).toEqual([]);
    const started = startDashboard({ NODE_OPTIONS: preloading(join(import.meta.dirname, '..', 'helpers', 'never-listen.mjs')), NEVER_LISTEN: 'exit' });
    await expect(started).rejects.toThrow(/^server exited with 3 before listening/);
    expect(children('chrom')).toEqual([]);
  });
});
