// Puts one runtime on one port: the HTTP API, the built dashboard and the live WebSocket. Used by
// server.ts (the process) and by integration tests, so both run the same assembly.
import { getRequestListener, type ServerType } from '@hono/node-server';
import { statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkpoint, type Db } from '../db/open';
import { endSocket, nodeAnswer } from './answers';
import { watchDeletion } from './deleted-database';
import { answerClientError, answerConnect, answeredBadHost, answeredNotAPath, answerUnreadRequest, servedAsHttp1 } from './http-edges';
import { createApp, type AppDeps } from './app';
import { authenticate, NodeAccessors } from './auth/middleware';
import { refuseTokenUseWhen } from './auth/credentials';
import type { Config } from './config';
import { LiveHub, type HubOptions } from './live/hub';
import { liveStateComputer } from './live/state';
import { getNamedTeams } from './queries/getNamedTeams';
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
  const deletion = watchDeletion(rt, config.DATABASE_PATH);
  // A token's last use is not worth a write that a restart loses, or one into a replaced file's -wal.
  refuseTokenUseWhen(rt.db, () => deletion.found() !== null);
  const deps: AppDeps = {
    db: rt.db,
    config,
    commits: rt.commits,
    now: rt.now,
    scans: rt.scans,
    staticDir: opts.staticDir,
    draining: () => draining,
    liveFull: () => hub.fullBecause(),
    sideFilesGone: deletion.look,
    sideFilesFound: deletion.found,
    sideFilesSaved: deletion.saved,
    targetsChanged: () => hub.changed(),
    teamNamesChanged: () => hub.teamNamesChanged()
  };
  const app = createApp(deps);
  const fastEvents = eventsFastPath(deps);
  const liveState = liveStateComputer(rt.db.$client, config.KPI_TIMEZONE);
  const hub = new LiveHub({
    compute: (filters) => liveState(filters, rt.now()),
    teamNames: () => getNamedTeams(rt.db.$client),
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
          await deletion.stop();
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
    server.on('connect', answerConnect);
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

/** The size of the database's WAL file, in words (a whole number of MB read "0 MB" for a WAL that stays). */
const walSize = (db: Db) => size(statSync(`${db.$client.name}-wal`, { throwIfNoEntry: false })?.size ?? 0);

/** How long an idle keep-alive connection is kept: over the 60 s a load balancer's pool keeps one. */
const KEEP_ALIVE_MS = 65_000;
