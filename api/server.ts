// Listens: HTTP API, the built dashboard and (later) the live WebSocket, on one port. Shuts down cleanly.
import { serve } from '@hono/node-server';
import { parseArgs } from 'node:util';
import { checkpoint } from '../db/open';
import { createApp } from './app';
import { bootstrapCredentials } from './auth/credentials';
import { loadConfig } from './config';
import { validateEvents } from './events/parse';
import { createRuntime } from './runtime';
import { ensureDashboardBuilt } from './web-build';

const { values: args } = parseArgs({ options: { demo: { type: 'boolean', default: false } }, strict: false });

const config = loadConfig();
const rt = createRuntime(config);
for (const note of bootstrapCredentials(rt.db, { adminPassword: config.ADMIN_PASSWORD, ingestToken: config.INGEST_TOKEN, now: rt.now() }))
  console.log(note);

const staticDir = await ensureDashboardBuilt();
let draining = false;
const app = createApp({ db: rt.db, config, commits: rt.commits, now: rt.now, staticDir, draining: () => draining });

const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  console.log(`Floorboard listening on http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${info.port} (database ${config.DATABASE_PATH}, timezone ${config.KPI_TIMEZONE})`);
});

// Idle moments fold the WAL back into the database so the -wal file stays small.
const checkpointTimer = setInterval(() => {
  if (rt.commits.pending === 0) checkpoint(rt.db);
}, 30_000);
checkpointTimer.unref();

// The simulator is loaded only for --demo, so a production process never carries it.
const demo = args.demo
  ? (await import('./sim/demo')).startDemo({
      send: async (raw) => {
        const valid = validateEvents(raw, rt.now());
        if (!valid.ok) throw new Error(`demo produced invalid events: ${JSON.stringify(valid.errors.slice(0, 3))}`);
        return rt.commits.submit(valid.events);
      },
      log: (m) => console.log(`[demo] ${m}`)
    })
  : null;

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing acknowledged work and refusing new requests…`);
  draining = true;
  await demo?.stop();
  server.close();
  await rt.commits.close();
  clearInterval(checkpointTimer);
  checkpoint(rt.db);
  rt.db.$client.close();
  console.log('Stopped cleanly.');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
