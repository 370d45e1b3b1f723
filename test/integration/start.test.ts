// The command-line entry points where they cannot do their work: each says why in a line or two, without a
// stack trace, and exits non-zero; and the secrets `npm start` made at first start, shown only once, are
// shown all the same.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEntry, startServer } from '../helpers/server';

const scratch = () => join(mkdtempSync(join(tmpdir(), 'floorboard-start-')), 'kpi.sqlite');
const run = (script: string, env: Record<string, string>) =>
  runEntry(script, [], { HOST: '127.0.0.1', FLOORBOARD_SKIP_WEB_BUILD: '1', ADMIN_PASSWORD: '', INGEST_TOKEN: '', KPI_TIMEZONE: 'UTC', ...env });

describe('command-line entry points that cannot do their work', () => {
  it('npm start on a port already taken: exit 1, which port and what to do, and the first-start admin password', async () => {
    const holder = createServer();
    const port = await new Promise<number>((resolve) => holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)));
    try {
      const r = await run('api/server.ts', { PORT: String(port), DATABASE_PATH: scratch() });
      expect(r.code).toBe(1);
      expect(r.err).toContain(`port ${port} is already in use`);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).toMatch(/Created user "admin" with password: \S+/);
    } finally {
      holder.close();
    }
  }, 60_000);

  it('npm start on a new database shows the password and ingest token it made before building or listening, which a start may not get through', async () => {
    const server = await startServer({ dbPath: scratch(), env: { ADMIN_PASSWORD: '', INGEST_TOKEN: '' } });
    try {
      // The wall's address needs the port: it follows.
      await expect.poll(() => server.output()).toContain(`Wall display (token shown once): http://127.0.0.1:${server.port}/wall?token=`);
      const out = server.output();
      const at = (text: string) => out.indexOf(text);
      expect(out).toMatch(/Created user "admin" with password: \S+/);
      expect(out).toMatch(/Ingest token \(shown once\): \S+/);
      expect(at('Created user')).toBeLessThan(at('listening on'));
      expect(at('Ingest token')).toBeLessThan(at('listening on'));
    } finally {
      await server.kill();
    }
  }, 60_000);

  it('npm start with a bad KPI_TIMEZONE: exit 2, naming the variable, no stack trace', async () => {
    const r = await run('api/server.ts', { PORT: '0', DATABASE_PATH: scratch(), KPI_TIMEZONE: 'Mars/Base' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('KPI_TIMEZONE: must be an IANA timezone such as Asia/Shanghai (it is "Mars/Base")');
    expect(r.err).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('npm start and npm run rebuild on a file that is not a database: exit 2, saying so, the file untouched', async () => {
    const path = scratch();
    writeFileSync(path, 'the minutes of the Monday meeting\n');
    for (const script of ['api/server.ts', 'api/cli/rebuild.ts']) {
      const r = await run(script, { PORT: '0', DATABASE_PATH: path });
      expect(r.code, script).toBe(2);
      expect(r.err, script).toContain(`${path} is not a SQLite database`);
      expect(r.err, script).not.toMatch(/\n\s+at /);
    }
    expect(readFileSync(path, 'utf8')).toBe('the minutes of the Monday meeting\n');
  }, 60_000);

  it('npm run rebuild on a path with no database: exit 2, and no empty database made there', async () => {
    const path = scratch();
    const r = await run('api/cli/rebuild.ts', { DATABASE_PATH: path });
    expect(r.code).toBe(2);
    expect(r.err).toContain(`There is no database at ${path}`);
    expect(existsSync(path)).toBe(false);
  }, 60_000);
});
