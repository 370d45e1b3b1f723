// The process: reads the environment, bootstraps credentials, builds the dashboard if needed, listens on
// PORT (API, dashboard and live WebSocket on one port), optionally runs the demo, and shuts down cleanly.
import { createServer as createNetServer } from 'node:net';
import { constants, networkInterfaces } from 'node:os';
import { claimForServer, openFailure, unreadableFile } from '../db/open';
import { bootstrapCredentials } from './auth/credentials';
import { exit, goOnWithoutOutput, orExit, readFlags } from './cli/exit';
import { BROWSER_REFUSED_PORTS, configFailure, configWarnings, loadConfig, type Config } from './config';
import { validateEvents } from './events/parse';
import { derivedByOlderRules } from './ingest/derived-rules';
import { listen, type Listening } from './listen';
import { hasEventWithIdPrefix } from './queries/hasEventWithIdPrefix';
import { hasStoredEvents } from './queries/hasStoredEvents';
import { newestEventWithIdPrefix } from './queries/newestEventWithIdPrefix';
import { createServerRuntime } from './runtime';
import type { Demo } from './sim/demo';
import { ensureDashboardBuilt } from './web-build';

const USAGE = `Usage: npm start [-- --demo]

Serves the API, the live WebSocket and the dashboard on PORT, with the database at DATABASE_PATH.
  --demo    stream a realistic simulated day into the database (backfilled from local midnight, or
            carrying on a demo run begun in the last 7 days, from its start)
  --help    show this
Settings are environment variables (PORT, HOST, DATABASE_PATH, KPI_TIMEZONE, …): see README.md.`;

// Whatever read its log went away (npm start | head, a pipe to a logger that stopped): it goes on serving, its lines
// dropped, where the next line it wrote ended the process in an EPIPE stack trace.
goOnWithoutOutput();

const args = readFlags({ demo: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } }, USAGE);

const config = orExit(loadConfig, configFailure);
for (const warning of configWarnings(config)) console.warn(`Warning: ${warning}`);
/** Why the server could not listen, for the errors an operator can mend. */
const LISTEN_FAILURES: Record<string, (c: Config) => string> = {
  EADDRINUSE: (c) => `port ${c.PORT} is already in use (another Floorboard, or another program); stop it or set PORT to a free port`,
  EADDRNOTAVAIL: (c) => `HOST ${c.HOST} is not an address of this machine; set HOST to one that is, or to 0.0.0.0`,
  ENOTFOUND: (c) => `HOST ${JSON.stringify(c.HOST)} is not a name this machine can look up; set HOST to one of its addresses, or to 0.0.0.0`,
  EAI_AGAIN: (c) => `HOST ${JSON.stringify(c.HOST)} could not be looked up (no name server answered); set HOST to an address, or to 0.0.0.0`,
  EACCES: (c) => `port ${c.PORT} needs privileges this process does not have; set PORT to 1024 or above`
};

/**
 * Whether PORT on HOST can be listened on, tried before the database is opened: a start refused for its port (taken,
 * privileged, not an address here) makes nothing, where it made the database and showed a first start's secrets.
 * The listen itself still says why, should the port be taken in between.
 */
function portProblem(c: Config): Promise<NodeJS.ErrnoException | null> {
  if (c.PORT === 0) return Promise.resolve(null);
  return new Promise((resolve) => {
    const probe = createNetServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    probe.listen({ port: c.PORT, host: c.HOST, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}
const cannotListen = (err: NodeJS.ErrnoException) => `Floorboard cannot listen: ${LISTEN_FAILURES[err.code ?? '']?.(config) ?? String(err)}.`;
const portRefused = await portProblem(config);
if (portRefused) exit(cannotListen(portRefused), 1);
const claimed = orExit(() => claimForServer(config.DATABASE_PATH), (err) => openFailure(err, config.DATABASE_PATH));
if (!claimed)
  exit(
    `Cannot start: another Floorboard server, npm run rebuild or npm run restore is using ${config.DATABASE_PATH}. Two servers on one database would each keep their own count of it; stop the other server (or let a rebuild or a restore finish), or set DATABASE_PATH to another database.`
  );
const rt = orExit(() => createServerRuntime(config), (err) => openFailure(err, config.DATABASE_PATH));
if (derivedByOlderRules(rt.db.$client))
  console.warn(
    `Warning: the numbers stored in ${config.DATABASE_PATH} were derived from its events by an older Floorboard's rules, and keep them until recomputed: stop the server and run npm run rebuild.`
  );

// An address to open in a browser: every interface is reachable as localhost, and an IPv6 address goes in brackets.
const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
let wallShown = false;
/** The wall's address with the display token made at first start, once: with the port listened on, or the one meant. */
function showWallAddress(port: number | null = null): void {
  if (!firstStart.displayToken || wallShown) return;
  wallShown = true;
  const at = port ?? (config.PORT || '<PORT>');
  console.log(`Wall display (token shown once): http://${host}:${at}/wall?token=${firstStart.displayToken}`);
  // Listening on every address, localhost opens the wall on this machine alone: a wall TV needs one of its network's.
  if (config.HOST === '0.0.0.0' || config.HOST === '::')
    for (const address of networkAddresses()) console.log(`  from another machine (a wall TV): http://${address}:${at}/wall?token=${firstStart.displayToken}`);
}

/** This machine's IPv4 addresses on its networks (not loopback). */
function networkAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

// A signal stops the server cleanly once it listens: the demo's traffic first, then acknowledged work finished.
// Before that (a slow first build, the writer thread starting) nothing was received: the wall's address, which
// waits for the port, is shown all the same, and the process ends. A build under way ends itself on the same
// signal (web-build.ts), its listener running after this one: the exit waits a turn to let it clean up.
let listening: Listening | null = null;
let demo: Demo | null = null;
let stopping = false;
async function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  if (!listening) {
    showWallAddress();
    console.log(`${signal} before listening: stopped.`);
    return setImmediate(() => process.exit(128 + constants.signals[signal]));
  }
  console.log(`${signal}: finishing acknowledged work and refusing new requests…`);
  await demo?.stop();
  await listening.close();
  console.log('Stopped cleanly.');
  process.exit(0);
}
// SIGHUP too: the terminal running `npm start` closed. Node ends the process on it by default, nohup or not
// (it resets the signal at start), cutting requests in flight.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));

// The secrets made at first start are shown once: so at once, before the dashboard build and the port, which a
// start may not get through (Ctrl-C during a slow first build, a port already taken), and before they are
// committed, so that a start killed in between has either shown them or stored none of them. After the signal
// handlers: a Ctrl-C as they appear still shows the wall's address. The first start reading the sign-in tables:
// their pages garbled on disk (the schema sound), it ended in a SQLITE_CORRUPT stack trace, not in what to do.
const firstStart = orExit(
  () =>
    bootstrapCredentials(rt.db, {
      adminPassword: config.ADMIN_PASSWORD,
      ingestToken: config.INGEST_TOKEN,
      now: rt.now(),
      show: (made) => {
        if (made.adminPassword) console.log(`Created user "admin" with password: ${made.adminPassword}  (shown once; set ADMIN_PASSWORD to choose it)`);
        if (made.ingestToken) console.log(`Ingest token (shown once): ${made.ingestToken}`);
        // The wall's address waits for the port; its token does not, so a start killed before it listens (SIGKILL
        // in a slow first build) has shown it too.
        if (made.displayToken) console.log(`Wall display token (shown once): ${made.displayToken}  (its address follows once the server listens)`);
      }
    }),
  (err) => openFailure(err, config.DATABASE_PATH)
);
for (const notice of firstStart.notices) console.warn(`Note: ${notice}`);

const staticDir = await ensureDashboardBuilt();
listening = await listen(rt, config, { staticDir }).catch((err: NodeJS.ErrnoException) => {
  showWallAddress();
  // The writer thread found pages of the database garbled as it opened it (ingest/writer.ts): said as for any damaged file.
  if (unreadableFile(err)) return exit(openFailure(err, config.DATABASE_PATH)!);
  return exit(cannotListen(err), 1);
});
console.log(`Floorboard listening on http://${host}:${listening.port} (database ${config.DATABASE_PATH}, timezone ${config.KPI_TIMEZONE})`);
showWallAddress(listening.port);
// Served, but no browser opens it: the first a supervisor knew was Chromium's ERR_UNSAFE_PORT at the wall TV.
if (BROWSER_REFUSED_PORTS.has(listening.port))
  console.warn(
    `Note: port ${listening.port} is one browsers refuse to open (ERR_UNSAFE_PORT): the dashboard and the wall cannot be opened at http://${host}:${listening.port}; set PORT to another (machines posting events are served on)`
  );
// A database with nothing in it yet (a first start): the dashboard stays at zero until events come, so say how they
// come, and how to see it move meanwhile.
if (!args.demo && !hasStoredEvents(rt.db.$client)) {
  const base = `http://${host}:${listening.port}`;
  console.log(`No events yet: the helpdesk, phone system and callback dialer POST them to ${base}/api/events with "Authorization: Bearer <ingest token>" (README.md, Sending events).`);
  console.log(`  To see the dashboard with simulated traffic: stop it and npm start -- --demo, or beside it npm run simulate -- --url ${base} --token <ingest token>`);
}

// The simulator is loaded only for --demo, so a production process never carries it.
if (args.demo) {
  const [{ startDemo }, { nameDemoTeams }] = await Promise.all([import('./sim/demo'), import('./sim/demo-teams')]);
  const log = (m: string) => console.log(`[demo] ${m}`);
  // Its teams named before its first events, in both languages, and open pages told as after an admin's save.
  const hub = listening.hub;
  if (!stopping)
    try {
      const named = await nameDemoTeams(rt.db.$client, rt.now(), () => hub.teamNamesChanged());
      if (named.length) log(`named teams ${named.join(', ')} (rename them on /admin/teams)`);
    } catch (err) {
      // A backup holding the database past the busy timeout: the demo runs all the same.
      if (!stopping) log(`could not name the teams (${(err as Error).message}): they show as their codes until named on /admin/teams`);
    }
  if (!stopping)
    demo = startDemo({
      send: async (raw) => {
        const valid = validateEvents(raw, rt.now());
        if (!valid.ok) throw new Error(`demo produced invalid events: ${JSON.stringify(valid.errors.slice(0, 3))}`);
        return rt.commits.submit(valid.events);
      },
      // A run begun on an earlier day is carried on, not started afresh beside it (sim/demo.ts).
      hasStored: (idPrefix) => hasEventWithIdPrefix(rt.db.$client, idPrefix),
      newestStored: (idPrefix) => newestEventWithIdPrefix(rt.db.$client, idPrefix),
      log
    });
}
