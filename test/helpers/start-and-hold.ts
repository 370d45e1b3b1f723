// A process that starts a server as a test file does (startServer) and holds it: it writes the server's pid to
// STARTED_PID_FILE and then waits to be stopped, or with HOLD=exit exits at once. What such a process leaves running
// when it is stopped, as vitest stops a worker or a Ctrl-C stops a run, before it could stop the server itself.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server';

const server = await startServer({ dbPath: join(mkdtempSync(join(tmpdir(), 'floorboard-hold-')), 'kpi.sqlite') });
writeFileSync(process.env.STARTED_PID_FILE!, String(server.proc.pid));
if (process.env.HOLD === 'exit') process.exit(0);
setInterval(() => {}, 1 << 30);
