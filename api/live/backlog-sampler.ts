// Once a minute, writes the backlog of the whole centre and of each team into backlog_samples.
import type Database from 'better-sqlite3';
import { getBacklog } from '../queries/getBacklog';

export const MINUTE_MS = 60_000;

/**
 * Teams sampled a minute, those with the most open work first. A centre has a handful; one batch that named
 * 20,000 teams made each sample scan the open tickets 20,000 times, holding ingest up for 16–18 s a minute.
 */
export const MAX_SAMPLED_TEAMS = 500;

type TeamBacklog = { team: string; open: number; unassigned: number; unattended: number; pending: number; overdue: number };

export function sampleBacklog(sqlite: Database.Database, now: number): void {
  // A database where no ticket or callback counts yet has no backlog to chart; a zero sampled before a backfill
  // would draw a false cliff. (Every ticket and callback that counts has a fact: its creation or schedule.)
  if (!sqlite.prepare('SELECT EXISTS (SELECT 1 FROM facts)').pluck().get()) return;
  const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const insert = sqlite.prepare(
    `INSERT OR REPLACE INTO backlog_samples (minute, team, open, unassigned, unattended, callbacks_pending, callbacks_overdue)
     VALUES (?, ?, ?, ?, ?, ?, ?)`
  );
  // IMMEDIATE: the writer thread commits beside this connection, and a deferred transaction that read
  // before it wrote would fail at once (SQLITE_BUSY) instead of waiting its turn.
  sqlite
    .transaction(() => {
      const all = getBacklog(sqlite, {}, now);
      insert.run(minute, '', all.open, all.unassigned, all.unattended, all.callbacksPending, all.callbacksOverdue);
      // Every team's in one pass over each table, as getBacklog counts them one team at a time.
      const teams = sqlite
        .prepare(
          `SELECT team, sum(open) AS open, sum(unassigned) AS unassigned, sum(unattended) AS unattended, sum(pending) AS pending, sum(overdue) AS overdue
           FROM (SELECT team, count(*) AS open, sum(assignee IS NULL) AS unassigned, sum(unattended_since IS NOT NULL) AS unattended, 0 AS pending, 0 AS overdue
                 FROM open_tickets WHERE team IS NOT NULL GROUP BY team
                 UNION ALL
                 SELECT team, 0, 0, 0, count(*), sum(due < ?) FROM pending_callbacks WHERE team IS NOT NULL GROUP BY team)
           GROUP BY team ORDER BY open + pending DESC, team LIMIT ?`
        )
        .all(now, MAX_SAMPLED_TEAMS) as TeamBacklog[];
      for (const b of teams) insert.run(minute, b.team, b.open, b.unassigned, b.unattended, b.pending, b.overdue);
    })
    .immediate();
}

export function startBacklogSampler(sqlite: Database.Database, now: () => number): () => void {
  const sample = () => {
    try {
      sampleBacklog(sqlite, now());
    } catch (err) {
      // A missed sample leaves a one-minute gap in the backlog chart; the next minute tries again.
      console.error('backlog sample failed:', err);
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
