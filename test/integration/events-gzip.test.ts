// Compressed batches sent to a real server process on a real socket (the Node fast path of POST /api/events, and the
// Hono route it leaves some targets to): stored and counted as uncompressed ones, and a gzip bomb stopped at 10 MB.
import { readFileSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_INGEST_TOKEN, middayZone, seedToken, startServer, type RunningServer } from '../helpers/server';

let server: RunningServer;
let supervisor: string;
beforeAll(async () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'floorboard-gzip-')), 'kpi.sqlite');
  supervisor = seedToken(dbPath, 'supervisor');
  // About noon in the centre's zone: the tickets, stamped a minute ago, are today's (GET /api/kpis's default) whenever
  // the file runs, where in UTC a run in the minute after midnight counted them in yesterday.
  server = await startServer({ dbPath, env: { KPI_TIMEZONE: middayZone() } });
});
afterAll(() => server?.kill('SIGKILL'));

const created = (id: string) => ({ id, type: 'ticket.created', at: Date.now() - 60_000, ticket: `T-${id}`, channel: 'chat' });

/** Posts `body` as it is, with `coding` in Content-Encoding, to `path`: the status and the answer. */
async function post(body: Uint8Array, coding: string, o: { contentType?: string; path?: string } = {}) {
  const res = await fetch(`${server.url}${o.path ?? '/api/events'}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}`, 'content-type': o.contentType ?? 'application/json', 'content-encoding': coding },
    body: new Uint8Array(body)
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function ticketsCreated(): Promise<number> {
  const res = await fetch(`${server.url}/api/kpis`, { headers: { authorization: `Bearer ${supervisor}` } });
  return ((await res.json()) as { tickets: { created: number } }).tickets.created;
}

/** The most memory the server process has held since it started (its peak resident set), in bytes. */
const peakMemory = () => Number(/VmHWM:\s*(\d+) kB/.exec(readFileSync(`/proc/${server.proc.pid}/status`, 'utf8'))![1]) * 1024;

/** Sends `request` as raw bytes; resolves with all that came back once the server ends the connection. */
function raw(request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(server.port, '127.0.0.1', () => socket.end(request));
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

/** The status and JSON body of the one answer in `got`. */
function answerTo(got: string): { status: number; body: any } {
  return { status: Number(got.slice(9, 12)), body: JSON.parse(got.slice(got.indexOf('\r\n\r\n') + 4)) };
}

const fault = (status: number, message: string) => ({ status, body: { errors: [{ index: 0, path: '', message }] } });

describe('a compressed batch on a real socket', () => {
  it('is stored and counted: gzip, NDJSON gzipped, deflate, and at a target the Hono route answers', async () => {
    const start = await ticketsCreated();
    expect(await post(gzipSync(JSON.stringify([created('s-gz-1'), created('s-gz-2')])), 'gzip')).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    const nd = [created('s-nd-1'), created('s-nd-2'), created('s-nd-3')].map((e) => JSON.stringify(e)).join('\n');
    expect(await post(gzipSync(nd), 'gzip', { contentType: 'application/x-ndjson' })).toEqual({ status: 200, body: { accepted: 3, duplicates: 0 } });
    expect(await post(deflateSync(JSON.stringify(created('s-df-1'))), 'deflate')).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    // /api/%65vents is /api/events to Hono, which the fast path leaves to it.
    expect(await post(gzipSync(JSON.stringify(created('s-hono-1'))), 'x-gzip', { path: '/api/%65vents' })).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    expect(await ticketsCreated()).toBe(start + 7);
  });

  it('as raw deflate (no zlib header, as old senders send deflate) is stored on the fast path and the Hono route alike', async () => {
    const start = await ticketsCreated();
    expect(await post(deflateRawSync(JSON.stringify([created('s-raw-1'), created('s-raw-2')])), 'deflate')).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    expect(await post(deflateRawSync(JSON.stringify(created('s-raw-hono-1'))), 'deflate', { path: '/api/%65vents' })).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    expect(await ticketsCreated()).toBe(start + 3);
  });

  it('as deflate, zlib or raw, whose first chunk holds one byte, is told apart once the second comes', async () => {
    const start = await ticketsCreated();
    for (const [path, coded] of [
      ['/api/events', deflateRawSync(JSON.stringify(created('s-byte-raw')))],
      ['/api/events', deflateSync(JSON.stringify(created('s-byte-zlib')))],
      ['/api/%65vents', deflateRawSync(JSON.stringify(created('s-byte-raw-hono')))]
    ] as const) {
      const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\nContent-Type: application/json\r\nContent-Encoding: deflate\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
      const chunk = (b: Buffer) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);
      const got = await new Promise<string>((resolve, reject) => {
        let text = '';
        const socket = connect(server.port, '127.0.0.1', () => {
          socket.write(Buffer.concat([Buffer.from(head), chunk(coded.subarray(0, 1))]));
          setTimeout(() => socket.write(Buffer.concat([chunk(coded.subarray(1)), Buffer.from('0\r\n\r\n')])), 50);
        });
        socket.on('data', (d) => (text += d.toString('latin1')));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      expect(answerTo(got), path).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    }
    expect(await ticketsCreated()).toBe(start + 3);
  });

  it('as raw deflate that is corrupt is a 400 saying so, and one that decodes past 10 MB a 413', async () => {
    const raw = deflateRawSync(JSON.stringify([created('s-raw-bad-1'), created('s-raw-bad-2')]));
    const start = await ticketsCreated();
    const notDeflate = fault(400, 'body is not valid deflate (corrupt, or cut short); send it again, or uncompressed');
    expect(await post(raw.subarray(0, raw.length - 4), 'deflate')).toEqual(notDeflate);
    expect(await post(raw.subarray(0, raw.length - 4), 'deflate', { path: '/api/%65vents' })).toEqual(notDeflate);
    const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024));
    expect(await post(bomb, 'deflate')).toEqual(fault(413, 'body decompresses to more than 10 MB; send smaller batches'));
    expect(await ticketsCreated()).toBe(start);
  });

  it('sent again is counted as duplicates', async () => {
    const batch = gzipSync(JSON.stringify([created('s-dup-1'), created('s-dup-2')]));
    expect(await post(batch, 'gzip')).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    expect(await post(batch, 'gzip')).toEqual({ status: 200, body: { accepted: 0, duplicates: 2 } });
  });

  it('sent in chunks (no Content-Length) is stored, and the connection serves the next request', async () => {
    const gz = gzipSync(JSON.stringify(created('s-chunked-1')));
    const half = gz.length >> 1;
    const head = `POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = (b: Buffer) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);
    const health = `GET /api/health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\nConnection: close\r\n\r\n`;
    const got = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(Buffer.concat([Buffer.from(head), chunk(gz.subarray(0, half))]));
        setTimeout(() => socket.write(Buffer.concat([chunk(gz.subarray(half)), Buffer.from('0\r\n\r\n'), Buffer.from(health)])), 50);
      });
      socket.on('data', (d) => (text += d.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(got).toMatch(/^HTTP\/1\.1 200 [^]*\{"accepted":1,"duplicates":0\}HTTP\/1\.1 200 /);
  });

  it('from a sender that waits for 100 Continue (as curl does above 1 KB) is told to go on, and stored', async () => {
    const gz = gzipSync(JSON.stringify(Array.from({ length: 50 }, (_, i) => created(`s-continue-${i}`))));
    const got = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(server.port, '127.0.0.1', () =>
        socket.write(`POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`)
      );
      socket.on('data', (d) => {
        text += d.toString('latin1');
        // The body only once the server asks for it: a sender that never hears 100 Continue waits (curl: a second).
        if (text === 'HTTP/1.1 100 Continue\r\n\r\n') socket.write(gz);
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(got).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 [^]*\{"accepted":50,"duplicates":0\}$/);
  });

  it('that decodes past 10 MB (1 GB of zeros in 1 MB: a gzip bomb) is a 413, never inflated in full nor held', async () => {
    // Members of 16 MB of zeros each, one after another: a gzip stream decoders read as one, 1 GB in all.
    const bomb = Buffer.concat(Array(64).fill(gzipSync(Buffer.alloc(16 * 1024 * 1024))));
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const start = await ticketsCreated();
    const peakBefore = peakMemory();
    expect(await post(bomb, 'gzip')).toEqual(fault(413, 'body decompresses to more than 10 MB; send smaller batches'));
    // Held in full, the server's peak would have grown by a gigabyte; stopped at the limit, by tens of MB at most.
    expect(peakMemory() - peakBefore).toBeLessThan(200 * 1024 * 1024);
    expect(await ticketsCreated()).toBe(start);
    // And the server goes on taking batches.
    expect(await post(gzipSync(JSON.stringify(created('s-after-bomb'))), 'gzip')).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
  });

  it('that is corrupt is a 400 saying so, and nothing of it is stored', async () => {
    const gz = gzipSync(JSON.stringify([created('s-bad-1'), created('s-bad-2')]));
    const start = await ticketsCreated();
    expect(await post(gz.subarray(0, gz.length - 8), 'gzip')).toEqual(fault(400, 'body is not valid gzip (corrupt, or cut short); send it again, or uncompressed'));
    expect(await ticketsCreated()).toBe(start);
  });

  it('with nothing in it is called empty, or unmeasured (411) with no Content-Length, not corrupt gzip', async () => {
    const head = (extra: string, version = '1.1') =>
      `POST /api/events HTTP/${version}\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n${extra}\r\n`;
    expect(answerTo(await raw(head('Content-Length: 0\r\nConnection: close\r\n')))).toEqual(fault(400, 'the body is empty; send one event, a JSON array of them, or NDJSON'));
    // HTTP/1.0 with the body after the headers and no length: what a hand-written sender does.
    const unmeasured = answerTo(await raw(Buffer.concat([Buffer.from(head('', '1.0')), gzipSync(JSON.stringify(created('s-unmeasured')))])));
    expect(unmeasured).toMatchObject({ status: 411, body: { errors: [{ index: 0, path: '', message: expect.stringMatching(/no Content-Length/) }] } });
  });

  it('from a sender that hangs up halfway is dropped, and the server goes on serving', async () => {
    const gz = gzipSync(JSON.stringify([created('s-gone-1'), created('s-gone-2')]));
    const start = await ticketsCreated();
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(
          Buffer.concat([
            Buffer.from(`POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`),
            gz.subarray(0, gz.length >> 1)
          ])
        );
        setTimeout(() => socket.destroy(), 100);
      });
      socket.on('close', () => resolve());
      socket.on('error', () => {});
    });
    expect(await post(gzipSync(JSON.stringify(created('s-after-gone'))), 'gzip')).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    expect(await ticketsCreated()).toBe(start + 1);
    expect(server.output()).not.toMatch(/error|failed/i);
  });

  it('in another coding (br) is a 415 naming the codings taken', async () => {
    expect(await post(gzipSync(JSON.stringify(created('s-br-1'))), 'br')).toEqual(
      fault(415, 'Content-Encoding br is not accepted; send the body uncompressed, or compressed with Content-Encoding gzip or deflate')
    );
  });
});
