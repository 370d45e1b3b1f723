import type Database from 'better-sqlite3';

/** Whether any event is stored: none on a new database, until the first batch. */
export function hasStoredEvents(sqlite: Database.Database): boolean {
  return sqlite.prepare('SELECT 1 FROM events LIMIT 1').get() !== undefined;
}
