// A browser test's set-up: the built dashboard, Chromium, and a real server on a new database with a wall token.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ensureDashboardBuilt } from '../../api/web-build';
import { launchChromium } from './browser';
import { middayZone, seedToken, startServer, type RunningServer } from './server';

export interface Dashboard {
  browser: Browser;
  server: RunningServer;
  dbPath: string;
  /** A display token for the wall's address. */
  wallToken: string;
}

/**
 * Serves the dashboard as built (the server itself builds none) in a zone where it is now about noon, so events a
 * test stamps minutes ago are today's whenever it runs; `env` overrides either. A server that does not start takes
 * the browser down with it.
 */
export async function startDashboard(env: Record<string, string> = {}): Promise<Dashboard> {
  await ensureDashboardBuilt();
  const browser = await launchChromium();
  try {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'floorboard-e2e-')), 'kpi.sqlite');
    const wallToken = seedToken(dbPath, 'display');
    const server = await startServer({ dbPath, env: { FLOORBOARD_SKIP_WEB_BUILD: '', KPI_TIMEZONE: middayZone(), ...env } });
    return { browser, server, dbPath, wallToken };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
