// The benchmarks' load generator: a keep-alive HTTP/1.1 client on raw sockets, as wrk is. The server shares
// this machine's 2 cores with it, and node:http's client spent ~190 µs of CPU per request, a core's worth at
// a few thousand requests a second; this one frames requests once and parses only the status line and
// Content-Length, so the figures measure the server. One request in flight per connection; no pipelining.
import { connect, type Socket } from 'node:net';
import { TEST_INGEST_TOKEN } from '../helpers/server';

interface Response {
  status: number;
  text: string;
}

interface Pending {
  /** The whole request, head and body, sent in one write as wrk does. */
  bytes: Buffer;
  resolve: (r: Response) => void;
  reject: (e: Error) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

interface Connection {
  socket: Socket | null;
  current: Pending | null;
  send(p: Pending): void;
  close(): void;
}

function connection(host: string, port: number, onIdle: (c: Connection) => void): Connection {
  const c: Connection = { socket: null, current: null, send, close };
  let buf: Buffer = Buffer.alloc(0);

  function open(): Socket {
    const socket = connect({ host, port, noDelay: true });
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const end = buf.indexOf(HEADER_END);
      if (end < 0 || !c.current) return;
      const head = buf.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      const text = buf.subarray(end + 4, end + 4 + length).toString('utf8');
      buf = buf.subarray(end + 4 + length);
      const done = c.current;
      c.current = null;
      if (/\r\nconnection:\s*close/i.test(head)) drop();
      done.resolve({ status: Number(head.slice(9, 12)), text });
      onIdle(c);
    });
    const fail = (err: Error) => {
      drop();
      const p = c.current;
      c.current = null;
      if (!p) return;
      p.reject(err);
      onIdle(c);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(Object.assign(new Error('socket closed'), { code: 'ECONNRESET' })));
    return socket;
  }
  function drop() {
    c.socket?.removeAllListeners();
    c.socket?.destroy();
    c.socket = null;
    buf = Buffer.alloc(0);
  }
  function send(p: Pending) {
    c.current = p;
    c.socket ??= open();
    c.socket.write(p.bytes);
  }
  function close() {
    drop();
  }
  return c;
}

export function httpClient(url: string, maxSockets: number) {
  const { hostname, port } = new URL(url);
  const idle: Connection[] = [];
  const all: Connection[] = [];
  const queue: Pending[] = [];
  const onIdle = (c: Connection) => {
    const next = queue.shift();
    if (next) c.send(next);
    else idle.push(c);
  };

  const once = (method: string, path: string, bodyText?: string): Promise<Response> =>
    new Promise((resolve, reject) => {
      const body = bodyText ?? '';
      const head =
        `${method} ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${TEST_INGEST_TOKEN}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
      const p: Pending = { bytes: Buffer.from(head + body, 'utf8'), resolve, reject };
      let c = idle.pop();
      if (!c && all.length < maxSockets) all.push((c = connection(hostname, Number(port), onIdle)));
      if (c) c.send(p);
      else queue.push(p);
    });
  // A kept-alive socket the server closed just as it was reused fails with ECONNRESET: send again, as a
  // webhook sender would (event ids make the retry harmless). The time of the retry stays in the figure.
  const request = (method: string, path: string, body?: string) =>
    once(method, path, body).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') return once(method, path, body);
      throw e;
    });
  return {
    request,
    post: (body: string) => request('POST', '/api/events', body),
    close: () => {
      for (const c of all) c.close();
      all.length = 0;
      idle.length = 0;
    }
  };
}
