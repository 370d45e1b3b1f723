// npm run rebuild: recompute every fact, rollup and current-state row from the stored events.
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { configFailure, loadDatabaseConfig } from '../config';
import type { RebuildStage } from '../ingest/ingest';
import { counted } from '../plain-words';
import { createRuntime } from '../runtime';
import { checkpoint, claimForServer, holdsEvents, openFailure, rebuildFailure } from '../../db/open';
import { refuseUnfinishedRestore } from '../../db/restore-plan';
import { exit, goOnWithoutOutput, orExit, readFlags } from './exit';

const USAGE = `Usage: npm run rebuild

Recomputes every fact, rollup and current-state row of the database at DATABASE_PATH from its stored events.
The server must be stopped: it keeps its own memory of what is stored.`;

// It takes no flags: a --dry-run that rebuilt all the same would be worse than a refusal.
goOnWithoutOutput();
readFlags({ help: { type: 'boolean', default: false } }, USAGE);
const config = orExit(loadDatabaseConfig, configFailure);
// A new database in this process alone, empty: "Done" would say something had been rebuilt.
if (config.DATABASE_PATH === ':memory:')
  exit("DATABASE_PATH is :memory:, a database no other process can read: there is nothing to rebuild; set DATABASE_PATH to the server's file.");
// Part way through a restore the database may be missing, or beside a log not its own: said so, not "no database".
orExit(() => refuseUnfinishedRestore(config.DATABASE_PATH), (err) => openFailure(err, config.DATABASE_PATH));
// Opening a path that holds nothing would create an empty database and "rebuild" it: a mistyped path, surely.
// So would an empty file (as `touch` or a failed copy leaves), which is left as it is.
const file = orExit(() => statSync(config.DATABASE_PATH, { throwIfNoEntry: false }), (err) => openFailure(err, config.DATABASE_PATH)) ?? null;
if (file === null || (file.isFile() && file.size === 0))
  exit(`There is no database at ${config.DATABASE_PATH}${file ? ' (the file is empty), nothing to rebuild' : ''}; set DATABASE_PATH to the server's (default ./data/kpi.sqlite).`);
// The server's claim: held while one runs, and held here so that none starts while this rebuilds.
if (!orExit(() => claimForServer(config.DATABASE_PATH), (err) => openFailure(err, config.DATABASE_PATH)))
  exit(`A Floorboard server, another npm run rebuild or npm run restore is using ${config.DATABASE_PATH}; stop it (or let it finish), then rebuild.`);
// So would a SQLite file with no tables (as the sqlite3 shell makes): the server's start would have made them.
// (Another application's tables the claim has refused already.)
const tables = orExit(
  () => {
    const sqlite = new Database(config.DATABASE_PATH, { fileMustExist: true });
    try {
      return holdsEvents(sqlite);
    } finally {
      sqlite.close();
    }
  },
  (err) => openFailure(err, config.DATABASE_PATH)
);
if (!tables) exit(`${config.DATABASE_PATH} holds no Floorboard tables (a new, empty SQLite file?): there is nothing to rebuild; set DATABASE_PATH to the server's.`);
const rt = orExit(() => createRuntime(config), (err) => openFailure(err, config.DATABASE_PATH));
const events = rt.db.$client.prepare('SELECT count(*) FROM events').pluck().get() as number;
console.log(`Rebuilding ${config.DATABASE_PATH}: ${counted(events, 'event')}…`);
const started = performance.now();
/** What each stage of the rebuild counts (ingest.ts, RebuildStage): out of one, and out of more. */
const COUNTED: Record<RebuildStage, [one: string, many: string]> = {
  events: ['event read for the agents it names', 'events read for the agents they name'],
  subjects: ['ticket, callback or agent replayed', 'tickets, callbacks and agents replayed'],
  rollups: ['hour, day or week summed from the 5-minute rollups', 'hours, days and weeks summed from the 5-minute rollups']
};
// On a terminal the progress line rewrites itself, a line a stage; into a log file or CI, each report is a line of its own.
const tty = process.stdout.isTTY;
let shown: RebuildStage | undefined;
orExit(
  () =>
    rt.ingest.rebuild((done, total, stage) => {
      const pct = total ? Math.round((100 * done) / total) : 100;
      const line = `  ${done.toLocaleString('en')} / ${counted(total, ...COUNTED[stage])} (${pct} %)`;
      if (tty) process.stdout.write(`${shown && shown !== stage ? '\n' : '\r'}${line}`);
      else console.log(line);
      shown = stage;
    }),
  (err) => {
    const why = rebuildFailure(err, config.DATABASE_PATH);
    return why && `${tty ? '\n' : ''}${why}`;
  }
);
// The rebuild is committed (in the WAL); a full disk here leaves it there, for the next open to fold back.
orExit(
  () => checkpoint(rt.db),
  (err) => ((err as { code?: unknown }).code === 'SQLITE_FULL' ? `${tty ? '\n' : ''}Rebuilt, but the disk holding ${config.DATABASE_PATH} is full: the rebuild is stored in its write-ahead log (-wal), which the next start folds back; free some space first.` : null)
);
rt.db.$client.close();
console.log(`${tty ? '\n' : ''}Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
