// What an operator sees when a start cannot apply its migrations (a first start, or an upgrade): the database
// held by another process, or a disk too full for the new tables. Each is refused in one line, exit 2, saying why
// and what to do; the database is left as it was, and the next start, once the cause is gone, migrates it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { olderDatabase } from '../helpers/older-database';
import { runEntry, TEST_INGEST_TOKEN } from '../helpers/server';

const noStack = /\n\s+at /;
/** The migrations this release has (drizzle-kit's journal). */
const journal = JSON.parse(readFileSync(new URL('../../db/migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] };
const scratchDir = () => realpathSync(mkdtempSync(join(tmpdir(), 'floorboard-migrate-fail-')));

function launch(path: string) {
  const settings = { HOST: '127.0.0.1', PORT: '0', FLOORBOARD_SKIP_WEB_BUILD: '1', ADMIN_PASSWORD: 'test-admin-password', INGEST_TOKEN: TEST_INGEST_TOKEN, KPI_TIMEZONE: 'UTC' };
  return runEntry('api/server.ts', [], { ...settings, DATABASE_PATH: path }, { stopWhenListening: true });
}

const migrated = (path: string) => {
  const sqlite = new Database(path, { readonly: true });
  try {
    return sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get() as number;
  } finally {
    sqlite.close();
  }
};

/** Whether this user may mount a small tmpfs (root with CAP_SYS_ADMIN): the one way to fill a disk for real. */
function canMountTmpfs(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'floorboard-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status === 0;
  if (mounted) spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  return mounted;
}

describe('a start whose migrations cannot be applied', () => {
  it('an upgrade while another process holds the database (a sqlite3 shell left in a transaction): exit 2 saying it is held, not a DrizzleError stack trace; the database left at its version, and migrated once it is let go', async () => {
    const path = join(scratchDir(), 'kpi.sqlite');
    // As the release before the last one left it: in WAL mode, its last migration not applied.
    const old = olderDatabase(path, '0012_backlog_samples_by_minute');
    old.pragma('journal_mode = WAL');
    const before = old.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get() as number;
    old.close();
    const holder = new Database(path);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const r = await launch(path);
      expect(r.listened, r.out).toBe(false);
      expect(r.err).not.toMatch(noStack);
      expect([r.code, r.err]).toEqual([2, expect.stringContaining(`Cannot open the database: ${path} is held by another program`)]);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(migrated(path)).toBe(before);
    const again = await launch(path);
    expect(again.listened, again.err).toBe(true);
    // Every migration since 0012, in one go.
    expect(migrated(path)).toBe(journal.entries.length);
    expect(before).toBeLessThan(journal.entries.length);
  }, 60_000);

  // Root alone may mount a tmpfs: elsewhere the message is what database-file.test.ts checks (openFailure).
  it.skipIf(!canMountTmpfs())('(needs root, to mount a small tmpfs) a first start on a disk with too little room for the tables: exit 2 saying the disk is full, not a DrizzleError stack trace; once space is freed it starts', async () => {
    const dir = scratchDir();
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status).toBe(0);
    try {
      const path = join(dir, 'kpi.sqlite');
      // Room for the lock and the first pages, not for every table the migrations make.
      writeFileSync(join(dir, 'filler'), Buffer.alloc(900 * 1024));
      const r = await launch(path);
      expect(r.listened, r.out).toBe(false);
      expect(r.err).not.toMatch(noStack);
      expect([r.code, r.err]).toEqual([2, `Cannot open the database: the disk holding ${path} is full: free some space, then try again.\n`]);
      rmSync(join(dir, 'filler'));
      const again = await launch(path);
      expect(again.listened, again.err).toBe(true);
    } finally {
      spawnSync('umount', [dir]);
    }
  }, 60_000);
});
