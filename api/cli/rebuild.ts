// npm run rebuild: recompute every fact, rollup and current-state row from the stored events.
import { loadConfig } from '../config';
import { createRuntime } from '../runtime';
import { checkpoint } from '../../db/open';

const config = loadConfig();
const rt = createRuntime(config);
const events = rt.db.$client.prepare('SELECT count(*) FROM events').pluck().get() as number;
console.log(`Rebuilding ${config.DATABASE_PATH}: ${events.toLocaleString('en')} events…`);
const started = performance.now();
rt.ingest.rebuild((done, total) => {
  const pct = total ? Math.round((100 * done) / total) : 100;
  process.stdout.write(`\r  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} tickets, callbacks and agents replayed (${pct} %)`);
});
checkpoint(rt.db);
rt.db.$client.close();
console.log(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
