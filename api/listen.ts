// Puts one runtime on one port: the HTTP API, the built dashboard and the live WebSocket. Used by
// server.ts (the process) and by integration tests, so both run the same assembly.
import { serve, type ServerType } from '@hono/node-server';
import type { IncomingMessage } from 'node:http';
import { checkpoint } from '../db/open';
import { createApp } from './app';
import { authenticate } from './auth/middleware';
import type { Config } from './config';
import { LiveHub, type HubOptions } from './live/hub';
import { liveStateComputer } from './live/state';
import type { Runtime } from './runtime';

export interface Listening {
  server: ServerType;
  hub: LiveHub;
  port: number;
  /** Refuses new requests, finishes acknowledged work, closes sockets and the database. */
  close(): Promise<void>;
}

function requestAccessors(req: IncomingMessage) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const cookies = new Map(
    (req.headers.cookie ?? '').split(';').map((c) => {
      const i = c.indexOf('=');
      return [c.slice(0, i).trim(), decodeURIComponent(c.slice(i + 1).trim())] as [string, string];
    })
  );
  return {
    header: (name: string) => req.headers[name.toLowerCase()] as string | undefined,
    query: (name: string) => url.searchParams.get(name) ?? undefined,
    cookie: (name: string) => cookies.get(name)
  };
}

export function listen(
  rt: Runtime,
  config: Config,
  opts: { staticDir?: string; hub?: Partial<HubOptions>; onListening?: (port: number) => void } = {}
): Promise<Listening> {
  let draining = false;
  const app = createApp({ db: rt.db, config, commits: rt.commits, now: rt.now, staticDir: opts.staticDir, draining: () => draining });
  const liveState = liveStateComputer(rt.db.$client, config.KPI_TIMEZONE);
  const hub = new LiveHub({
    compute: (filters) => liveState(filters, rt.now()),
    authenticate: (req) => authenticate(rt.db, requestAccessors(req), rt.now()),
    now: rt.now,
    maxClients: config.LIVE_MAX_CLIENTS,
    ...opts.hub
  });
  const onCommitted = () => hub.committed();
  rt.onCommitted.add(onCommitted);
  // The backlog sample every minute and WAL checkpoints run where the writes run (the writer thread).
  const stopMaintenance = rt.startMaintenance();

  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
      resolve({
        server,
        hub,
        port: info.port,
        async close() {
          draining = true;
          hub.close();
          stopMaintenance();
          rt.onCommitted.delete(onCommitted);
          const closed = new Promise<void>((r) => server.close(() => r()));
          await rt.commits.close();
          (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          await closed;
          await rt.stopWriter();
          checkpoint(rt.db);
          rt.db.$client.close();
        }
      });
    });
    server.on('upgrade', (req, socket, head) => {
      if (!hub.handleUpgrade(req, socket, head)) socket.destroy();
    });
  });
}
