// An answer as data (status, JSON body, extra headers), for handlers that more than one server sends:
// Hono in app.ts and the Node listener's ingest fast path. And the one mapping of a thrown error to an answer,
// and the one way to answer on a bare socket.
import type { Context } from 'hono';
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { unreadableFile } from '../db/open';
import { passingFailure, RETRY_AFTER_SECONDS } from './ingest/failure';
import { API_HEADERS } from './security-headers';

export interface Answer {
  status: 200 | 400 | 401 | 403 | 411 | 413 | 415 | 417 | 500 | 503;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * A request that threw: 503 with Retry-After when the batch was not stored for a passing reason (writer
 * thread restarting, disk full, database busy), so the sender retries; otherwise a logged bug and a 500.
 */
export function failureAnswer(err: unknown, what: string): Answer {
  const passing = passingFailure(err);
  if (passing) {
    warnNowAndThen(`${what} refused for now: ${(err as Error).message}`);
    return { status: 503, body: { error: 'unavailable', message: passing }, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } };
  }
  if (unreadableFile(err)) {
    // Not a bug of this code's, and no retry mends it: the file on disk must be restored.
    warnNowAndThen(`${what} failed: the database file is damaged (${(err as Error).message}); stop the server and restore it from a backup (npm run restore -- --from <backup>)`, console.error);
    return { status: 503, body: { error: 'unavailable', message: DAMAGED } };
  }
  console.error(`${what} failed:`, err);
  return { status: 500, body: { error: 'internal', message: 'Something went wrong on our side; it has been logged.' } };
}

const DAMAGED = 'The server’s database file is damaged, so this could not be read or stored; its operator must restore it from a backup (the server log says so too).';

/** A warning repeated within this long is counted, not written: a full disk refuses every request, hundreds a second. */
const REPEAT_QUIET_MS = 60_000;
const lastWritten = new Map<string, { at: number; since: number }>();

/** Writes `line` (a warning, unless told), unless it was written less than a minute ago; then says how many like it went unwritten. */
export function warnNowAndThen(line: string, write: (line: string) => void = console.warn, now = Date.now()): void {
  const last = lastWritten.get(line);
  // Written "later" than now: NTP has set the clock back since, and the line is due again (else it went unwritten
  // for as long as the step, hours, while every batch was refused).
  if (last && now >= last.at && now - last.at < REPEAT_QUIET_MS) return void last.since++;
  if (lastWritten.size > 100) lastWritten.clear();
  lastWritten.set(line, { at: now, since: 0 });
  write(last?.since ? `${line} (${last.since} more like it since this was last written)` : line);
}

/** Sends an answer through Hono. */
export function honoAnswer(c: Context, a: Answer): Response {
  if (a.headers) for (const [k, v] of Object.entries(a.headers)) c.header(k, v);
  return c.json(a.body, a.status);
}

/** Sends an answer on Node's own response (the ingest fast path, and what the listener answers before Hono). */
export function nodeAnswer(res: ServerResponse, a: Answer): void {
  const json = JSON.stringify(a.body);
  res.writeHead(a.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...API_HEADERS, ...a.headers });
  res.end(json);
}

/**
 * Answers on a bare socket, where no handler's response exists (a request Node could not parse, a refused
 * WebSocket upgrade), in the API's error shape, and closes it.
 */
export function endSocket(socket: Duplex, status: number, reason: string, body: { error: string; message: string }, headers = ''): void {
  const json = JSON.stringify(body);
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${headers}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
}
