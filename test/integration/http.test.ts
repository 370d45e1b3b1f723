// Ingest through a real socket (the Node server path, which reads request bodies itself).
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../api/app';
import { createToken, hashPassword } from '../../api/auth/credentials';
import { users } from '../../db/index';
import { loadConfig } from '../../api/config';
import { listen, type Listening } from '../../api/listen';
import { ScanThread } from '../../api/queries/scans';
import { createServerRuntime } from '../../api/runtime';

let running: Listening;
let token: string;
let displayToken: string;
/** The Hono app over the same runtime, to compare the Node fast path's answers with. */
let app: ReturnType<typeof createApp>;
let rt: ReturnType<typeof createServerRuntime>;
beforeAll(async () => {
  const config = loadConfig({ DATABASE_PATH: join(mkdtempSync(join(tmpdir(), 'floorboard-http-')), 'kpi.sqlite'), PORT: '0', HOST: '127.0.0.1', KPI_TIMEZONE: 'UTC' });
  rt = createServerRuntime(config);
  token = createToken(rt.db, 'ingest', 'test', Date.now());
  displayToken = createToken(rt.db, 'display', 'test', Date.now());
  rt.db.insert(users).values({ username: 'mei', passwordHash: hashPassword('wallet-floor-7'), role: 'manager', createdAt: Date.now() }).run();
  app = createApp({ db: rt.db, config, commits: rt.commits, now: rt.now });
  running = await listen(rt, config);
});
afterAll(() => running.close());

function post(body: string | Buffer | string[], headers: Record<string, string> = {}): Promise<{ status: number; body: any; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: running.port, path: '/api/events', method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text), type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    // An array is sent in chunks with no Content-Length (chunked transfer encoding).
    for (const part of Array.isArray(body) ? body : [body]) req.write(part);
    req.end();
  });
}

const event = (id: string) => ({ id, type: 'ticket.created', at: Date.now() - 1000, ticket: id, channel: 'web' });

describe('POST /api/events over HTTP', () => {
  it('accepts JSON and NDJSON bodies', async () => {
    expect(await post(JSON.stringify([event('h1'), event('h2')]), { 'content-type': 'application/json' })).toMatchObject({ status: 200, body: { accepted: 2, duplicates: 0 } });
    const nd = [event('h3'), event('h1')].map((e) => JSON.stringify(e)).join('\n');
    expect(await post(nd, { 'content-type': 'application/x-ndjson' })).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 1 } });
  });

  it('answers 413 to a body over 10 MB, declared or streamed, and stays usable', async () => {
    const big = 'x'.repeat(11 * 1024 * 1024);
    expect((await post(big, { 'content-type': 'application/json' })).status).toBe(413);
    const chunks = Array.from({ length: 11 }, () => 'y'.repeat(1024 * 1024));
    expect((await post(chunks, { 'content-type': 'application/json' })).status).toBe(413);
    expect((await post(JSON.stringify(event('h4')))).status).toBe(200);
  });

  it('answers 413 once a streamed body passes 10 MB, without waiting for the rest (an export piped to curl, a stream that never ends)', async () => {
    const req = http.request({ host: '127.0.0.1', port: running.port, path: '/api/events', method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' } });
    req.on('error', () => {});
    const answered = new Promise<number>((resolve) => req.once('response', (res) => resolve(res.statusCode!)));
    const line = JSON.stringify(event('stream')) + '\n';
    for (let sent = 0; sent <= 10 * 1024 * 1024; sent += line.length * 1000) req.write(line.repeat(1000));
    // The body has not ended: the sender is still streaming.
    expect(await answered).toBe(413);
    req.destroy();
  });

  it('takes a streamed body of exactly 10 MB (10,485,760 bytes), and answers 413 to one byte more', async () => {
    const json = JSON.stringify(event('h10mb'));
    const padded = json + ' '.repeat(10 * 1024 * 1024 - json.length);
    const chunks = (text: string) => Array.from({ length: Math.ceil(text.length / (1024 * 1024)) }, (_, i) => text.slice(i * 1024 * 1024, (i + 1) * 1024 * 1024));
    expect((await post(chunks(padded + ' '), { 'content-type': 'application/json' })).status).toBe(413);
    expect(await post(chunks(padded), { 'content-type': 'application/json' })).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 0 } });
  });

  it('refuses a body that is not UTF-8 instead of storing U+FFFD, which could make two ids one', async () => {
    const bytes = (id: string) => Buffer.concat([Buffer.from(`{"id":"${id}`), Buffer.from([0xc3]), Buffer.from(`","type":"ticket.created","at":${Date.now() - 1000},"ticket":"T-${id}","channel":"web"}`)]);
    const r = await post(bytes('u8a'), { 'content-type': 'application/json' });
    expect(r).toMatchObject({ status: 400, body: { errors: [{ index: 0, path: '', message: expect.stringMatching(/not valid UTF-8/) }] } });
    // Decoded, the same bytes would have been id "u8a\uFFFD"; with a valid é it is another id, stored.
    expect(await post(JSON.stringify({ ...event('u8a\u00e9') }))).toMatchObject({ status: 200, body: { accepted: 1 } });
  });

  it('lets a sender hang up mid-body without logging it as a server failure, and goes on serving', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      // The address as most senders write it, with a slash before a query, and in the absolute form.
      for (const target of ['/api/events', '/api/events/?source=pbx', 'http://x/api/events']) {
        const socket = connect(running.port, '127.0.0.1');
        await new Promise((r) => socket.once('connect', r));
        socket.write(`POST ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{"id":"gone"`);
        await new Promise((r) => setTimeout(r, 100));
        socket.destroy();
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(errors).not.toHaveBeenCalled();
      expect((await post(JSON.stringify(event('after-gone')))).status).toBe(200);
    } finally {
      errors.mockRestore();
    }
  });

  it('logs a failed batch by its path alone: a token a sender put in the address stays out of the log', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const submit = vi.spyOn(rt.commits, 'submit').mockRejectedValueOnce(new Error('a bug in the writer'));
    try {
      const answer = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port: running.port, path: '/api/events?token=sender-secret-42&source=crm', method: 'POST', headers: { authorization: `Bearer ${token}` } },
          (res) => (res.resume(), resolve(res.statusCode!))
        );
        req.on('error', reject);
        req.end(JSON.stringify(event('logged')));
      });
      expect(answer).toBe(500);
      const lines = errors.mock.calls.map((call) => call.map(String).join(' '));
      expect(lines).toEqual([expect.stringMatching(/^POST \/api\/events failed: Error: a bug in the writer/)]);
      expect(lines.join('\n')).not.toContain('sender-secret-42');
    } finally {
      submit.mockRestore();
      errors.mockRestore();
    }
  });

  it('acknowledges a batch whose sender closes its side of the connection once the request is sent (as `nc -N` does)', async () => {
    const body = JSON.stringify([event('half-1'), event('half-2')]);
    const answer = await new Promise<string>((resolve) => {
      let got = '';
      const socket = connect(running.port, '127.0.0.1', () =>
        socket.end(`POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
      );
      socket.on('data', (d) => (got += d));
      socket.on('close', () => resolve(got));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('{"accepted":2,"duplicates":0}');
  });

  it('keeps an idle keep-alive connection past 5 s, so a sender that posts every few seconds on a pooled connection is not reset mid-POST', async () => {
    // Node closes idle connections after 5 s: a webhook sender (or a load balancer, whose own pool idles 60 s) that
    // sent its next POST as the server closed the connection saw it fail with a reset, and a POST is not resent on its own.
    const socket = connect(running.port, '127.0.0.1');
    socket.on('error', () => {});
    let got = '';
    let closed = false;
    socket.on('data', (d) => (got += d));
    socket.on('close', () => (closed = true));
    const send = (id: string) => {
      const body = JSON.stringify([event(id)]);
      socket.write(`POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    };
    const answers = async (n: number) => {
      while ((got.match(/HTTP\/1\.1 \d{3} /g) ?? []).length < n && !closed) await new Promise((r) => setTimeout(r, 20));
    };
    send('idle-1');
    await answers(1);
    // What clients that pool connections read to know how long one stays usable (undici, among others).
    expect(got).toMatch(/^keep-alive: timeout=65\r$/im);
    await new Promise((r) => setTimeout(r, 6_000));
    expect(closed).toBe(false);
    send('idle-2');
    await answers(2);
    socket.destroy();
    expect(got.match(/\{"accepted":1,"duplicates":0\}/g)).toHaveLength(2);
  }, 15_000);

  it('answers a body that breaks off (a malformed chunk, a connection closed before its Content-Length) with 400 and frees the connection', async () => {
    const head = `POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n`;
    /** Sends `request`, then `then` on the socket; what came back, and whether the server closed its side of the connection. */
    const send = (request: string, then: 'end' | 'destroy' | null) =>
      new Promise<{ answer: string; freed: boolean }>((resolve) => {
        let answer = '';
        const freed = new Promise((r) => running.server.once('connection', (serverSide) => serverSide.once('close', r)));
        const socket = connect(running.port, '127.0.0.1', () => {
          socket.write(request);
          if (then) setTimeout(() => socket[then](), 100);
        });
        socket.on('error', () => {});
        socket.on('data', (d) => (answer += d));
        socket.on('end', () => socket.end());
        const closed = new Promise((r) => socket.once('close', r));
        void Promise.all([freed, closed]).then(() => resolve({ answer, freed: true }));
      });
    const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    const chunk = await send(`${head}Transfer-Encoding: chunked\r\n\r\n5\r\n[{"id\r\nzz\r\n`, null);
    expect(chunk.answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(chunk.answer).message).toMatch(/not valid HTTP\/1\.1 \(HPE_INVALID_CHUNK_SIZE\)/);
    const halfClosed = await send(`${head}Content-Length: 1000\r\n\r\n[{"id":"cut"`, 'end');
    expect(halfClosed.answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(halfClosed.answer).message).toMatch(/closed before the body ended/);
    expect(await send(`${head}Content-Length: 1000\r\n\r\n[{"id":"cut"`, 'destroy')).toMatchObject({ freed: true });
    expect(await post(JSON.stringify(event('after-cut')))).toMatchObject({ status: 200, body: { accepted: 1 } });
  });

  // A client that waits for 100 Continue before it sends its body (curl does for bodies over 1 MB): refused ones
  // hear why at once, without sending a body no answer will read; the rest are told to go on.
  it('answers Expect: 100-continue with 413 or 401 before the body when it will be refused, and with 100 Continue otherwise', async () => {
    const ask = (headers: string, body: string | null) =>
      new Promise<string>((resolve) => {
        const socket = connect(running.port, '127.0.0.1', () =>
          socket.write(`POST /api/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n${headers}\r\n`)
        );
        let got = '';
        socket.on('data', (d) => {
          got += d;
          // Told to go on: the body goes now, and the final answer follows.
          if (body !== null && got.startsWith('HTTP/1.1 100 Continue\r\n\r\n') && !got.includes('sent')) {
            got += 'sent';
            socket.write(body);
          }
          if (/\r\n\r\n\{.*\}$/s.test(got)) socket.destroy();
        });
        socket.on('close', () => resolve(got.replace('sent', '')));
      });
    const big = await ask(`Authorization: Bearer ${token}\r\nContent-Length: ${20 * 1024 * 1024}\r\n`, null);
    expect(big).toMatch(/^HTTP\/1\.1 413 /);
    expect(big).toMatch(/connection: close/i);
    const stranger = await ask('Content-Length: 100\r\n', null);
    expect(stranger).toMatch(/^HTTP\/1\.1 401 /);
    const body = JSON.stringify(event('continued'));
    const good = await ask(`Authorization: Bearer ${token}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`, body);
    expect(good).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(JSON.parse(good.slice(good.lastIndexOf('\r\n\r\n') + 4))).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('says what was wrong with a request Node cannot parse (headers over 16 KB, not HTTP at all, an address not percent-encoded)', async () => {
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(running.port, '127.0.0.1', () => socket.end(text));
        let got = '';
        socket.on('data', (d) => (got += d));
        socket.on('close', () => resolve(got));
      });
    const huge = await raw(`GET /api/kpis?team=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1.1 431 /);
    expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4)).message).toMatch(/larger than 16 KB/);
    expect(await raw('HELLO\r\n\r\n')).toMatch(/^HTTP\/1.1 400 [\s\S]*not valid HTTP/);
    // A name typed into the address as it reads, not percent-encoded: what to write instead.
    const typed = await raw(`GET /api/kpis?team=风控 HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(typed).toMatch(/^HTTP\/1.1 400 /);
    expect(JSON.parse(typed.slice(typed.indexOf('\r\n\r\n') + 4)).message).toContain('%E9%A3%8E%E6%8E%A7');
  });

  it('answers every request as the Hono route does (the listener serves POST /api/events itself)', async () => {
    const signedIn = await app.request('/api/auth/login', { method: 'POST', body: JSON.stringify({ username: 'mei', password: 'wallet-floor-7' }) });
    const session = signedIn.headers.get('set-cookie')!.split(';')[0];
    const cases: [string, string, Record<string, string>][] = [
      // Two cookies of the name (one set for a sibling subdomain, or a longer path): the first, as the other routes read it.
      ['two session cookies, the first signed in', JSON.stringify(event('f1')), { authorization: '', cookie: `${session}; floorboard_session=ended-or-made-up` }],
      ['two session cookies, the second signed in', JSON.stringify(event('f1')), { authorization: '', cookie: `floorboard_session=ended-or-made-up; ${session}` }],
      // Quoted (RFC 6265 allows it), and one no cookie reader takes (a backslash, as Python quotes a comma): read as the other routes read them.
      ['the session cookie quoted', JSON.stringify(event('f1')), { authorization: '', cookie: session.replace('=', '="') + '"' }],
      ['an unreadable cookie of the name, then the session', JSON.stringify(event('f1')), { authorization: '', cookie: `floorboard_session="a\\054b"; ${session}` }],
      ['no token', JSON.stringify(event('f1')), { authorization: '' }],
      ['a wrong token', JSON.stringify(event('f1')), { authorization: 'Bearer nope' }],
      ['a display token', JSON.stringify(event('f1')), { authorization: `Bearer ${displayToken}` }],
      ['no token and a malformed cookie', JSON.stringify(event('f1')), { authorization: '', cookie: 'floorboard_session=%E0%A4%A' }],
      ['malformed JSON', '{"id": ', {}],
      ['an empty array', '[]', {}],
      ['a bad event', JSON.stringify([event('f2'), { ...event('f3'), channel: 'fax' }]), {}],
      ['a bad NDJSON line', `${JSON.stringify(event('f4'))}\n{oops`, { 'content-type': 'application/x-ndjson' }],
      ['a lone surrogate in an id', JSON.stringify([{ ...event('f7'), id: 'f7\ud800' }]), {}],
      ['NDJSON sent as JSON', `${JSON.stringify(event('f8'))}\n${JSON.stringify(event('f9'))}`, {}],
      ['a good batch, stored once', JSON.stringify([event('f5'), event('f6')]), {}]
    ];
    for (const [what, body, extra] of cases) {
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...extra };
      const viaHono = await app.request('/api/events', { method: 'POST', headers, body });
      const expected = { status: viaHono.status, body: await viaHono.json(), type: viaHono.headers.get('content-type') ?? undefined };
      // The second post of the good batch finds it stored: the route answered it first.
      if (what.startsWith('a good batch')) expected.body = { accepted: 0, duplicates: 2 };
      expect({ what, ...(await post(body, headers)) }).toEqual({ what, ...expected });
    }
  });
});

describe('POST /api/auth/login over HTTP', () => {
  /** A sign-in from a given loopback address (Linux answers on all of 127.0.0.0/8). */
  const loginFrom = (localAddress: string, password: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: running.port, localAddress, path: '/api/auth/login', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ username: 'mei', password }));
    });

  it('holds back the address that guessed, not the person at another desk', async () => {
    for (let i = 0; i < 5; i++) expect(await loginFrom('127.0.0.66', `guess-${i}`)).toBe(401);
    expect(await loginFrom('127.0.0.66', 'wallet-floor-7')).toBe(429);
    expect(await loginFrom('127.0.0.7', 'wallet-floor-7')).toBe(200);
  });
});

describe('GET /api/kpis over HTTP with two filters besides team', () => {
  /** A ticket an hour ago, answered and resolved, in the given channel and priority. */
  const ticket = (id: string, channel: string, priority: string, replyMin: number) => {
    const at = Date.now() - 3_600_000;
    return [
      { id: `${id}-c`, type: 'ticket.created', at, ticket: id, channel, priority, team: 'wallet', category: 'refund' },
      { id: `${id}-r`, type: 'ticket.replied', at: at + replyMin * 60_000, ticket: id, agent: 'ann' },
      { id: `${id}-s`, type: 'ticket.resolved', at: at + (replyMin + 10) * 60_000, ticket: id }
    ];
  };

  it('answers as the in-process query does, from the scan thread, saying nothing went wrong', async () => {
    const events = [...ticket('k1', 'chat', 'high', 3), ...ticket('k2', 'chat', 'high', 7), ...ticket('k3', 'chat', 'normal', 1), ...ticket('k4', 'email', 'high', 20)];
    expect((await post(JSON.stringify(events), { 'content-type': 'application/json' })).status).toBe(200);
    const errors = vi.spyOn(console, 'error');
    const supervisor = createToken(rt.db, 'supervisor', 'test', Date.now());
    const query = `/api/kpis?${new URLSearchParams({ from: String(Date.now() - 2 * 3_600_000), to: String(Date.now()), channel: 'chat', priority: 'high' })}`;
    const res = await fetch(`http://127.0.0.1:${running.port}${query}`, { headers: { authorization: `Bearer ${supervisor}` } });
    expect(res.status).toBe(200);
    const got = await res.json();
    // Two tickets match: answered after 3 and 7 minutes.
    expect(got.tickets.created).toBe(2);
    expect(got.firstResponse).toMatchObject({ count: 2, p50Sec: 180, p90Sec: 420 });
    const here = await app.request(query, { headers: { authorization: `Bearer ${supervisor}` } });
    expect(got).toEqual(await here.json());
    expect(errors.mock.calls.filter((c) => String(c[0]).includes('scan thread'))).toEqual([]);
    errors.mockRestore();
  });

  it('answers on the main thread, and says so, when the scan thread cannot', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    // A thread whose file holds no tables: its every scan fails.
    const scans = new ScanThread(join(mkdtempSync(join(tmpdir(), 'floorboard-scan-')), 'empty.sqlite'));
    const config = loadConfig({ DATABASE_PATH: ':memory:', KPI_TIMEZONE: 'UTC' });
    const broken = createApp({ db: rt.db, config, commits: rt.commits, now: rt.now, scans });
    const supervisor = createToken(rt.db, 'supervisor', 'test', Date.now());
    const query = `/api/kpis?${new URLSearchParams({ from: String(Date.now() - 2 * 3_600_000), to: String(Date.now()), channel: 'chat', priority: 'high' })}`;
    const res = await broken.request(query, { headers: { authorization: `Bearer ${supervisor}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(await (await app.request(query, { headers: { authorization: `Bearer ${supervisor}` } })).json());
    expect(errors.mock.calls.filter((c) => String(c[0]).includes('the scan thread could not answer'))).toHaveLength(1);
    errors.mockRestore();
    await scans.close();
  });
});
