// Starting the real server (`npm start`) where it cannot listen: it says why and exits, and the secrets it
// made at first start, shown only once, are shown all the same.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe('npm start on a port already taken', () => {
  it('exits with code 1, says which port and what to do, and still shows the first-start admin password', async () => {
    const holder = createServer();
    const port = await new Promise<number>((resolve) => holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)));
    try {
      const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'api', 'server.ts')], {
        cwd: ROOT,
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: join(mkdtempSync(join(tmpdir(), 'floorboard-start-')), 'kpi.sqlite'), FLOORBOARD_SKIP_WEB_BUILD: '1', ADMIN_PASSWORD: '', INGEST_TOKEN: '' },
        stdio: ['ignore', 'pipe', 'pipe']
      });
      let out = '';
      let err = '';
      proc.stdout.on('data', (d) => (out += d));
      proc.stderr.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
      expect(code).toBe(1);
      expect(err).toContain(`port ${port} is already in use`);
      expect(err).not.toMatch(/at Server\.setupListenHandle/);
      expect(out).toMatch(/Created user "admin" with password: \S+/);
    } finally {
      holder.close();
    }
  }, 60_000);
});
