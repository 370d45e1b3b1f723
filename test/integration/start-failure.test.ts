// A server a test could not start is not left running: startServer kills it, and whatever it started, before it
// rejects. A slow CI run found a node process left over from a start that timed out, its test long failed.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { preloading, runEntry, ServerStartError, startServer } from '../helpers/server';

const NEVER_LISTEN = join(import.meta.dirname, '..', 'helpers', 'never-listen.mjs');

/** Whether `pid` is a process still running: a zombie, killed but not yet reaped by its parent, is not. */
function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Starts a server that never listens (see never-listen.mjs): what startServer rejected with, and the two pids it said. */
async function failedStart(mode: 'hang' | 'exit', startTimeoutMs?: number): Promise<{ error: Error; server: number; sleep: number }> {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'floorboard-start-failure-')), 'kpi.sqlite');
  const error = await startServer({ dbPath, env: { NODE_OPTIONS: preloading(NEVER_LISTEN), NEVER_LISTEN: mode }, startTimeoutMs }).then(
    () => new Error('the server started'),
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(Error);
  const [, server, sleep] = /^server (\d+) sleep (\d+)$/m.exec((error as Error).message) ?? [];
  return { error: error as Error, server: Number(server), sleep: Number(sleep) };
}

describe('a server that does not start', () => {
  it('is killed with the process it started when it does not listen in time, before the start rejects, and the error says so', async () => {
    const { error, server, sleep } = await failedStart('hang', 8_000);
    expect(server).toBeGreaterThan(0);
    expect(running(server)).toBe(false);
    // Killed with the server's group; not this process's child, it is gone once its new parent has reaped it.
    await expect.poll(() => running(sleep), { timeout: 5_000 }).toBe(false);
    expect(error).toBeInstanceOf(ServerStartError);
    expect((error as ServerStartError).pid).toBe(server);
    expect(error.message).toMatch(new RegExp(`^server did not start in 8 s; killed its process group ${server} \\(the server and all it started\\) and waited for the server to exit:`));
  });

  it('leaves nothing it started running when it exits before listening', async () => {
    const { error, server, sleep } = await failedStart('exit');
    expect(sleep).toBeGreaterThan(0);
    expect(running(server)).toBe(false);
    await expect.poll(() => running(sleep), { timeout: 5_000 }).toBe(false);
    expect(error.message).toMatch(new RegExp(`^server exited with 3 before listening; killed its process group ${server} \\(all the exited server started\\):`));
  });
});

describe('a server whose test process is stopped before it stops the server', () => {
  // The server leads a process group of its own, which a Ctrl-C at the terminal no longer reaches.
  for (const [how, signal] of [
    ['is stopped by SIGTERM, as vitest stops a worker', 'SIGTERM'],
    ['is stopped by SIGINT, as Ctrl-C stops a run', 'SIGINT'],
    ['exits', null]
  ] as const)
    it(`is killed when the process that started it ${how}`, async () => {
      const pidFile = join(mkdtempSync(join(tmpdir(), 'floorboard-hold-')), 'pid');
      let started!: (signal: NodeJS.Signals) => void;
      const killWhen = new Promise<NodeJS.Signals>((resolve) => (started = resolve));
      const waiting = setInterval(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') && signal && started(signal), 50);
      const holder = await runEntry('test/helpers/start-and-hold.ts', [], { STARTED_PID_FILE: pidFile, HOLD: signal ? 'wait' : 'exit' }, { killWhen });
      clearInterval(waiting);
      const server = Number(readFileSync(pidFile, 'utf8'));
      expect(server, holder.err).toBeGreaterThan(0);
      await expect.poll(() => running(server), { timeout: 5_000 }).toBe(false);
    });
});
