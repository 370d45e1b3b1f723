// npm run rebuild: recompute every fact, rollup and current-state row from the stored events.
import { existsSync } from 'node:fs';
import { configFailure, loadConfig } from '../config';
import { createRuntime } from '../runtime';
import { checkpoint, openFailure } from '../../db/open';
import { exit, orExit } from './exit';

const config = orExit(loadConfig, configFailure);
// Opening a path that holds nothing would create an empty database and "rebuild" it: a mistyped path, surely.
if (config.DATABASE_PATH !== ':memory:' && !existsSync(config.DATABASE_PATH))
  exit(`There is no database at ${config.DATABASE_PATH}; set DATABASE_PATH to the server's (default ./data/kpi.sqlite).`);
const rt = orExit(() => createRuntime(config), (err) => openFailure(err, config.DATABASE_PATH));
const events = rt.db.$client.prepare('SELECT count(*) FROM events').pluck().get() as number;
console.log(`Rebuilding ${config.DATABASE_PATH}: ${events.toLocaleString('en')} events…`);
const started = performance.now();
// On a terminal the progress line rewrites itself; into a log file or CI, each report is a line of its own.
const tty = process.stdout.isTTY;
rt.ingest.rebuild((done, total) => {
  const pct = total ? Math.round((100 * done) / total) : 100;
  const line = `  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} tickets, callbacks and agents replayed (${pct} %)`;
  if (tty) process.stdout.write(`\r${line}`);
  else console.log(line);
});
checkpoint(rt.db);
rt.db.$client.close();
console.log(`${tty ? '\n' : ''}Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
