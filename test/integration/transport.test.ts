// What real senders, proxies and broken clients put on the wire, sent as raw bytes to a real server process:
// each gets a clear answer, and the server goes on serving.
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_INGEST_TOKEN, seedToken, startServer, type RunningServer } from '../helpers/server';

let server: RunningServer;
let display: string;
beforeAll(async () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'floorboard-transport-')), 'kpi.sqlite');
  display = seedToken(dbPath, 'display');
  server = await startServer({ dbPath });
});
afterAll(() => server?.kill('SIGKILL'));

/** Sends `request` as raw bytes; resolves with what came back once `answers` answers have (or the server ended the connection). */
function raw(request: string, answers = 1): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(server.port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (bodies(got).length >= answers) socket.end();
    });
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

/** Each answer's status and JSON body, in the order they came. */
function bodies(got: string): { status: number; body: any }[] {
  const out: { status: number; body: any }[] = [];
  for (let rest = got; rest.startsWith('HTTP/1.1 '); ) {
    const end = rest.indexOf('\r\n\r\n');
    const length = /\r\ncontent-length: (\d+)/i.exec(rest.slice(0, end));
    if (end < 0 || !length || rest.length < end + 4 + Number(length[1])) break;
    const text = rest.slice(end + 4, end + 4 + Number(length[1]));
    out.push({ status: Number(rest.slice(9, 12)), body: text && JSON.parse(text) });
    rest = rest.slice(end + 4 + Number(length[1]));
  }
  return out;
}

const event = (id: string) => JSON.stringify({ id, type: 'ticket.created', at: Date.now() - 1000, ticket: `T-${id}`, channel: 'chat' });

describe('a request that asks to upgrade to another protocol than WebSocket', () => {
  // curl --http2 on an http:// address, Java's HttpClient (HTTP/2 by default) and some monitors ask so: a server
  // that does not speak it answers the request as HTTP/1.1, as if the Upgrade header were not there (RFC 9110, 7.8).
  const h2c = 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n';

  it('is answered as HTTP/1.1: a batch of events is stored, and the connection serves the next request', async () => {
    const body = event('h2c-1');
    const post = `POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\nContent-Type: application/json\r\n${h2c}Content-Length: ${body.length}\r\n\r\n${body}`;
    const health = `GET /api/health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\n${h2c}\r\n`;
    const answers = bodies(await raw(post + health, 2));
    expect(answers).toEqual([
      { status: 200, body: { accepted: 1, duplicates: 0 } },
      { status: 200, body: expect.objectContaining({ ok: true }) }
    ]);
  });

  it('serves a keep-alive connection that asks so at every request without gathering listeners on it', async () => {
    const health = `GET /api/health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\n${h2c}\r\n`;
    const socket = connect(server.port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => (got += d.toString('latin1')));
    for (let i = 1; i <= 15; i++) {
      socket.write(health);
      while (bodies(got).length < i) await new Promise((r) => setTimeout(r, 5));
    }
    socket.destroy();
    expect(bodies(got).map((a) => a.status)).toEqual(Array(15).fill(200));
    expect(server.output()).not.toContain('MaxListenersExceededWarning');
  });

  /** A batch of `n` events whose ids begin with `prefix`, with `extra` headers. */
  const batch = (prefix: string, n: number, extra = '') => {
    const body = `[${Array.from({ length: n }, (_, i) => event(`${prefix}-${i}`)).join(',')}]`;
    return `POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\nContent-Type: application/json\r\n${extra}Content-Length: ${body.length}\r\n\r\n${body}`;
  };

  // `nc -N` and some embedded senders close their side once their requests are sent, and each is answered (listen.ts,
  // httpAllowHalfOpen). Asked behind a batch still being committed, the request waited for that answer, and the
  // close that came meanwhile ended the connection: it and the one behind it were neither stored nor answered.
  it('is answered behind a batch still being committed, from a sender that closes its side once it has sent', async () => {
    const socket = connect(server.port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => (got += d.toString('latin1')));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.end(batch('h2c-half-a', 2000) + batch('h2c-half-b', 1, h2c) + batch('h2c-half-c', 1));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(bodies(got)).toEqual([
      { status: 200, body: { accepted: 2000, duplicates: 0 } },
      { status: 200, body: { accepted: 1, duplicates: 0 } },
      { status: 200, body: { accepted: 1, duplicates: 0 } }
    ]);
  });

  // Behind a batch being committed, it took the connection on with the idle limit of one waiting for its next request
  // (Node's keep-alive timeout, 5 s) still set: a body that came after that long was cut off, unanswered, where a
  // request that asked no upgrade waits for it.
  it('is answered behind a batch still being committed, its body coming seconds after its headers', async () => {
    const socket = connect(server.port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('error', () => {});
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await new Promise((resolve) => socket.once('connect', resolve));
    const late = batch('h2c-late-b', 1, h2c);
    const split = late.indexOf('\r\n\r\n') + 4;
    socket.write(batch('h2c-late-a', 2000) + late.slice(0, split));
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    socket.write(late.slice(split));
    while (bodies(got).length < 2 && !socket.destroyed) await new Promise((resolve) => setTimeout(resolve, 20));
    socket.destroy();
    await closed;
    expect(bodies(got)).toEqual([
      { status: 200, body: { accepted: 2000, duplicates: 0 } },
      { status: 200, body: { accepted: 1, duplicates: 0 } }
    ]);
  }, 20_000);
});

describe('a request whose target is not a path', () => {
  /** The one answer to `request`: its status, its Allow header and its JSON body's message. */
  const answer = async (request: string) => {
    const got = await raw(request);
    return { status: Number(got.slice(9, 12)), allow: /\r\nallow: ([^\r]*)/i.exec(got)?.[1], message: bodies(got)[0]?.body?.message as string | undefined };
  };

  it('says the target is not a path (no leading slash, `*`, another scheme), not that its Host is bad or its text not percent-encoded', async () => {
    for (const target of ['api/kpis', '*', 'ftp://x/api/kpis', 'x:1']) {
      const got = await answer(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(got, target).toEqual({ status: 400, allow: undefined, message: expect.stringContaining('is not a path') });
      expect(got.message, target).not.toMatch(/Host|percent-encode/);
    }
    // Text typed into the address as it reads is still told how to write it.
    expect((await answer(`GET /api/kpis?team=\xe9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).message).toMatch(/percent-encode/);
    // Pipelined behind a batch, it is told so after the batch's answer, which goes first.
    const body = event('before-not-a-path');
    const post = `POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const piped = bodies(await raw(`${post}GET api/kpis HTTP/1.1\r\nHost: x\r\n\r\n`, 2));
    expect(piped).toEqual([
      { status: 200, body: { accepted: 1, duplicates: 0 } },
      { status: 400, body: { error: 'bad_request', message: expect.stringContaining('"api/kpis" is not a path') } }
    ]);
  });

  // Windows' telnet sends each key as it is typed: the target's start came in packets before the one where the parser
  // stopped, and what was left of it ("/", "i/kpis") was read as the target, told that text such as 风控 must be
  // percent-encoded, or quoted as a target never sent.
  it('says so of a request typed a key at a time, where the target arrives in pieces', async () => {
    for (const [line, accented] of [['GET api/kpis HTTP/1.1', false], ['GET /api/kpis?team=\xe9 HTTP/1.1', true]] as const) {
      const socket = connect(server.port, '127.0.0.1');
      socket.setNoDelay(true);
      let got = '';
      socket.on('data', (d) => (got += d.toString('latin1')));
      const closed = new Promise((resolve) => socket.once('close', resolve));
      await new Promise((resolve) => socket.once('connect', resolve));
      for (const key of `${line}\r\nHost: x\r\n\r\n`) {
        if (socket.destroyed || got) break;
        socket.write(Buffer.from(key, 'latin1'));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await closed;
      const message = bodies(got)[0]?.body?.message as string;
      if (accented) expect(message, line).toMatch(/percent-encode/);
      else expect(message, line).toMatch(/^the request's target (?:"api\/kpis" )?is not a path: send one that begins with a slash/);
    }
  });

  it('answers OPTIONS * (what the server takes) with the methods it takes', async () => {
    expect(await answer('OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toEqual({ status: 204, allow: 'GET, HEAD, POST', message: undefined });
  });

  it('answers CONNECT (a client that takes this server for its proxy) with 405 saying so, where the connection was dropped unanswered', async () => {
    const got = await answer('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(got).toMatchObject({ status: 405, allow: 'GET, HEAD, POST', message: expect.stringMatching(/not a proxy/) });
    const health = await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } });
    expect(health.status).toBe(200);
  });
});

describe('a batch whose body is not there to read as sent', () => {
  const head = (extra: string, version = '1.1') => `POST /api/events HTTP/${version}\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\nContent-Type: application/json\r\n${extra}`;

  it('says a body compressed in its Transfer-Encoding is not taken (Content-Encoding gzip is), not that it is not UTF-8', async () => {
    const { gzipSync } = await import('node:zlib');
    const gz = gzipSync(event('te-gzip'));
    const request = Buffer.concat([Buffer.from(`${head('Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n')}\r\n${gz.length.toString(16)}\r\n`, 'latin1'), gz, Buffer.from('\r\n0\r\n\r\n')]);
    const [answer] = bodies(await raw(request.toString('latin1')));
    expect(answer).toEqual({ status: 415, body: { errors: [{ index: 0, path: '', message: 'Transfer-Encoding gzip is not accepted; send the body uncompressed, or compressed with Content-Encoding gzip or deflate' }] } });
  });

  it('says a request with no Content-Length (nor chunks) has no body to read, not that its JSON ends too soon, and an empty body that it is empty', async () => {
    // HTTP/1.0 with the body after the headers and no length: what a hand-written sender does.
    const [unmeasured] = bodies(await raw(`${head('', '1.0')}\r\n${event('no-length')}`));
    expect(unmeasured).toMatchObject({ status: 411, body: { errors: [{ index: 0, path: '', message: expect.stringMatching(/no Content-Length/) }] } });
    const [empty] = bodies(await raw(`${head('Content-Length: 0\r\nConnection: close\r\n')}\r\n`));
    expect(empty).toEqual({ status: 400, body: { errors: [{ index: 0, path: '', message: 'the body is empty; send one event, a JSON array of them, or NDJSON' }] } });
  });
});

describe('a live feed handshake that lost a header on its way', () => {
  // A proxy that passes Upgrade on but not Connection (nginx without proxy_set_header Connection "upgrade"), or the
  // other way round, turns the handshake into a plain GET: the 426 said to send Upgrade: websocket, which it had.
  it('is told which of the two headers did not arrive, and the 426 names the protocol in Upgrade, as HTTP asks', async () => {
    const get = (headers: string) => raw(`GET /api/live?token=${display} HTTP/1.1\r\nHost: x\r\n${headers}Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nConnection: close\r\n\r\n`);
    for (const [headers, missing] of [['Upgrade: websocket\r\n', 'Connection: Upgrade'], ['', 'Upgrade: websocket']]) {
      const got = await get(headers);
      const [answer] = bodies(got);
      expect(answer, headers).toMatchObject({ status: 426, body: { error: 'upgrade_required', message: expect.stringContaining(`without ${missing}`) } });
      expect(got, headers).toMatch(/\r\nupgrade: websocket\r\n/i);
    }
  });
});

describe('a batch refused before its body is read, on a connection that then closes', () => {
  const size = 11 * 1024 * 1024;
  /** What a sender of an 11 MB batch with Connection: close reads: its answers, or the error its socket failed with. */
  async function oversized(target: string, opts: { halfOpen: boolean }, sendBody: (socket: Socket, failed: () => string | undefined) => Promise<void>) {
    const socket = connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: opts.halfOpen });
    let answer = '';
    let failed: string | undefined;
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', (err) => (failed = (err as NodeJS.ErrnoException).code));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`);
    await sendBody(socket, () => failed);
    await closed;
    return { failed, answers: bodies(answer) };
  }
  const refusal = [{ status: 413, body: { errors: [{ index: 0, path: '', message: 'body is larger than 10 MB; send smaller batches' }] } }];

  // Python's urllib sends Connection: close and its whole body without waiting: closed at once, with the body's rest
  // still arriving, the connection was reset, and the sender read "Broken pipe", never the 413 that says what to do.
  // The address as most senders write it, and with a slash before a query, which the Hono route answers.
  it.each(['/api/events', '/api/events/?source=pbx'])('is answered, the rest of its body read and dropped before the connection closes (%s)', async (target) => {
    // As a sender that blocks on each write does: the body in 64 KB pieces, each once the last has gone.
    const got = await oversized(target, { halfOpen: false }, async (socket, failed) => {
      for (let sent = 0; sent < size && !failed(); sent += 64 * 1024)
        if (!socket.write(Buffer.alloc(64 * 1024, 0x20))) await new Promise((resolve) => (socket.once('drain', resolve), socket.once('close', resolve)));
    });
    expect(got).toEqual({ failed: undefined, answers: refusal });
  });

  // Over a link slower than loopback, 11 MB take a second and more. At a slash before a query, or in an absolute
  // address, the Hono adapter cut the connection half a second after the answer, the body still arriving, and the
  // sender read "Broken pipe" all the same.
  it.each(['/api/events', '/api/events/?source=pbx', 'http://x/api/events'])('is answered so when its body takes over a second to arrive (%s)', async (target) => {
    // Half-open, as a sender that writes its whole body before it reads: a write to a connection the server has cut fails.
    const got = await oversized(target, { halfOpen: true }, async (socket, failed) => {
      for (let sent = 0; sent < size && !failed(); sent += 256 * 1024) {
        socket.write(Buffer.alloc(256 * 1024, 0x20));
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      socket.end();
    });
    expect(got).toEqual({ failed: undefined, answers: refusal });
  });
});
