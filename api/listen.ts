// Puts one runtime on one port: the HTTP API, the built dashboard and the live WebSocket. Used by
// server.ts (the process) and by integration tests, so both run the same assembly.
import { RequestError, getRequestListener, type ServerType } from '@hono/node-server';
import { statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkpoint, type Db } from '../db/open';
import { endSocket, failureAnswer, nodeAnswer, type Answer } from './answers';
import { API_HEADERS } from './security-headers';
import { createApp, type AppDeps } from './app';
import { authenticate, NodeAccessors } from './auth/middleware';
import type { Config } from './config';
import { LiveHub, type HubOptions } from './live/hub';
import { liveStateComputer } from './live/state';
import { quote, size } from './plain-words';
import { eventsFastPath } from './routes/events';
import type { Runtime } from './runtime';

export interface Listening {
  server: ServerType;
  hub: LiveHub;
  port: number;
  /** Refuses new requests, finishes acknowledged work, closes sockets and the database. */
  close(): Promise<void>;
}

/**
 * How long a stop waits, once acknowledged work is done, for requests still arriving (a body still on its way)
 * before it cuts their connections. Without a bound, one client that never finishes its body would hold the
 * process, and the database's lock, forever: nothing such a request sent was stored, so it loses nothing.
 */
export const SHUTDOWN_GRACE_MS = 5_000;

/** How long listening waits for the writer thread; one that cannot open the database answers 503 meanwhile. */
const WRITER_START_WAIT_MS = 15_000;

export async function listen(
  rt: Runtime,
  config: Config,
  opts: { staticDir?: string; hub?: Partial<HubOptions>; onListening?: (port: number) => void } = {}
): Promise<Listening> {
  // Open the port only once a batch sent to it can be committed: the writer thread loads for a few hundred ms,
  // and until then the first requests would wait.
  await Promise.race([rt.writable(), new Promise((resolve) => setTimeout(resolve, WRITER_START_WAIT_MS).unref())]);
  let draining = false;
  const deps: AppDeps = { db: rt.db, config, commits: rt.commits, now: rt.now, scans: rt.scans, staticDir: opts.staticDir, draining: () => draining, liveFull: () => hub.fullBecause() };
  const app = createApp(deps);
  const fastEvents = eventsFastPath(deps);
  const liveState = liveStateComputer(rt.db.$client, config.KPI_TIMEZONE);
  const hub = new LiveHub({
    compute: (filters) => liveState(filters, rt.now()),
    now: rt.now,
    authenticate: (req) => authenticate(rt.db, new NodeAccessors(req), rt.now(), true),
    maxClients: config.LIVE_MAX_CLIENTS,
    ...opts.hub
  });
  const onChanged = () => hub.changed();
  rt.onChanged.add(onChanged);
  // The backlog sample every minute and WAL checkpoints run where the writes run (the writer thread), and the
  // server's checkpointer thread starts.
  const stopMaintenance = rt.startMaintenance();

  return new Promise((resolve, reject) => {
    // POST /api/events is answered from Node's request directly (routes/events.ts); the rest goes to Hono.
    const honoListener = getRequestListener(app.fetch, { hostname: config.HOST, errorHandler: answerUnreadRequest });
    // A request with no Host is answered below in the API's words (Node's own check answers an empty 400).
    const server = createServer({ requireHostHeader: false }, (req, res) => void (fastEvents(req, res) || answeredBadHost(req, res) || answeredNotAPath(req, res) || honoListener(req, res)));
    // A sender may close its side of the connection once its request is sent (`nc -N`, some embedded clients).
    // Node's default then drops the requests not yet answered: a batch was stored, and its 200 never sent. With
    // this, each is answered, and the connection closes after the last.
    (server as { httpAllowHalfOpen?: boolean }).httpAllowHalfOpen = true;
    // An idle keep-alive connection is kept KEEP_ALIVE_MS, not Node's 5 s: a sender that posts every few seconds on a
    // pooled connection, or a proxy whose own pool idles 60 s (a cloud load balancer's default), sent its next POST
    // as the server closed the connection and saw it fail with a reset, which no client sends again on its own.
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    // Above it, or a request begun as the keep-alive wait ends could be timed out on its headers (Node's advice).
    server.headersTimeout = KEEP_ALIVE_MS + 1_000;
    // A sender waiting for 100 Continue: a batch is told to go on only once its body is wanted, so one refused (no
    // token, over 10 MB) hears why without sending it; any other request is told at once, as Node does by itself.
    server.on('checkContinue', (req, res) => {
      if (fastEvents(req, res, true)) return;
      res.writeContinue();
      void (answeredBadHost(req, res) || answeredNotAPath(req, res) || honoListener(req, res));
    });
    // Node answers an Expect it does not know with an empty 417.
    server.on('checkExpectation', (req, res) =>
      nodeAnswer(res, {
        status: 417,
        body: { error: 'expectation_failed', message: `Expect: ${quote(req.headers.expect)} is not one this server meets; send Expect: 100-continue, or none` },
        headers: { connection: 'close' }
      })
    );
    // Before it listens, a failure (the port taken, a host not on this machine) is the caller's to report.
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', reject);
      resolve({
        server,
        hub,
        port: (server.address() as AddressInfo).port,
        async close() {
          draining = true;
          hub.close(SHUTDOWN_GRACE_MS);
          stopMaintenance();
          rt.onChanged.delete(onChanged);
          const closed = new Promise<void>((r) => server.close(() => r()));
          await rt.commits.close();
          server.closeIdleConnections();
          const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
          await closed;
          clearTimeout(cut);
          await rt.stopWriter();
          // Everything is committed: a checkpoint that fails (a full disk) leaves the WAL beside the database,
          // where the next start reads it.
          try {
            // A reader on an old snapshot (a backup, a sqlite3 shell left in a transaction) keeps it from being
            // folded back, and the busy timeout's 5 s did not see it go.
            if (!checkpoint(rt.db))
              console.warn(
                `The WAL (${walSize(rt.db)}) stays beside the database: a reader still holds an old snapshot of it (a backup, a sqlite3 shell left in a transaction); it is read at the next start.`
              );
          } catch (err) {
            console.warn(`The WAL could not be folded into the database (${(err as Error).message}); it stays beside it and is read at the next start.`);
          }
          rt.db.$client.close();
        }
      });
    });
    server.on('clientError', answerClientError);
    // CONNECT asks a proxy for a tunnel (a client whose proxy setting names this server). Unheard, Node drops the
    // connection without a word, which the client reports as a network fault.
    server.on('connect', (req: IncomingMessage, socket: Duplex) => {
      socket.on('error', () => socket.destroy());
      endSocket(socket, 405, 'Method Not Allowed', { error: 'method_not_allowed', message: `CONNECT ${quote(req.url)}: this server is not a proxy; send requests to it directly (is a proxy setting, such as HTTPS_PROXY, naming it?)` }, `Allow: ${METHODS}\r\n`);
    });
    server.on('upgrade', (req, socket, head) => {
      // Node hands the socket over without its error listener: a client that resets it while it is being answered
      // would raise an error nobody handles, and end the process.
      if (!/\bwebsocket\b/i.test(req.headers.upgrade ?? '')) return servedAsHttp1(server, req, socket, head);
      socket.on('error', () => socket.destroy());
      // Thrown here, an error would end the process (no framework catches it): one request must not take the server down.
      try {
        if (!hub.handleUpgrade(req, socket, head)) endSocket(socket, 404, 'Not Found', { error: 'not_found', message: `no WebSocket at ${quote(req.url?.split('?')[0])}; the live data is at /api/live` });
      } catch (err) {
        console.error('live feed: an upgrade failed:', err);
        endSocket(socket, 500, 'Internal Server Error', { error: 'internal', message: 'The live feed failed to open; the server log says why. Retry shortly.' });
      }
    });
  });
}

/**
 * A request asking to upgrade to anything but a WebSocket (h2c: `curl --http2` on an http:// address, Java's
 * HttpClient, some monitors) is served as the HTTP/1.1 request it also is, as if it had no Upgrade header, which
 * RFC 9110 (7.8) lets a server do. Node has taken the socket from its parser by now: the request is handed back to
 * the server as it was sent, less that header, with whatever followed it (its body, requests pipelined behind it).
 * Taken for a WebSocket, a batch of events was answered 404 "no WebSocket at /api/events", and nothing stored.
 */
function servedAsHttp1(server: Server, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() !== 'upgrade') lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  // Put back at once, even when it waits (below): with bytes unread, a sender's close (`nc -N`) that comes meanwhile
  // is read after them. Put back later, the close had ended the connection, and the requests went unanswered.
  socket.unshift(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]));
  // Pipelined behind a request still being answered (a batch whose commit is under way), it waits for that answer,
  // which the connection's old state sends and would not pass the connection on from.
  const pending = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  if (pending && !pending.writableFinished) {
    // Node took its error listener off with the parser: a reset meanwhile would end the process. Taken off again
    // once the server has the connection back, or a keep-alive connection would gather one a request.
    const gone = () => socket.destroy();
    socket.on('error', gone);
    return void pending.once('finish', () => {
      socket.off('error', gone);
      // That answer's end set the idle limit of a connection waiting for its next request (keepAliveTimeout, 5 s), which
      // Node lifts when that request comes: this one has come, and a body slower than that was cut off unanswered.
      (socket as Socket).setTimeout(server.timeout);
      server.emit('connection', socket);
    });
  }
  server.emit('connection', socket);
}

/** The size of the database's WAL file, in words (a whole number of MB read "0 MB" for a WAL that stays). */
const walSize = (db: Db) => size(statSync(`${db.$client.name}-wal`, { throwIfNoEntry: false })?.size ?? 0);

/** A request whose Host names no host, or that has none; `why`, what the adapter said of it, if it was what found it. */
const badHost = (why = ''): Answer => ({
  status: 400,
  body: { error: 'bad_request', message: `the request's Host header is missing or names no host${why && ` (${why})`}; send the server's name or address, such as Host: 127.0.0.1:3000` }
});

/** A request whose Host names no host (or that has none) gets the API's 400; true when it was answered. */
function answeredBadHost(req: IncomingMessage, res: ServerResponse): boolean {
  const host = req.headers.host;
  if (host && URL.canParse(`http://${host}/`)) return false;
  nodeAnswer(res, badHost());
  return true;
}

/** How long an idle keep-alive connection is kept: over the 60 s a load balancer's pool keeps one. */
const KEEP_ALIVE_MS = 65_000;

/** The methods some path of this server takes. */
const METHODS = 'GET, HEAD, POST';

/**
 * A request whose target is not a path (`*`, `ftp://x/…`, an uppercase `HTTP://`, which the adapter reads as a path
 * after the Host) gets a 400 saying so; true when it was answered. The adapter's own answer blamed the Host header.
 * `OPTIONS *` asks what the server takes, and is told.
 */
function answeredNotAPath(req: IncomingMessage, res: ServerResponse): boolean {
  const target = req.url ?? '';
  if (target.startsWith('/') || target.startsWith('http://') || target.startsWith('https://')) return false;
  if (req.method === 'OPTIONS' && target === '*') res.writeHead(204, { allow: METHODS, ...API_HEADERS }).end();
  else nodeAnswer(res, { status: 400, body: { error: 'bad_request', message: notAPath(target) } });
  return true;
}

/** `target`: as sent, unless only its end is known (see requestTarget). */
const notAPath = (target?: string) => `the request's target ${target === undefined ? '' : `${quote(target)} `}is not a path: send one that begins with a slash, such as /api/kpis (or a whole http:// address)`;

/**
 * A request the adapter could not make a fetch Request of (a Host header that names no host, `Host: [`); its
 * own answer is an empty 400. Anything else thrown before Hono's handlers is ours, and logged.
 */
function answerUnreadRequest(err: unknown): Response {
  const a: Answer = !(err instanceof RequestError)
    ? failureAnswer(err, 'a request, before it reached the API,')
    : /host header/i.test(err.message)
      ? badHost(err.message)
      : { status: 400, body: { error: 'bad_request', message: `the request's address is not one a URL can hold (${err.message}); send a path such as /api/kpis, its special characters percent-encoded` } };
  return Response.json(a.body, { status: a.status, headers: a.headers });
}

/**
 * The target Node could not parse, as sent, read around where it stopped (the packet may hold requests pipelined
 * before it); `whole` is false when the packet holds only its end, its start having come in packets before (a request
 * typed a key at a time, as Windows' telnet sends it, comes a byte a packet).
 */
function requestTarget(err: NodeJS.ErrnoException): { target: string; whole: boolean } | null {
  const { rawPacket, bytesParsed } = err as { rawPacket?: Buffer; bytesParsed?: number };
  if (!rawPacket || bytesParsed === undefined) return null;
  const packet = rawPacket.toString('latin1');
  const start = packet.lastIndexOf(' ', bytesParsed);
  const end = packet.indexOf(' ', bytesParsed);
  return { target: packet.slice(start + 1, end < 0 ? undefined : end), whole: start >= 0 };
}

/** Node's parse failures an operator or sender can mend: status, reason phrase, what to do. */
const CLIENT_ERRORS: Record<string, [status: number, reason: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'the request line and headers are larger than 16 KB; send a shorter address or fewer headers'],
  // What `curl -g '…?team=风控'` sends: raw UTF-8 in the request line, which HTTP/1.1 does not allow.
  HPE_INVALID_URL: [400, 'Bad Request', 'the address has characters an address must percent-encode: text such as 风控 is written as its UTF-8 bytes, %E9%A3%8E%E6%8E%A7 (curl does it with -G --data-urlencode)'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'the request did not arrive in time (a Content-Length larger than the body sent?)'],
  HPE_INVALID_EOF_STATE: [400, 'Bad Request', 'the connection was closed before the body ended (a Content-Length larger than the body sent?); nothing of it was stored']
};

/**
 * A request Node could not parse never reaches a handler; Node's own answer is an empty 400 or 431. Say what
 * was wrong, in the API's error shape, as every other refusal does.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const [status, reason, known] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'Bad Request', `the request is not valid HTTP/1.1 (${err.code ?? err.message})`];
  // Not a path at all (`GET api/kpis`, no slash first), rather than text an address must percent-encode. Of a target
  // seen only in part, printable text is what the parser took for a scheme: a path of it would have parsed.
  const target = err.code === 'HPE_INVALID_URL' ? requestTarget(err) : null;
  const printable = target !== null && !/[^\x21-\x7e]/.test(target.target);
  const message = printable && !target.whole ? notAPath() : printable && !target.target.startsWith('/') ? notAPath(target.target) : known;
  const answer = () => {
    if (socket.writable) endSocket(socket, status, reason, { error: 'bad_request', message });
  };
  // A request before it on this connection (pipelined) is still being answered: a batch of events, say, whose
  // commit is under way. Its answer goes first, as HTTP orders them; written now, this one would take its place
  // (Node then ends the connection, and this answer is written only if it is still open).
  const pending = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  // Unless that request is the one that failed: its body broke off (a malformed chunk, the connection closed
  // early) or never came in time. Its handler waits for the rest, so it would never be answered, and the
  // connection never closed.
  if (!pending || pending.writableFinished || (!pending.req.complete && !pending.headersSent)) return answer();
  pending.once('finish', answer);
  pending.once('close', () => pending.writableFinished || socket.destroy());
}

