// `npm run simulate` against a real server behind a proxy that misbehaves as networks and busy servers do: a body
// limit, a rate limit, a failure in the middle of a batch.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_INGEST_TOKEN, freePort, middayZone, runEntry, shellCommand, startServer, type RunningServer } from '../helpers/server';

/** Resolves once `cond` holds, polling. */
const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
};

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ dbPath: join(mkdtempSync(join(tmpdir(), 'floorboard-simulate-net-')), 'kpi.sqlite') });
});
afterAll(() => server?.kill());

/** What the proxy answers itself, or undefined to hand the POST on to the server. */
type Refusal = { status: number; headers?: Record<string, string>; body: string } | undefined;

/**
 * A proxy in front of the server: `refuse` sees each POST's body and ids first. Every event the server acknowledged
 * is in `acknowledged`, and `resent` lists the POSTs made mostly of events it had already acknowledged (the
 * simulator sends 1 % of its events twice on purpose, each a while after the first, never most of a POST).
 */
async function proxy(refuse: (body: string, ids: string[]) => Refusal) {
  const acknowledged = new Set<string>();
  const resent: number[] = [];
  const posts: string[][] = [];
  /** POSTs not yet answered, and when the last answer went out. */
  let open = 0;
  let lastAnswer = 0;
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    open++;
    res.on('close', () => {
      open--;
      lastAnswer = Date.now();
    });
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const ids = (JSON.parse(body) as { id: string }[]).map((e) => e.id);
      posts.push(ids);
      const refusal = refuse(body, ids);
      if (refusal) return res.writeHead(refusal.status, { 'content-type': 'application/json', ...refusal.headers }).end(refusal.body);
      void fetch(`${server.url}/api/events`, { method: 'POST', headers: { authorization: req.headers.authorization ?? '', 'content-type': 'application/json' }, body }).then(async (answer) => {
        const text = await answer.text();
        if (answer.ok) {
          if (ids.length > 4 && ids.filter((id) => acknowledged.has(id)).length > ids.length / 2) resent.push(ids.length);
          for (const id of ids) acknowledged.add(id);
        }
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
      });
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  /**
   * Whether the simulator is between tries: nothing in flight, and the last answer out `ms` ago (it tries again 2 s
   * after a failure). A stop while a refused POST's answer was on its way gave that batch up, as the server's.
   */
  const idleFor = (ms: number) => open === 0 && lastAnswer > 0 && Date.now() - lastAnswer >= ms;
  return { url: `http://127.0.0.1:${port}`, acknowledged, resent, posts, idleFor, close: () => http.close() };
}

/** A proxy whose server is away (503, no Retry-After) until `back()`; the ids it refused meanwhile are in `refused`. */
async function awayProxy() {
  let away = true;
  const refused = new Set<string>();
  const p = await proxy((_body, ids) => {
    if (!away) return undefined;
    for (const id of ids) refused.add(id);
    return { status: 503, body: '{"error":"unavailable"}' };
  });
  return Object.assign(p, { refused, back: () => void (away = false) });
}

/** `npm run simulate` streaming 200 events/s to `url`, its output piped to the test. */
function streaming(url: string) {
  return spawn(process.execPath, ['--import', 'tsx', 'api/cli/simulate.ts', '--url', url, '--token', TEST_INGEST_TOKEN, '--rate', '200'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { ...process.env, INGEST_TOKEN: '', KPI_TIMEZONE: middayZone() },
    stdio: ['ignore', 'pipe', 'pipe']
  });
}

/** The simulator, backfilling from midnight in a zone where it is about noon (thousands of events, in batches of 500). */
async function backfill(url: string, extra: string[] = []) {
  const r = await runEntry('api/cli/simulate.ts', ['--url', url, '--token', TEST_INGEST_TOKEN, '--rate', '0.5', '--backfill', '--duration', '1', ...extra], {
    INGEST_TOKEN: '',
    KPI_TIMEZONE: middayZone()
  });
  return { code: r.code, out: r.out + r.err };
}

describe('npm run simulate over a bad network', () => {
  it('after a 413 split a batch, a failure of a later part sends again only what the server has not acknowledged', async () => {
    const LIMIT = 16_384;
    let failedOnce = false;
    const p = await proxy((body, ids) => {
      if (Buffer.byteLength(body) > LIMIT) return { status: 413, body: '{"error":"too large"}' };
      // The second part of the first split batch: its first part was taken.
      if (!failedOnce && p.acknowledged.size > 0 && !ids.some((id) => p.acknowledged.has(id))) {
        failedOnce = true;
        return { status: 503, headers: { 'retry-after': '1' }, body: '{"error":"unavailable"}' };
      }
      return undefined;
    });
    try {
      const r = await backfill(p.url);
      expect(r.code, r.out).toBe(0);
      expect(failedOnce, r.out).toBe(true);
      expect(r.out).toMatch(/sending batches of 250/);
      // The part the server took was sent again with the part it had not (and counted as sent and as duplicates twice).
      expect(p.resent, r.out).toEqual([]);
    } finally {
      p.close();
    }
  }, 90_000);

  for (const status of [429, 503])
    it(`waits as long as a ${status}'s Retry-After asks before sending again, rather than every 2 s`, async () => {
      // A rate limiter in front of the server that asks for two minutes' rest: asked again sooner, many lengthen the ban.
      const p = await proxy(() => (p.posts.length === 1 ? { status, headers: { 'retry-after': '120' }, body: '{"error":"slow down"}' } : undefined));
      try {
        const r = await runEntry('api/cli/simulate.ts', ['--url', p.url, '--token', TEST_INGEST_TOKEN, '--rate', '50', '--duration', '5'], {
          INGEST_TOKEN: '',
          KPI_TIMEZONE: middayZone()
        });
        const out = r.out + r.err;
        expect(out).toMatch(new RegExp(`will retry: ${status} .*waiting 120 s .*Retry-After`));
        expect(p.posts.length, out).toBe(1);
        // Stopped (--duration) while it waits: at once, saying nothing was delivered.
        expect(r.code, out).toBe(1);
        expect(out).toMatch(/done: sent 0 /);
      } finally {
        p.close();
      }
    }, 60_000);

  // SIGHUP is the terminal it runs in closing: it ended the process at once, and what it held was lost unsaid.
  for (const signal of ['SIGTERM', 'SIGHUP'] as const)
    it(`on ${signal} sends the server what it holds, made while the server did not take it, and says it is stopping`, async () => {
      // The server is away (503 with no Retry-After: tried again every 2 s) and is back as the simulator is stopped.
      const p = await awayProxy();
      try {
        let stop!: (signal: NodeJS.Signals) => void;
        const killWhen = new Promise<NodeJS.Signals>((resolve) => (stop = resolve));
        const run = runEntry('api/cli/simulate.ts', ['--url', p.url, '--token', TEST_INGEST_TOKEN, '--rate', '200'], { INGEST_TOKEN: '', KPI_TIMEZONE: middayZone() }, { killWhen });
        // Three tries refused: a few seconds of events held.
        await until(() => p.posts.length >= 3 && p.idleFor(500));
        p.back();
        stop(signal);
        const r = await run;
        const out = r.out + r.err;
        expect(out).toMatch(/stopping: sending the \d+ events? it holds/);
        // Events made and held were dropped at the stop, never sent: the wall never showed the last seconds' tickets.
        expect([...p.refused].filter((id) => !p.acknowledged.has(id)).length, out).toBe(0);
        expect(p.refused.size, out).toBeGreaterThan(0);
        expect(r.code, out).toBe(0);
        expect(out).not.toMatch(/not acknowledged/);
      } finally {
        p.close();
      }
    }, 60_000);

  it('stopped while it holds events, and the server then refuses its token, asks once, and counts all it held as not acknowledged', async () => {
    // The server is away (503), then back with another INGEST_TOKEN as the simulator is stopped.
    let answer = 503;
    const p = await proxy(() => ({ status: answer, body: '{"error":"no"}' }));
    try {
      let stop!: (signal: NodeJS.Signals) => void;
      const killWhen = new Promise<NodeJS.Signals>((resolve) => (stop = resolve));
      const run = runEntry('api/cli/simulate.ts', ['--url', p.url, '--token', TEST_INGEST_TOKEN, '--rate', '1000'], { INGEST_TOKEN: '', KPI_TIMEZONE: middayZone() }, { killWhen });
      await until(() => p.posts.length >= 2 && p.idleFor(500));
      answer = 401;
      stop('SIGTERM');
      const r = await run;
      const out = r.out + r.err;
      const held = Number(/stopping: sending the (\d+) events it holds/.exec(out)?.[1]);
      expect(held, out).toBeGreaterThan(500);
      // Each batch it held was sent to be refused in turn, a "401 … check --token" line each.
      expect(out.match(/401 from/g)?.length, out).toBe(1);
      expect(out).toContain(`not acknowledged ${held}`);
      expect(r.code, out).toBe(1);
    } finally {
      p.close();
    }
  }, 60_000);

  it('in a terminal that closes (SIGHUP, then every line it writes fails EIO), sends the server what it holds', async () => {
    const p = await awayProxy();
    try {
      // util-linux's script runs it in a terminal of its own, which goes when script is killed, as an SSH session's does.
      // Through exec: script runs $SHELL -c, or with SHELL unset (CI) dash, which keeps itself as the simulator's
      // parent, died at the hangup at once, and was taken for the simulator, checked before it had sent what it held.
      // SHELL is /bin/sh's, as CI's: a service account's (/usr/sbin/nologin) ran nothing, and the test waited 60 s.
      const command = `exec ${shellCommand([process.execPath, '--import', 'tsx', 'api/cli/simulate.ts', '--url', p.url, '--token', TEST_INGEST_TOKEN, '--rate', '200'])}`;
      const terminal = spawn('script', ['-qfec', command, '/dev/null'], {
        cwd: join(import.meta.dirname, '..', '..'),
        env: { ...process.env, SHELL: '/bin/sh', INGEST_TOKEN: '', KPI_TIMEZONE: middayZone() },
        stdio: ['pipe', 'pipe', 'pipe']
      });
      terminal.stdout.resume();
      await until(() => p.posts.length >= 2 && p.idleFor(500));
      const pid = Number(readFileSync(`/proc/${terminal.pid}/task/${terminal.pid}/children`, 'utf8').trim());
      // The simulator itself, not a shell around it.
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 1)).toEqual([process.execPath]);
      p.back();
      terminal.kill('SIGKILL');
      // Gone, or a zombie no one reaps (PID 1 in a container).
      const gone = () => {
        try {
          return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
        } catch {
          return true;
        }
      };
      await until(gone);
      expect(p.refused.size).toBeGreaterThan(0);
      // Its "stopping: sending the … events it holds" threw EIO at the closed terminal: it ended, what it held lost.
      expect([...p.refused].filter((id) => !p.acknowledged.has(id)).length).toBe(0);
    } finally {
      p.close();
    }
  }, 60_000);

  it('stopped while no server answers, says how many events it made the server did not acknowledge', async () => {
    const port = await freePort();
    const r = await runEntry('api/cli/simulate.ts', ['--url', `http://127.0.0.1:${port}`, '--token', TEST_INGEST_TOKEN, '--rate', '200', '--duration', '3'], {
      INGEST_TOKEN: '',
      KPI_TIMEZONE: middayZone()
    });
    const out = r.out + r.err;
    expect(r.code, out).toBe(1);
    expect(out).toMatch(/done: sent 0 · duplicates 0 · rejected 0 · not acknowledged [1-9]\d*/);
  }, 60_000);

  it('run twice with --backfill, says the second time that the server already held the day it sent again', async () => {
    await backfill(server.url);
    const r = await backfill(server.url);
    expect(r.code, r.out).toBe(0);
    // It said only "backfilled 9984 events", as if the server had taken a day it already held.
    const said = /the server stored (\d+) of the (\d+) backfilled events as new and already held (\d+): today was backfilled there before/.exec(r.out);
    expect(said, r.out).not.toBeNull();
    const [stored, backfilled, held] = said!.slice(1).map(Number) as [number, number, number];
    expect(stored + held).toBe(backfilled);
    expect(held, r.out).toBeGreaterThan(backfilled / 2);
  }, 90_000);

  it('piped into a program that ends (| head -1), stops as on Ctrl-C, with no stack trace', async () => {
    const proc = streaming(server.url);
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // The reader takes the first line and ends, as head -1 does.
    proc.stdout.once('data', () => proc.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    // EPIPE was thrown from the next progress line: a stack trace, exit code 1, and what it held lost.
    expect(err).not.toMatch(/EPIPE|at .*\(node:/);
    expect(code, err).toBe(0);
  }, 60_000);

  it('its errors piped into a program that ends (2> >(logger), the logger died), stops as on Ctrl-C, having delivered what it held', async () => {
    // Every other POST refused as a bad batch: a line on stderr each time.
    const p = await proxy((_body, ids) => (p.posts.length % 2 ? { status: 400, body: JSON.stringify({ errors: [{ index: 0, path: 'type', message: `no such type (${ids[0]})` }] }) } : undefined));
    try {
      const proc = streaming(p.url);
      let out = '';
      proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
      proc.stderr.once('data', () => proc.stderr.destroy());
      const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
      // The next error line threw EPIPE: an unhandled 'error' event, exit code 1, and what it held lost.
      expect(code, out).toBe(0);
      expect(out).toMatch(/done: sent [1-9]/);
    } finally {
      p.close();
    }
  }, 60_000);
});
