// Vitest global setup: every test's scratch files (databases, WAL files, Chromium profiles) go under one
// directory of this run, removed when the run ends. Tests make their own with mkdtemp(tmpdir()), and os.tmpdir()
// reads TMPDIR, which the test processes and the servers they start inherit. Without it each `npm test` left
// ~60 MB in the system's temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const before = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'floorboard-test-'));
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
