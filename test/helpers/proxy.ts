// A reverse proxy in front of a test server, set up as nginx's default is: each request, and each WebSocket
// upgrade, reaches the server addressed to the server's own host (Host rewritten), so a page's Origin names a
// host the server was not asked for. `passHost` makes it pass the browser's host on as X-Forwarded-Host (the fix
// the dashboard tells an operator to make); `dropUpgrade` makes it pass a WebSocket's handshake on as a plain GET,
// as nginx does without `proxy_set_header Upgrade`. Either may be changed while the proxy runs.
import { createServer, request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { freePort } from './server';

export interface Proxy {
  port: number;
  passHost: boolean;
  dropUpgrade: boolean;
  /** Ends the WebSockets it carries, as a proxy reloaded with a new configuration does. */
  cutWebSockets(): void;
  close(): Promise<void>;
}

export async function hostRewritingProxy(serverUrl: string): Promise<Proxy> {
  const target = new URL(serverUrl);
  const headersFor = (headers: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> => ({
    ...headers,
    host: target.host,
    ...(proxy.passHost && headers.host ? { 'x-forwarded-host': headers.host } : {})
  });
  const server = createServer((req, res) => {
    const forward = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: headersFor(req.headers) }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  // An upgrade is passed on as it came, Host rewritten, and then the bytes both ways.
  const upgraded = new Set<{ destroy(): void }>();
  server.on('upgrade', (req, socket, head) => {
    if (proxy.dropUpgrade) return void asPlainRequest(req, socket);
    const upstream = connect(Number(target.port), target.hostname, () => {
      const lines = Object.entries(headersFor(req.headers)).flatMap(([k, v]) => (v === undefined ? [] : [v].flat().map((x) => `${k}: ${x}`)));
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    const carried = { destroy: () => (upgraded.delete(carried), upstream.destroy(), socket.destroy()) };
    const end = carried.destroy;
    upgraded.add(carried);
    upstream.on('error', end);
    upstream.on('close', end);
    socket.on('error', end);
    socket.on('close', end);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const proxy: Proxy = {
    port,
    passHost: false,
    dropUpgrade: false,
    cutWebSockets: () => upgraded.forEach((u) => u.destroy()),
    close: () => {
      server.closeAllConnections();
      for (const u of upgraded) u.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    }
  };
  return proxy;

  function asPlainRequest(req: IncomingMessage, socket: Duplex): void {
    const { upgrade: _upgrade, connection: _connection, ...headers } = headersFor(req.headers);
    const forward = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers }, (answer) => {
      const lines = Object.entries(answer.headers).flatMap(([k, v]) => (v === undefined || k === 'connection' ? [] : [v].flat().map((x) => `${k}: ${x}`)));
      socket.write(`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\n${[...lines, 'connection: close'].join('\r\n')}\r\n\r\n`);
      answer.pipe(socket);
    });
    forward.on('error', () => socket.destroy());
    socket.on('error', () => forward.destroy());
    forward.end();
  }
}
