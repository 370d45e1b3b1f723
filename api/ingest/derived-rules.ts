// Which rules a database's derived tables (facts, rollups, backlog rows, agents) were computed by. Migrations
// change tables; a change of what replay derives from the same events (a replay rule, who counts as an agent,
// histogram bins) changes no table, and a database upgraded past it kept the older rules' numbers for good,
// with nothing to say that `npm run rebuild` would mend them. SQLite's user_version holds the rules' number.
import type Database from 'better-sqlite3';

/**
 * Raise it with every change that makes a replay of the same stored events derive other rows, and say why here.
 * 0: before it was kept. 1: a bot reply's agent is no agent of the floor (not listed in /api/agents).
 */
export const DERIVED_RULES = 1;

/** Records that the derived tables follow this code's rules: after a rebuild, or while there are no events to derive from. */
export function markDerived(sqlite: Database.Database): void {
  sqlite.pragma(`user_version = ${DERIVED_RULES}`);
}

const behind = (sqlite: Database.Database) => (sqlite.pragma('user_version', { simple: true }) as number) < DERIVED_RULES;
const anyEvent = (sqlite: Database.Database) => sqlite.prepare('SELECT 1 FROM events LIMIT 1').get() !== undefined;

/** Whether the database holds events whose derived rows an older Floorboard's rules computed. */
export function derivedByOlderRules(sqlite: Database.Database): boolean {
  return behind(sqlite) && anyEvent(sqlite);
}

/** Marks a database with no events yet: what it will derive, it derives by this code's rules. */
export function markIfEmpty(sqlite: Database.Database): void {
  if (behind(sqlite) && !anyEvent(sqlite)) markDerived(sqlite);
}
