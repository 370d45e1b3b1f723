import type Database from 'better-sqlite3';
import { compactRollups } from '../../api/ingest/rollup-compaction';

/**
 * Every derived table in a canonical order: two databases agree on all numbers when these are equal. Stale
 * hour and day rollups are summed up first (as the server does every few seconds), so that the comparison
 * does not depend on when that last ran.
 */
export function derivedTables(sqlite: Database.Database) {
  compactRollups(sqlite);
  const q = (sql: string) => sqlite.prepare(sql).all();
  return {
    facts: q('SELECT subject, kind, at, team, channel, priority, category, agent, value, flag, flag2 FROM facts ORDER BY 1,2,3,4,5,6,7,8,9,10,11'),
    rollups: q('SELECT * FROM rollups ORDER BY level, dim, value, bucket, team'),
    openTickets: q('SELECT * FROM open_tickets ORDER BY ticket'),
    pendingCallbacks: q('SELECT * FROM pending_callbacks ORDER BY callback'),
    agents: q('SELECT agent, name, status_team, seen_team, status, status_since FROM agents ORDER BY agent')
  };
}
