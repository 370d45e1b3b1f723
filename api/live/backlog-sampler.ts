// Once a minute, writes the backlog of the whole centre and of each team into backlog_samples, and deletes the
// samples no chart reads any more.
import type Database from 'better-sqlite3';
import { failureLog } from '../ingest/failure-log';
import { backlogByTeam, type TeamBacklog } from '../queries/getBacklog';

export const MINUTE_MS = 60_000;

/**
 * Teams sampled a minute, those with the most open work first. A centre has a handful; one batch that named
 * 20,000 teams made each sample scan the open tickets 20,000 times, holding ingest up for 16–18 s a minute.
 */
export const MAX_SAMPLED_TEAMS = 500;

/**
 * Samples kept: the wall's chart reads today's (state.ts, backlogCurve), and a day in the centre's zone is at
 * most 25 h long, whatever its offset. Kept for ever, they grew by a row per team a minute (2.6M a year for 4
 * teams), beside a chart that reads a day of them.
 */
export const SAMPLES_KEPT_MS = 2 * 24 * 60 * MINUTE_MS;

/** Deletes the samples older than SAMPLES_KEPT_MS, through the index by minute (migration 0012). */
export const PRUNE_SAMPLES = 'DELETE FROM backlog_samples WHERE minute < ?';

export function sampleBacklog(sqlite: Database.Database, now: number): void {
  // A database where no ticket or callback counts yet has no backlog to chart; a zero sampled before a backfill
  // would draw a false cliff. (Every ticket and callback that counts has a fact: its creation or schedule.)
  if (!sqlite.prepare('SELECT EXISTS (SELECT 1 FROM facts)').pluck().get()) return;
  const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const insert = sqlite.prepare(
    `INSERT OR REPLACE INTO backlog_samples (minute, team, open, unassigned, unattended, callbacks_pending, callbacks_overdue)
     VALUES (?, ?, ?, ?, ?, ?, ?)`
  );
  const write = (team: string, b: TeamBacklog) => insert.run(minute, team, b.open, b.unassigned, b.unattended, b.pending, b.overdue);
  // IMMEDIATE: the writer thread commits beside this connection, and a deferred transaction that read
  // before it wrote would fail at once (SQLITE_BUSY) instead of waiting its turn.
  sqlite
    .transaction(() => {
      const byTeam = backlogByTeam(sqlite, now);
      // The whole centre ('') is its teams' sum, the tickets and callbacks of no team with them.
      const all: TeamBacklog = { team: '', open: 0, unassigned: 0, unattended: 0, pending: 0, overdue: 0 };
      for (const b of byTeam) for (const k of ['open', 'unassigned', 'unattended', 'pending', 'overdue'] as const) all[k] += b[k];
      write('', all);
      const teams = byTeam.filter((b): b is TeamBacklog & { team: string } => b.team !== null);
      teams.sort((x, y) => y.open + y.pending - (x.open + x.pending) || (x.team < y.team ? -1 : 1));
      for (const b of teams.slice(0, MAX_SAMPLED_TEAMS)) write(b.team, b);
      sqlite.prepare(PRUNE_SAMPLES).run(minute - SAMPLES_KEPT_MS);
    })
    .immediate();
}

export function startBacklogSampler(sqlite: Database.Database, now: () => number): () => void {
  const log = failureLog('backlog sample', "it is tried every minute, and a team's backlog chart has a gap meanwhile.");
  const sample = () => {
    try {
      sampleBacklog(sqlite, now());
      log.worked();
    } catch (err) {
      log.failed(err);
    }
  };
  sample();
  let timer: NodeJS.Timeout;
  const schedule = () => {
    // Aligned to the minute, so samples land on round minutes.
    timer = setTimeout(() => {
      sample();
      schedule();
    }, MINUTE_MS - (now() % MINUTE_MS) + 50);
    timer.unref();
  };
  schedule();
  return () => clearTimeout(timer);
}
