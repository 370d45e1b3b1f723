// One request must never take the server down, nor keep it from stopping: a real server process, sent what
// no client should send.
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SHUTDOWN_GRACE_MS } from '../../api/listen';
import { TEST_INGEST_TOKEN, seedToken, startServer, type RunningServer } from '../helpers/server';

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.kill('SIGKILL');
  server = null;
});

const dbPath = () => join(mkdtempSync(join(tmpdir(), 'floorboard-hostile-')), 'kpi.sqlite');

/** Sends `request` as raw bytes; resolves with what came back once the server ends the connection. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (d) => (got += d.toString()));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
}

async function alive(s: RunningServer): Promise<number> {
  return (await fetch(`${s.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } })).status;
}

describe('the server stays up', () => {
  it('when a WebSocket upgrade names no address at all (`//[`): 400, and it goes on serving', async () => {
    server = await startServer({ dbPath: dbPath() });
    const answer = await raw(server.port, 'GET //[ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('is not an address; the live data is at /api/live');
    expect(await alive(server)).toBe(200);
    expect(server.proc.exitCode).toBeNull();
  });

  it('when a request names no host (`Host: [`): 400 in the API\'s words, not an empty answer', async () => {
    server = await startServer({ dbPath: dbPath() });
    const answer = await raw(server.port, 'GET /api/kpis HTTP/1.1\r\nHost: [\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'bad_request', message: expect.stringMatching(/Host header is missing or names no host/) });
    expect(await alive(server)).toBe(200);
  });

  it('when a wall sends a subscribe message nested thousands deep: an error message, and the feed and server go on', async () => {
    const path = dbPath();
    const display = seedToken(path, 'display');
    server = await startServer({ dbPath: path });
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/live?token=${display}`);
    const messages: { type: string; message?: string }[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    ws.send(`{"type":${'['.repeat(7000)}${']'.repeat(7000)},"filters":{}}`);
    for (let i = 0; i < 100 && !messages.some((m) => m.type === 'error'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(messages.find((m) => m.type === 'error')?.message).toMatch(/^type: a list is not one of "subscribe"; /);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(await alive(server)).toBe(200);
    ws.terminate();
  });
});

describe('SIGTERM', () => {
  it(`stops within its grace (${SHUTDOWN_GRACE_MS / 1000} s) while a client never finishes its body, and a new server can open the file`, async () => {
    const path = dbPath();
    server = await startServer({ dbPath: path });
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.on('error', () => {});
    socket.write(`POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{"id":"half"`);
    await new Promise((r) => setTimeout(r, 300));
    const exit = server.kill('SIGTERM');
    const gaveUp = new Promise((r) => setTimeout(() => r('still running'), SHUTDOWN_GRACE_MS + 15_000));
    expect(await Promise.race([exit, gaveUp])).toBe(0);
    expect(server.output()).toContain('Stopped cleanly.');
    socket.destroy();
    server = await startServer({ dbPath: path });
    expect(await alive(server)).toBe(200);
  }, 40_000);
});
