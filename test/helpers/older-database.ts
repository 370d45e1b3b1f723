// A database as an older release left it: migrated only up to one of the journal's migrations.
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MIGRATIONS = join(import.meta.dirname, '..', '..', 'db', 'migrations');

/** The database at `path`, migrated only up to `upTo` (a journal tag, e.g. `0011_events_ahead`). */
export function olderDatabase(path: string, upTo: string): Database.Database {
  const dir = mkdtempSync(join(tmpdir(), 'fb-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journal = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === upTo) + 1);
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  const sqlite = new Database(path);
  migrate(drizzle(sqlite), { migrationsFolder: dir });
  return sqlite;
}
