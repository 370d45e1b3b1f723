// The dashboard a server builds for itself is the production build, whoever runs the build: a build started from
// the tests (vitest sets NODE_ENV=test) was Svelte's development build, and `npm start` after `npm test` served it,
// its dev-time checks costing the wall about three times the CPU on every live update.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDashboardBuilt, isStale } from '../../api/web-build';

/** The site's scripts, by path. */
function scripts(dir: string): [string, string][] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e): [string, string][] =>
    e.isDirectory() ? scripts(join(dir, e.name)) : e.name.endsWith('.js') ? [[join(dir, e.name), readFileSync(join(dir, e.name), 'utf8')]] : []
  );
}

describe('the dashboard build', () => {
  it('is a production build even when NODE_ENV says otherwise', async () => {
    expect(process.env.NODE_ENV).toBe('test');
    const site = join(mkdtempSync(join(tmpdir(), 'floorboard-site-')), 'build');
    expect(await ensureDashboardBuilt(site)).toBe(site);
    const js = scripts(join(site, '_app'));
    expect(js.length).toBeGreaterThan(0);
    // Svelte's development runtime tags every element with where it was written (`__svelte_meta`).
    expect(js.filter(([, text]) => text.includes('__svelte_meta')).map(([path]) => path)).toEqual([]);
  }, 240_000);

  it('is made again once a source changed, a configuration file as well as a directory of code', () => {
    const root = mkdtempSync(join(tmpdir(), 'floorboard-sources-'));
    const [site, code, config] = [join(root, 'build'), join(root, 'web'), join(root, 'svelte.config.js')];
    mkdirSync(site);
    mkdirSync(join(code, 'lib'), { recursive: true });
    writeFileSync(join(code, 'lib', 'a.ts'), '');
    writeFileSync(config, '');
    writeFileSync(join(site, 'index.html'), '');
    const at = (path: string, s: number) => utimesSync(path, s, s);
    at(join(code, 'lib', 'a.ts'), 1_000);
    at(config, 1_000);
    at(join(site, 'index.html'), 2_000);
    expect(isStale(site, [code, config])).toBe(false);
    // The CSP the page carries is written by svelte.config.js: a site older than it serves the old policy.
    at(config, 3_000);
    expect(isStale(site, [code, config])).toBe(true);
    at(config, 1_000);
    at(join(code, 'lib', 'a.ts'), 3_000);
    expect(isStale(site, [code, config])).toBe(true);
  });
});
