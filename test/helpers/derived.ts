import type Database from 'better-sqlite3';
import { compactRollups } from '../../api/ingest/rollup-compaction';

/**
 * Every derived table in a canonical order: two databases agree on all numbers when these are equal. Stale
 * hour and day rollups are summed up first (as the server does every few seconds), so that the comparison
 * does not depend on when that last ran.
 */
const withoutSid = ({ sid: _, ...row }: Record<string, unknown>) => row;

export function derivedTables(sqlite: Database.Database) {
  compactRollups(sqlite);
  const q = (sql: string) => sqlite.prepare(sql).all();
  const rows = (sql: string) => q(sql) as Record<string, unknown>[];
  return {
    facts: q('SELECT subject, kind, at, team, channel, priority, category, agent, value, flag, flag2 FROM facts ORDER BY 1,2,3,4,5,6,7,8,9,10,11'),
    rollups: q('SELECT * FROM rollups ORDER BY level, dim, value, bucket, team'),
    // By subject name: two databases number their subjects in the order each first saw them.
    openTickets: rows('SELECT s.subject, o.* FROM open_tickets o JOIN subjects s USING (sid) ORDER BY s.subject').map(withoutSid),
    pendingCallbacks: rows('SELECT s.subject, p.* FROM pending_callbacks p JOIN subjects s USING (sid) ORDER BY s.subject').map(withoutSid),
    agents: q('SELECT agent, name, status_team, seen_team, status, status_since FROM agents ORDER BY agent')
  };
}
