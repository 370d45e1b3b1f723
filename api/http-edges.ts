// How the server answers requests at the edge of HTTP, before any route: a Host that names no host, a target that
// is not a path, a request Node could not parse, CONNECT, and an upgrade to another protocol than WebSocket. Each
// gets an answer in the API's words, where Node's own is empty or none. listen.ts wires them to the server.
import { RequestError } from '@hono/node-server';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { endSocket, failureAnswer, nodeAnswer, type Answer } from './answers';
import { quote } from './plain-words';
import { API_HEADERS } from './security-headers';

/**
 * A request asking to upgrade to anything but a WebSocket (h2c: `curl --http2` on an http:// address, Java's
 * HttpClient, some monitors) is served as the HTTP/1.1 request it also is, as if it had no Upgrade header, which
 * RFC 9110 (7.8) lets a server do. Node has taken the socket from its parser by now: the request is handed back to
 * the server as it was sent, less that header, with whatever followed it (its body, requests pipelined behind it).
 * Taken for a WebSocket, a batch of events was answered 404 "no WebSocket at /api/events", and nothing stored.
 */
export function servedAsHttp1(server: Server, req: IncomingMessage, socket: Duplex, head: Buffer): void {
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
      // That answer's end set the idle limit of a connection waiting for its next request (the server's
      // keepAliveTimeout), which Node lifts when that request comes: this one has come, and a body slower than that
      // was cut off unanswered.
      (socket as Socket).setTimeout(server.timeout);
      server.emit('connection', socket);
    });
  }
  server.emit('connection', socket);
}

/** A request whose Host names no host, or that has none; `why`, what the adapter said of it, if it was what found it. */
const badHost = (why = ''): Answer => ({
  status: 400,
  body: { error: 'bad_request', message: `the request's Host header is missing or names no host${why && ` (${why})`}; send the server's name or address, such as Host: 127.0.0.1:3000` }
});

/** A request whose Host names no host (or that has none) gets the API's 400; true when it was answered. */
export function answeredBadHost(req: IncomingMessage, res: ServerResponse): boolean {
  const host = req.headers.host;
  if (host && URL.canParse(`http://${host}/`)) return false;
  nodeAnswer(res, badHost());
  return true;
}

/** The methods some path of this server takes. */
const METHODS = 'GET, HEAD, POST';

/**
 * CONNECT asks a proxy for a tunnel (a client whose proxy setting names this server). Unheard, Node drops the
 * connection without a word, which the client reports as a network fault.
 */
export function answerConnect(req: IncomingMessage, socket: Duplex): void {
  socket.on('error', () => socket.destroy());
  endSocket(socket, 405, 'Method Not Allowed', { error: 'method_not_allowed', message: `CONNECT ${quote(req.url)}: this server is not a proxy; send requests to it directly (is a proxy setting, such as HTTPS_PROXY, naming it?)` }, `Allow: ${METHODS}\r\n`);
}

/**
 * A request whose target is not a path (`*`, `ftp://x/…`, an uppercase `HTTP://`, which the adapter reads as a path
 * after the Host) gets a 400 saying so; true when it was answered. The adapter's own answer blamed the Host header.
 * `OPTIONS *` asks what the server takes, and is told.
 */
export function answeredNotAPath(req: IncomingMessage, res: ServerResponse): boolean {
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
export function answerUnreadRequest(err: unknown): Response {
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
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
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
