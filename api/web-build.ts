// `npm start` must work right after `npm install`: build the dashboard when build/ is missing or older than web/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = join(ROOT, 'build');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export async function ensureDashboardBuilt(): Promise<string | undefined> {
  const index = join(BUILD, 'index.html');
  const sources = [join(ROOT, 'web'), join(ROOT, 'api', 'live'), join(ROOT, 'api', 'kpi')].filter(existsSync);
  const stale = !existsSync(index) || sources.some((d) => newestMtime(d) > statSync(index).mtimeMs);
  if (!stale) return BUILD;
  if (process.env.FLOORBOARD_SKIP_WEB_BUILD) return existsSync(index) ? BUILD : undefined;
  console.log('Building the dashboard (first start or web/ changed)…');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('The dashboard build failed; the API still runs. Run `npm run build` to see why.');
    return existsSync(index) ? BUILD : undefined;
  }
  return BUILD;
}
