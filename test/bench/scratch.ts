// Benchmarks write several GB of databases in a run: each lives in a directory of its own, removed once measured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `use` on a database path in a new temporary directory, and removes the directory however `use` ends. */
export async function withDb<T>(use: (path: string) => T | Promise<T>, prefix = 'floorboard-bench-'): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await use(join(dir, 'kpi.sqlite'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
