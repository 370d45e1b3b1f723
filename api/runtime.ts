// Wires the long-lived pieces of one process: database, writer, group commit. The server writes on a writer
// thread; tests, CLI commands and benchmark loaders write in-process. Both run the same ingest service.
import { checkpoint, openDb, type Db } from '../db/open';
import type { Config } from './config';
import { GroupCommit, type BatchWriter } from './ingest/group-commit';
import { createIngestService, type IngestService } from './ingest/ingest';
import { defaultTargets } from './kpi/targets';
import { startCheckpointer } from './threads/checkpointer';
import { WriterThread } from './threads/writer';

export interface Runtime {
  db: Db;
  commits: GroupCommit;
  now: () => number;
  /** Called after every commit that stored something; the live hub subscribes here. */
  onCommitted: Set<(accepted: number) => void>;
  /** Resolves when events can be stored (the writer thread has started). */
  ready: Promise<void>;
  /** After `commits.close()`: stops the writer, folds the WAL back and closes the database. */
  close(): Promise<void>;
}

function assemble(db: Db, writer: BatchWriter, now: () => number, ready: Promise<void>, closeWriter: () => Promise<void>): Runtime {
  const onCommitted = new Set<(accepted: number) => void>();
  const commits = new GroupCommit(writer, (accepted) => {
    if (accepted > 0) for (const fn of onCommitted) fn(accepted);
  });
  return {
    db,
    commits,
    now,
    onCommitted,
    ready,
    async close() {
      await closeWriter();
      checkpoint(db);
      db.$client.close();
    }
  };
}

/** Everything on this thread, with `ingest` at hand (rebuild, tests). */
export function createRuntime(
  config: Pick<Config, 'DATABASE_PATH'>,
  now: () => number = Date.now,
  opts: { memoSubjects?: number } = {}
): Runtime & { ingest: IngestService } {
  const db = openDb(config.DATABASE_PATH);
  const ingest = createIngestService(db.$client, { targetSec: defaultTargets, now, memoSubjects: opts.memoSubjects });
  return { ...assemble(db, ingest, now, Promise.resolve(), async () => {}), ingest };
}

/**
 * The server's: this thread reads (queries, live state, sign-in) while the writer thread stores events and
 * the checkpointer thread keeps the WAL small. Every connection is opened after the migrations ran here.
 */
export function createServerRuntime(config: Pick<Config, 'DATABASE_PATH'>): Runtime {
  const db = openDb(config.DATABASE_PATH, { autoCheckpoint: false });
  const writer = new WriterThread(config.DATABASE_PATH);
  const checkpointer = startCheckpointer(config.DATABASE_PATH);
  return assemble(db, writer, Date.now, writer.ready, async () => {
    await writer.close();
    await checkpointer.close();
  });
}
