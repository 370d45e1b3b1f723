// What a database file holds, read as a program would, whatever its pages: to tell a file left as it was put there.
import Database from 'better-sqlite3';

/** Every row of every table, by table. */
export function contents(file: string): Record<string, unknown[]> {
  const sqlite = new Database(file, { readonly: true });
  try {
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, sqlite.prepare(`SELECT * FROM "${t}"`).raw().all()]));
  } finally {
    sqlite.close();
  }
}

/**
 * A backup of the database at `path`, made now through SQLite's online backup beside it as `${path}.restored` (an
 * operator's, to be put at the database's name by hand later); what it holds.
 */
export async function backupBeside(path: string): Promise<Record<string, unknown[]>> {
  const live = new Database(path);
  try {
    await live.backup(`${path}.restored`);
  } finally {
    live.close();
  }
  return contents(`${path}.restored`);
}
