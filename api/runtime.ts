// Wires the long-lived pieces of one process: database, ingest service, group commit. Used by server.ts,
// the CLI commands and integration tests, so they all run the same assembly.
import { openDb, type Db } from '../db/open';
import type { Config } from './config';
import { GroupCommit } from './ingest/group-commit';
import { createIngestService, type IngestService } from './ingest/ingest';
import { DEFAULT_FIRST_RESPONSE_TARGET_SEC } from './kpi/targets';
import type { TargetLookup } from './kpi/replay';

export interface Runtime {
  db: Db;
  ingest: IngestService;
  commits: GroupCommit;
  now: () => number;
  /** Called after every commit that stored something; the live hub subscribes here. */
  onCommitted: Set<(accepted: number) => void>;
}

export const defaultTargets: TargetLookup = (priority) =>
  DEFAULT_FIRST_RESPONSE_TARGET_SEC[priority as keyof typeof DEFAULT_FIRST_RESPONSE_TARGET_SEC] ?? DEFAULT_FIRST_RESPONSE_TARGET_SEC.normal;

export function createRuntime(config: Pick<Config, 'DATABASE_PATH'>, now: () => number = Date.now, opts: { memoSubjects?: number } = {}): Runtime {
  const db = openDb(config.DATABASE_PATH);
  const ingest = createIngestService(db.$client, { targetSec: defaultTargets, now, memoSubjects: opts.memoSubjects });
  const onCommitted = new Set<(accepted: number) => void>();
  const commits = new GroupCommit(ingest, (accepted) => {
    if (accepted > 0) for (const fn of onCommitted) fn(accepted);
  });
  return { db, ingest, commits, now, onCommitted };
}
