// `npm run simulate`, as an operator runs it against a real server: it streams the simulated centre until its
// --duration ends, and refuses options it cannot use before sending anything.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_INGEST_TOKEN, freePort, middayZone, runEntry, startServer, type RunningServer } from '../helpers/server';

/**
 * The simulator CLI's exit code and everything it printed, its zone set: on a machine whose TZ names no zone
 * (TZ=UTC0, as containers set it) it would otherwise only ask for --timezone.
 */
async function simulate(args: string[]): Promise<{ code: number | null; out: string }> {
  const r = await runEntry('api/cli/simulate.ts', args, { INGEST_TOKEN: '', KPI_TIMEZONE: 'UTC' });
  return { code: r.code, out: r.out + r.err };
}

/** Listens on a free port (one of TEST_PORTS where the machine allows tests only those). */
async function listenOn(http: ReturnType<typeof createServer>): Promise<void> {
  const port = await freePort();
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
}

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ dbPath: join(mkdtempSync(join(tmpdir(), 'floorboard-simulate-')), 'kpi.sqlite') });
});
afterAll(() => server?.kill());


/**
 * A server whose clock is `behindMs()` behind this machine's and that takes nothing ahead of it (Floorboard takes 5
 * minutes: a clock 6 minutes behind is the same case), answering a batch with any such event 400 as Floorboard does.
 * `taken` hears each batch it stores, with its clock then, before the answer; `refused` each it does not. With
 * `date`, its answers' Date is its own clock's, as a server's is (else this machine's, as Node writes it).
 */
function serverBehind(opts: { behindMs: () => number; taken: (events: { id: string; at: number }[], now: number) => void; refused?: (ids: string[]) => void; date?: boolean }) {
  return createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const events = (JSON.parse(body) as { id: string; at: string | number }[]).map((e) => ({ id: e.id, at: typeof e.at === 'number' ? e.at : Date.parse(e.at) }));
      const now = Date.now() - opts.behindMs();
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(opts.date ? { date: new Date(now).toUTCString() } : {}) };
      const errors = events
        .map((e, index) => ({ index, ahead: e.at - now }))
        .filter((e) => e.ahead > 0)
        .map(({ index, ahead }) => ({ index, path: 'at', message: `at is ${ahead / 1000} s in the future by the server clock; at most 0 s is allowed` }));
      if (errors.length) {
        opts.refused?.(events.map((e) => e.id));
        return res.writeHead(400, headers).end(JSON.stringify({ errors }));
      }
      opts.taken(events, now);
      res.writeHead(200, headers).end(JSON.stringify({ accepted: events.length, duplicates: 0 }));
    });
  });
}
describe('npm run simulate', () => {
  it('streams events that the server stores, and stops after --duration with a summary', async () => {
    const r = await simulate(['--url', server.url, '--token', TEST_INGEST_TOKEN, '--rate', '200', '--duration', '2']);
    expect(r.code, r.out).toBe(0);
    const sent = Number(/done: sent (\d+)/.exec(r.out)?.[1]);
    expect(sent).toBeGreaterThan(0);
    const health = await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } });
    const { ingest } = (await health.json()) as { ingest: { events: number } };
    // Every event it reports as sent reached the server (duplicates included: they are sent, and ignored there).
    expect(ingest.events).toBe(sent);
  }, 30_000);

  it('with --gzip sends its batches gzip-compressed, and the server stores every event it reports as sent', async () => {
    const health = async () => ((await (await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } })).json()) as { ingest: { events: number } }).ingest.events;
    const before = await health();
    const r = await simulate(['--url', server.url, '--token', TEST_INGEST_TOKEN, '--rate', '200', '--duration', '2', '--gzip']);
    expect(r.code, r.out).toBe(0);
    const sent = Number(/done: sent (\d+)/.exec(r.out)?.[1]);
    expect(sent).toBeGreaterThan(0);
    expect((await health()) - before).toBe(sent);
  }, 30_000);

  it('with --gzip puts gzip on the wire, and stops at once with exit code 1 at a 415 (a server that does not take it), saying to leave out --gzip', async () => {
    const posts: { coding: string | undefined; events: unknown }[] = [];
    const old = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        posts.push({ coding: req.headers['content-encoding'], events: JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()) });
        res.writeHead(415, { 'content-type': 'application/json' }).end('{"errors":[{"index":0,"path":"","message":"Content-Encoding gzip is not accepted; send the body uncompressed"}]}');
      });
    });
    await listenOn(old);
    try {
      const url = `http://127.0.0.1:${(old.address() as AddressInfo).port}`;
      const r = await simulate(['--url', url, '--token', TEST_INGEST_TOKEN, '--rate', '200', '--duration', '20', '--gzip']);
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(/415 from .*: it does not take a gzip-compressed body; leave out --gzip/);
      expect(posts.length).toBeGreaterThan(0);
      expect(posts[0]).toMatchObject({ coding: 'gzip', events: expect.arrayContaining([expect.objectContaining({ id: expect.any(String), type: expect.any(String) })]) });
    } finally {
      old.close();
    }
  }, 30_000);

  it('stops at once with exit code 1 when the server refuses its token', async () => {
    const r = await simulate(['--url', server.url, '--token', 'not-the-token', '--rate', '50', '--duration', '30']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/401 .* check --token/);
    // The batch the server refused was left out of the summary, as if it had been delivered.
    expect(r.out).toMatch(/done: sent 0 · duplicates 0 · rejected 0 · not acknowledged [1-9]\d*/);
  }, 30_000);

  it('stops at once with exit code 1 when --url names the endpoint instead of the server', async () => {
    const r = await simulate(['--url', `${server.url}/api/events`, '--token', TEST_INGEST_TOKEN, '--rate', '50', '--duration', '30']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/404 from .*\/api\/events\/api\/events: --url is the server's own address \(http:\/\/host:port\), without \/api\/events/);
  }, 30_000);

  it('stops at once with exit code 1 when --url has a path, which names a page of the dashboard', async () => {
    const r = await simulate(['--url', `${server.url}/wall`, '--token', TEST_INGEST_TOKEN, '--rate', '50', '--duration', '5']);
    expect(r.code, r.out).toBe(1);
    // 405 where the dashboard is built (a page's address), 404 where the server runs without one: the same mistake.
    expect(r.out).toMatch(/40[45] from .*\/wall\/api\/events: --url is the server's own address \(http:\/\/host:port\), without a path/);
    expect(r.out).not.toMatch(/batch of \d+ rejected/);
  }, 30_000);

  it('stops at once with exit code 1 when --url says https:// to a server that speaks plain HTTP, saying to write http://', async () => {
    const url = server.url.replace('http://', 'https://');
    const r = await simulate(['--url', url, '--token', TEST_INGEST_TOKEN, '--rate', '50', '--duration', '20']);
    expect(r.code, r.out).toBe(1);
    // It said "cannot reach …; is the server running there?" of a server that is, and tried again until --duration ended.
    expect(r.out).toContain(`${url}/api/events answers in plain HTTP, not HTTPS: --url is ${server.url}`);
    expect(r.out).not.toContain('will retry');
  }, 60_000);

  it('stops at once with exit code 1 when --url names another program, which answers 200 with a page of its own', async () => {
    const other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Router admin</title>'));
    await listenOn(other);
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      const r = await simulate(['--url', url, '--token', TEST_INGEST_TOKEN, '--rate', '50', '--duration', '5']);
      expect(r.code, r.out).toBe(1);
      expect(r.out).toContain(`200 from ${url}/api/events is not a Floorboard server's answer: --url is the address of npm start (http://host:port) (<!doctype html>`);
      expect(r.out).not.toContain('will retry');
    } finally {
      other.close();
    }
  }, 30_000);

  it('stops at once with exit code 1 when a proxy answers 400 with a page of its own (plain HTTP to its HTTPS port), rather than drop every batch', async () => {
    // nginx's answer to http:// at a port it serves HTTPS on.
    const page = '<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head><body></body></html>';
    let posts = 0;
    const other = createServer((_req, res) => {
      posts++;
      res.writeHead(400, { 'content-type': 'text/html' }).end(page);
    });
    const port = await freePort();
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${port}`;
      const r = await simulate(['--url', url, '--token', TEST_INGEST_TOKEN, '--rate', '200', '--duration', '5']);
      expect(r.code, r.out).toBe(1);
      expect(r.out).toContain(`400 from ${url}/api/events is not a Floorboard server's answer: --url is the address of npm start (http://host:port) (<html><head><title>400 The plain HTTP request was sent to HTTPS port`);
      // Every batch was dropped as a bad one, for as long as it ran.
      expect(r.out).not.toMatch(/rejected with 400/);
      expect(posts).toBe(1);
    } finally {
      other.close();
    }
  }, 30_000);

  for (const status of [408, 429]) {
    it(`sends a batch again after ${status} (a proxy's timeout, a rate limit), rather than drop it as a bad batch`, async () => {
      const refused: string[] = [];
      const stored = new Set<string>();
      const proxy = createServer((req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          const ids = (JSON.parse(body) as { id: string }[]).map((e) => e.id);
          if (refused.length === 0) {
            refused.push(...ids);
            return res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"busy"}');
          }
          for (const id of ids) stored.add(id);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: ids.length, duplicates: 0 }));
        });
      });
      await listenOn(proxy);
      try {
        const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
        const r = await simulate(['--url', url, '--token', TEST_INGEST_TOKEN, '--rate', '50', '--duration', '4']);
        expect(r.code, r.out).toBe(0);
        expect(r.out).toContain('will retry');
        expect(r.out).not.toMatch(/rejected with/);
        expect(refused.length).toBeGreaterThan(0);
        expect(refused.filter((id) => !stored.has(id))).toEqual([]);
      } finally {
        proxy.close();
      }
    }, 30_000);
  }

  it('sends a batch too large for a proxy in front of the server (413) again in smaller ones, losing none of it', async () => {
    // A proxy whose body limit (16 KB here, nginx's client_max_body_size) is under a backfill's batch of 500 events.
    const LIMIT = 16_384;
    const refused = new Set<string>();
    const stored = new Set<string>();
    // Taken, then sent again: the parts of a batch must not overlap (the summary counted them as duplicates).
    const postedAgain: number[] = [];
    const proxy = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const ids = (JSON.parse(body) as { id: string }[]).map((e) => e.id);
        if (Buffer.byteLength(body) > LIMIT) {
          for (const id of ids) refused.add(id);
          return res.writeHead(413, { 'content-type': 'text/html' }).end('<html><head><title>413 Request Entity Too Large</title></head></html>');
        }
        let duplicates = 0;
        for (const id of ids) stored.has(id) ? duplicates++ : stored.add(id);
        // The simulator sends 1 % of its events twice, as a sender retrying does: a post mostly of taken ones is a resend.
        if (ids.length > 4 && duplicates > ids.length / 2) postedAgain.push(ids.length);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: ids.length - duplicates, duplicates }));
      });
    });
    await listenOn(proxy);
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      // Backfilled from midnight in a zone where it is now about noon: thousands of events, in batches of 500.
      const r = await runEntry('api/cli/simulate.ts', ['--url', url, '--token', TEST_INGEST_TOKEN, '--rate', '0.5', '--backfill', '--duration', '1'], {
        INGEST_TOKEN: '',
        KPI_TIMEZONE: middayZone()
      });
      const out = r.out + r.err;
      expect(r.code, out).toBe(0);
      expect(refused.size, out).toBeGreaterThan(0);
      expect([...refused].filter((id) => !stored.has(id))).toEqual([]);
      expect(out).not.toMatch(/rejected with 413/);
      expect(out).toMatch(/413 from .*: a batch of 500 events is larger than it takes .*; sending batches of 250/);
      expect(postedAgain, out).toEqual([]);
    } finally {
      proxy.close();
    }
  }, 60_000);

  it('runs behind a server whose clock is behind, and sends again what it refused as stamped in the future, rather than drop every batch', async () => {
    // A server 3 s behind this machine.
    const refused = new Set<string>();
    const stored = new Set<string>();
    const server = serverBehind({
      behindMs: () => 3_000,
      taken: (events) => events.forEach((e) => stored.add(e.id)),
      refused: (ids) => ids.forEach((id) => refused.add(id))
    });
    await listenOn(server);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await simulate(['--url', url, '--token', TEST_INGEST_TOKEN, '--rate', '50', '--duration', '5']);
      expect(r.code, r.out).toBe(0);
      expect(refused.size, r.out).toBeGreaterThan(0);
      expect([...refused].filter((id) => !stored.has(id))).toEqual([]);
      expect(r.out).not.toMatch(/rejected with 400/);
      expect(r.out).toMatch(/will retry: the server's clock is about \d+ s behind this machine's: the simulated centre runs that far behind .*set both clocks right \(NTP\)/);
    } finally {
      server.close();
    }
  }, 30_000);

  it('runs on time again once the server clock is set right, rather than as far behind as it once was for the rest of the run', async () => {
    // A server 6 s behind that takes nothing ahead of its clock, answering with its clock's Date as a server does,
    // set right (NTP) once it has taken a batch.
    let behindMs = 6_000;
    let newestAfterFix = -Infinity;
    let lastNow = 0;
    const server = serverBehind({
      behindMs: () => behindMs,
      date: true,
      taken: (events, now) => {
        if (behindMs === 0) {
          for (const e of events) newestAfterFix = Math.max(newestAfterFix, e.at);
          lastNow = now;
        }
        behindMs = 0;
      }
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${port}`;
      const run = await runEntry('api/cli/simulate.ts', ['--url', url, '--token', TEST_INGEST_TOKEN, '--rate', '200', '--duration', '14'], {
        INGEST_TOKEN: '',
        KPI_TIMEZONE: middayZone()
      });
      const out = run.out + run.err;
      expect(run.code, out).toBe(0);
      // It ran 7 s behind to the end: the wall showed every ticket 7 s late (minutes, for a clock minutes behind).
      expect(lastNow - newestAfterFix, out).toBeLessThan(5_000);
      expect(out).toMatch(/the server's clock is set right again/);
    } finally {
      server.close();
    }
  }, 40_000);

  it('runs as far behind as the server clock when it is set back again, rather than have every batch refused from then on', async () => {
    // A server 3 s behind that takes nothing ahead of its clock, whose clock NTP sets back 4 s more once it has taken
    // a batch: the simulated centre, already 4 s behind, is still 3 s ahead of it.
    let behindMs = 3_000;
    let storedAfterStep = 0;
    const server = serverBehind({
      behindMs: () => behindMs,
      taken: (events) => {
        if (behindMs > 3_000) storedAfterStep += events.length;
        behindMs = 7_000;
      }
    });
    await listenOn(server);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // In a zone where it is about noon: events every moment, so every batch holds some of the newest.
      const run = await runEntry('api/cli/simulate.ts', ['--url', url, '--token', TEST_INGEST_TOKEN, '--rate', '200', '--duration', '14'], {
        INGEST_TOKEN: '',
        KPI_TIMEZONE: middayZone()
      });
      const out = run.out + run.err;
      expect(run.code, out).toBe(0);
      // Each batch sent again took the events made meanwhile, 3 s ahead of the server as they were: none was taken again.
      expect(storedAfterStep, out).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  }, 40_000);

  it('says which address it cannot reach while no server answers there, keeps trying until --duration ends, and exits 1 having delivered nothing', async () => {
    const port = await freePort();
    const r = await simulate(['--url', `http://127.0.0.1:${port}`, '--token', 'x', '--rate', '50', '--duration', '1']);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(`sending failed, will retry: cannot reach http://127.0.0.1:${port}/api/events (ECONNREFUSED); is the server running there?`);
    expect(r.out).toMatch(/done: sent 0 /);
    expect(r.out).toContain(`no events were delivered to http://127.0.0.1:${port}/api/events`);
  }, 30_000);

  it('stops at once with exit code 1 when --url names a host that does not exist, saying so, rather than try it for ever', async () => {
    // A typo in the host: it said "cannot reach …; is the server running there?" and tried again every 2 s until Ctrl-C.
    const r = await simulate(['--url', 'http://no-such-host.invalid:3000', '--token', 'x', '--rate', '50', '--duration', '20']);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('no host is named no-such-host.invalid (ENOTFOUND): check --url');
    expect(r.out).not.toContain('will retry');
  }, 60_000);

  it('stops at once with exit code 1 when --url has a port fetch refuses to connect to, saying so, rather than try it for ever', async () => {
    // X11's port, among those fetch and browsers refuse: it said "cannot reach … (fetch failed); is the server running
    // there?" of a port it never tried, every 2 s until Ctrl-C.
    const r = await simulate(['--url', 'http://127.0.0.1:6000', '--token', 'x', '--rate', '50', '--duration', '20']);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('port 6000 is one that fetch, as browsers, refuses to connect to');
    expect(r.out).not.toContain('will retry');
  }, 60_000);

  it('--help says what it does while the server is away and when stopped, and its exit codes', async () => {
    const r = await simulate(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Retry-After/);
    expect(r.out).toMatch(/Stopped \(Ctrl-C, SIGTERM, SIGHUP as its terminal closes, --duration\), it sends what it holds/);
    expect(r.out).toMatch(/Exit code 1 when nothing was delivered/);
  }, 30_000);

  for (const [args, message] of [
    [['--url', 'notaurl', '--token', 'x'], /--url must be a server's address/],
    [['--url', 'ftp://example.com', '--token', 'x'], /--url must start with http/],
    // The wall's address pasted: /api/events went after its query ("…/wall?token=abc/api/events"), and the 405 said "without a path".
    [['--url', 'http://127.0.0.1:42099/wall?token=abc', '--token', 'x', '--duration', '1'], /--url is the server's own address \(http:\/\/host:port\), without a \?query or #fragment, got "http:\/\/127.0.0.1:42099\/wall\?token=abc"/],
    // fetch sends no request to such an address: it said "cannot reach …; is the server running there?" for ever.
    [['--url', 'http://admin:secret@127.0.0.1:42099', '--token', 'x', '--duration', '1'], /--url cannot carry a user name or password \(the ingest token is --token\), got "http:\/\/admin:\*\*\*@127.0.0.1:42099"/],
    [['--url', 'http://127.0.0.1:42099#top', '--token', 'x', '--duration', '1'], /--url is the server's own address \(http:\/\/host:port\), without a \?query or #fragment, got "http:\/\/127.0.0.1:42099#top"/],
    [['--token', 'x', '--rate', 'lots'], /--rate must be a positive number, got "lots"/],
    [['--rate', '10'], /an ingest token is needed/],
    // Taken as 1 (and 0.5 as 0): the run replayed another seed's centre than the one asked for, unsaid.
    [['--token', 'x', '--seed', '1.5', '--duration', '1'], /--seed must be a whole number from 1 to 4,294,967,295, got "1.5"/],
    // The simulator's randomness keeps 32 bits of it: seed 4294967297 replayed seed 1's centre.
    [['--token', 'x', '--seed', '4294967297', '--duration', '1'], /--seed must be a whole number from 1 to 4,294,967,295, got "4294967297"/],
    // fetch cannot put it in a header: every POST failed as "cannot reach …; is the server running there?", for ever.
    [['--token', 'tok\u2014en'], /--token has a character outside printable ASCII \("\u2014", U\+2014, at 3\), which no HTTP header can carry/],
    [['--token', 'x', '--bogus'], /Unknown option '--bogus'/],
    // Planning a day at this rate stalled the process before its first line.
    [['--token', 'x', '--rate', '1e9'], /--rate must be at most 100,000 events\/s, got "1e9"/],
    // A rate near zero made the day's plan divide by it: a RangeError and a stack trace.
    [['--token', 'x', '--rate', '1e-50'], /--rate must be at least 0.01 events\/s \(about 8 tickets in the peak hour\), got "1e-50"/],
    // Node fires a timer longer than ~24.8 days at once: the simulator stopped as it began.
    [['--token', 'x', '--duration', '3000000'], /--duration must be at most 2,147,483 s \(24 days\), got "3000000"; leave it out/],
    [['--token', 'x', '--timezone', 'Mars/Base'], /--timezone must be an IANA timezone such as Asia\/Shanghai, got "Mars\/Base"/],
    // As KPI_TIMEZONE: a Shanghai centre's CST would be simulated on Chicago's clock.
    [['--token', 'x', '--timezone', 'CST'], /--timezone is an abbreviation, which this machine reads as America\/Chicago.*got "CST"/]
  ] as [string[], RegExp][])
    it(`refuses ${args.join(' ')} with exit code 2, saying why, and shows its usage`, async () => {
      const r = await simulate(args);
      expect(r.code).toBe(2);
      expect(r.out).toMatch(message);
      expect(r.out).toMatch(/Usage: npm run simulate/);
    }, 30_000);

  // As npm start and the demo read it: an env file's `KPI_TIMEZONE=` is no setting, and the machine's zone applies.
  it('takes an empty KPI_TIMEZONE as unset, as npm start does, and streams on the machine\'s zone', async () => {
    // A machine whose zone has a name, whatever the one running the tests has.
    const env = { KPI_TIMEZONE: '', INGEST_TOKEN: '', TZ: 'Asia/Shanghai' };
    const r = await runEntry('api/cli/simulate.ts', ['--url', server.url, '--token', TEST_INGEST_TOKEN, '--rate', '200', '--duration', '1'], env);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/done: sent [1-9]/);
  }, 30_000);

  // As npm start does: the day's shape on UTC's clock, or a RangeError's stack trace (TZ empty), said nothing of it.
  for (const tz of [':/etc/localtime', 'UTC0', ''])
    it(`without --timezone or KPI_TIMEZONE, on a machine whose TZ (${JSON.stringify(tz)}) names no zone, exits 2 asking for --timezone`, async () => {
      const r = await runEntry('api/cli/simulate.ts', ['--token', 'x', '--url', 'http://127.0.0.1:9', '--duration', '1'], {}, { prefix: ['env', '-u', 'KPI_TIMEZONE', `TZ=${tz}`] });
      expect(r.code, r.out + r.err).toBe(2);
      expect(r.err).toMatch(/this machine's timezone has no IANA name .*--timezone Asia\/Shanghai/);
    }, 30_000);
});
