// A thread's connection keeps to the file the server opened (db/same-file.mjs): none on a file put at the name since,
// nor a new empty one where the file was deleted.
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { identity, NotTheServersFile, openSameFile } from '../../db/same-file.mjs';

function walDatabase(path: string, table: string): Database.Database {
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.exec(`CREATE TABLE ${table} (x); INSERT INTO ${table} VALUES (1), (2), (3)`);
  return sqlite;
}

describe('a connection opened on the file the server opened', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'floorboard-same-file-'));

  it('opens while the file at the name is the one', () => {
    const path = join(dir(), 'kpi.sqlite');
    const server = walDatabase(path, 't');
    const sqlite = openSameFile(path, identity(path)!);
    expect(sqlite.prepare('SELECT count(*) FROM t').pluck().get()).toBe(3);
    sqlite.close();
    server.close();
  });

  it('is refused on a file put at the name since, which is left as it was and the server reading on', () => {
    const path = join(dir(), 'kpi.sqlite');
    const server = walDatabase(path, 't');
    const opened = identity(path)!;
    walDatabase(`${path}.other`, 'u').close();
    renameSync(`${path}.other`, path);
    expect(() => openSameFile(path, opened)).toThrow(NotTheServersFile);
    expect(() => openSameFile(path, opened)).toThrow(/no longer the file the server opened \(replaced by another file while it ran\).*stop and start the server/);
    expect(server.prepare('SELECT count(*) FROM t').pluck().get()).toBe(3);
    // As the server does once it finds the file replaced (api/deleted-database.ts): its -wal, beside the new file,
    // emptied into the file it opened; left, a reader of the new file would read it as that file's.
    server.pragma('wal_checkpoint(TRUNCATE)');
    server.close();
    const other = new Database(path, { readonly: true });
    expect(other.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['u']);
    other.close();
  });

  it('is refused where the file was deleted, and makes no new one at its name', () => {
    const path = join(dir(), 'kpi.sqlite');
    const server = walDatabase(path, 't');
    const opened = identity(path)!;
    rmSync(path);
    expect(() => openSameFile(path, opened)).toThrow(NotTheServersFile);
    expect(() => openSameFile(path, opened)).toThrow(/\(deleted while it ran\)/);
    expect(existsSync(path)).toBe(false);
    server.close();
  });
});
