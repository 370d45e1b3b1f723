// Wires the long-lived pieces of one process: database, ingest, group commit. Used by server.ts, the CLI
// commands and tests, so they all run the same assembly.
import { openDb, ownCheckpoints, type Db } from '../db/open';
import { identity, watchSideFiles } from '../db/side-files';
import type { Config } from './config';
import { Checkpointer } from './ingest/checkpointer';
import { GroupCommit, type Committer } from './ingest/group-commit';
import { createIngestService, type IngestService } from './ingest/ingest';
import { startMaintenance } from './ingest/maintenance';
import { WriterThread } from './ingest/writer';
import { ScanThread } from './queries/scans';

export interface Runtime {
  /** The main thread's connection: queries, the live state, credentials. */
  db: Db;
  commits: GroupCommit;
  now: () => number;
  /**
   * Called after every commit that changed what the numbers read: events stored, or the time come of events
   * stamped ahead of the clock (the backlog and agents' status as of now). The live hub subscribes here.
   */
  onChanged: Set<() => void>;
  /**
   * Starts the backlog sampler and WAL checkpoints where writes run (ingest/maintenance.ts), and in the server
   * the checkpointer thread (ingest/checkpointer.ts); returns how to stop them.
   */
  startMaintenance(): () => void;
  /** Ends the writer thread, the checkpointer thread and the scan thread, if there are. The caller closes `db`. */
  stopWriter(): Promise<void>;
  /** The server's: KPI queries only a scan of facts answers run there, off the thread that answers requests (queries/scans.ts). */
  scans?: ScanThread;
  /** Resolves once events can be committed: the writer thread, if there is one, has opened the database. */
  writable(): Promise<void>;
  /**
   * The server's: stops the writer thread's chores for good, once the database file was found replaced under it
   * (deleted-database.ts); resolves once none runs.
   */
  stopChores?(): Promise<void>;
  /** The server's: whether the database or its -wal or -shm was deleted under it (db/side-files.ts). */
  sideFiles?: ReturnType<typeof watchSideFiles>;
}

/** A runtime whose transactions run in this thread: the CLI, tests and in-process benchmarks. */
export interface LocalRuntime extends Runtime {
  ingest: IngestService;
}

function assemble(db: Db, committer: Committer, now: () => number, onChanged: Set<() => void>, writes: Pick<Runtime, 'startMaintenance' | 'stopWriter' | 'writable'>): Runtime {
  const commits = new GroupCommit(
    committer,
    (accepted) => {
      if (accepted > 0) changed(onChanged);
    },
    now
  );
  return { db, commits, now, onChanged, ...writes };
}

function changed(listeners: Set<() => void>): void {
  for (const fn of listeners) fn();
}

export function createRuntime(
  config: Pick<Config, 'DATABASE_PATH'>,
  now: () => number = Date.now,
  opts: { memoSubjects?: number; tailLimit?: number; memoIdleMs?: number } = {}
): LocalRuntime {
  const db = openDb(config.DATABASE_PATH);
  const ingest = createIngestService(db.$client, { now, ...opts });
  const onChanged = new Set<() => void>();
  const startChores = () => startMaintenance(db, now, ingest.replayDue, () => changed(onChanged));
  return { ...assemble(db, ingest, now, onChanged, { startMaintenance: startChores, stopWriter: async () => {}, writable: async () => {} }), ingest };
}

/**
 * The server's runtime: transactions run on a writer thread with its own connection (ingest/writer.ts), so
 * reading requests, validating and answering queries go on beside them. Events are stamped with the wall
 * clock there. An in-memory database stays in this thread: two connections cannot share `:memory:`.
 */
export function createServerRuntime(config: Pick<Config, 'DATABASE_PATH'>): Runtime {
  if (config.DATABASE_PATH === ':memory:') return createRuntime(config);
  const db = openDb(config.DATABASE_PATH);
  // The file this connection opened: each thread's connection, opened later, keeps to it (db/same-file.mjs).
  const sameFileAs = identity(config.DATABASE_PATH) ?? undefined;
  // This connection commits only sign-ins and sign-outs. Its own checkpoint, in the first of them past the WAL's
  // 16,000 pages, would copy the WAL back on the thread that answers requests (all of a WAL a long reader held);
  // the writer thread and the checkpointer thread keep the WAL bounded, and shutdown's checkpoint folds it back.
  ownCheckpoints(db, false);
  const onChanged = new Set<() => void>();
  const writer = new WriterThread({ path: config.DATABASE_PATH, sameFileAs }, () => changed(onChanged));
  let checkpointer: Checkpointer | null = null;
  const startWriterMaintenance = () => {
    writer.maintain();
    checkpointer ??= new Checkpointer(config.DATABASE_PATH, sameFileAs, (off) => writer.ownCheckpointsOff(off));
    // The writer's chores stop with the thread (writer.close() ends both); the checkpointer stops now.
    return () => void checkpointer?.close();
  };
  const scans = new ScanThread(config.DATABASE_PATH, sameFileAs);
  const stopWriter = async () => {
    await Promise.all([writer.close(), checkpointer?.close(), scans.close()]);
  };
  const sideFiles = watchSideFiles(config.DATABASE_PATH);
  return { ...assemble(db, writer, Date.now, onChanged, { startMaintenance: startWriterMaintenance, stopWriter, writable: () => writer.started }), scans, sideFiles, stopChores: () => writer.stopChores() };
}
