// A browser test's set-up: the built dashboard, Chromium, and a real server on a new database with a wall token.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Role } from '../../api/auth/credentials';
import { ensureDashboardBuilt } from '../../api/web-build';
import { presetRange } from '../../web/lib/reports/range';
import { launchChromium, signInAt } from './browser';
import { addUser, signedInAs } from './people';
import { middayZone, postEvents, seedToken, startServer, TEST_INGEST_TOKEN, type RunningServer } from './server';

export interface Dashboard {
  browser: Browser;
  server: RunningServer;
  dbPath: string;
  /** A display token for the wall's address. */
  wallToken: string;
  /** A token of each role `startDashboard` was asked to seed. */
  tokens: Partial<Record<Role, string>>;
}

/**
 * Serves the dashboard as built (the server itself builds none) in a zone where it is now about noon, so events a
 * test stamps minutes ago are today's whenever it runs; `env` overrides either. `roles` get a token each, put in the
 * database before the server opens it. A server that does not start takes the browser down with it.
 */
export async function startDashboard(env: Record<string, string> = {}, roles: Role[] = []): Promise<Dashboard> {
  await ensureDashboardBuilt();
  const browser = await launchChromium();
  try {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'floorboard-e2e-')), 'kpi.sqlite');
    const wallToken = seedToken(dbPath, 'display');
    const tokens = Object.fromEntries(roles.map((role) => [role, seedToken(dbPath, role)]));
    const server = await startServer({ dbPath, env: { FLOORBOARD_SKIP_WEB_BUILD: '', KPI_TIMEZONE: middayZone(), ...env } });
    return { browser, server, dbPath, wallToken, tokens };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** A test file's dashboard, with the ways its tests open it. */
export interface TestDashboard extends Dashboard {
  /** The server's address. */
  readonly url: string;
  /** Stores `events` (the test ingest token's), failing the test unless the server takes them all. */
  send(events: unknown[]): Promise<void>;
  /**
   * A new page (1920×1080 unless `viewport` says) on the wall with the display token and `query` ("lang=en&page=agents"),
   * once `waitFor`, when given, is on it.
   */
  openWall(query?: string, options?: BrowserContextOptions & { waitFor?: string }): Promise<Page>;
  /** A new page signed in as the admin on the start page, in `lang` (none: as the browser asks). */
  adminPage(lang?: string, options?: BrowserContextOptions): Promise<Page>;
  /**
   * A page of a new browser context (downloads allowed) signed in as `username`, one of `users`, on the start page in
   * `lang` (en unless said), 1920×1080 unless `viewport` says; `device` adds to the context's options (a phone's
   * `{ hasTouch: true, isMobile: true }`, a browser's own `timezoneId`).
   */
  signedInAs(username: string, lang?: string, viewport?: { width: number; height: number }, device?: BrowserContextOptions): Promise<Page>;
}

/**
 * Starts a dashboard (startDashboard's `env` and `roles`) before the file's tests, adds its `users` (name → role, each
 * with people.ts's password), then `seed`s it, and stops both the browser and the server after them. Its fields are
 * there once the tests run.
 */
export function useDashboard(
  opts: { env?: Record<string, string>; roles?: Role[]; users?: Record<string, string>; seed?: (dashboard: TestDashboard) => Promise<void> } = {}
): TestDashboard {
  const dashboard = {
    get url() {
      return this.server.url;
    },
    async send(events) {
      const { status, body } = await postEvents(this.server.url, events);
      expect(status, JSON.stringify(body)).toBe(200);
    },
    async openWall(query = '', { waitFor, viewport = { width: 1920, height: 1080 }, ...options } = {}) {
      const page = await this.browser.newPage({ viewport, ...options });
      await page.goto(`${this.server.url}/wall?token=${this.wallToken}${query ? `&${query}` : ''}`);
      if (waitFor) await page.waitForSelector(waitFor, { timeout: 15_000 });
      return page;
    },
    async adminPage(lang, options) {
      return signInAt(await this.browser.newPage(options), this.server.url, lang);
    },
    signedInAs(username, lang, viewport, device) {
      return signedInAs(this.browser, this.server.url, username, lang, viewport, device);
    }
  } as TestDashboard;
  beforeAll(async () => {
    Object.assign(dashboard, await startDashboard(opts.env, opts.roles));
    for (const [username, role] of Object.entries(opts.users ?? {})) await addUser(dashboard.url, username, role);
    await opts.seed?.(dashboard);
  }, 180_000);
  afterAll(async () => {
    await dashboard.browser?.close();
    await dashboard.server?.kill('SIGTERM');
  });
  return dashboard;
}

/**
 * Deletes the database's -wal under the running server, as an operator's clean-up might, and waits for the server to
 * have found it (health 503) and saved what it held (its log says so).
 */
export async function deleteWalUnderServer({ server, dbPath }: Dashboard): Promise<void> {
  rmSync(`${dbPath}-wal`);
  expect((await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } })).status).toBe(503);
  await expect.poll(() => server.output().includes('Every batch acknowledged is in'), { timeout: 20_000 }).toBe(true);
}

/** Runs `act` while another process (a backup, say) holds the database's write lock, past the server's wait. */
export async function whileDatabaseBusy(dbPath: string, act: () => Promise<void>): Promise<void> {
  const other = new Database(dbPath);
  other.exec('BEGIN IMMEDIATE');
  try {
    await act();
  } finally {
    other.exec('ROLLBACK');
    other.close();
  }
}

/**
 * A report's comparison set-up: a dashboard in `zone` with maria, a manager, and alice ("Alice Chen", of payments) on
 * shift since ten days ago, seeded with `events(now)`.
 */
export function paymentsReportDashboard(zone: string, events: (now: number) => unknown[]): TestDashboard {
  return useDashboard({
    env: { KPI_TIMEZONE: zone },
    users: { maria: 'manager' },
    seed: async (dashboard) => {
      const now = Date.now();
      await dashboard.send([
        { id: 's-a', at: now - 10 * 24 * 3_600_000, type: 'agent.status', agent: 'alice', name: 'Alice Chen', team: 'payments', status: 'available' },
        ...events(now)
      ]);
    }
  });
}

/**
 * Maria's report of the last 7 days in the centre's `zone` (a paymentsReportDashboard's), `query` the rest of its
 * address ("team=payments&agent=alice&", or ""), in `lang`, at `viewport` (a laptop's by default) as `device`.
 */
export async function openLastWeekReport(
  dashboard: TestDashboard,
  zone: string,
  query: string,
  lang: 'en' | 'zh-CN',
  viewport = { width: 1366, height: 768 },
  device?: BrowserContextOptions
): Promise<Page> {
  const range = presetRange('last7', Date.now(), zone);
  const page = await dashboard.signedInAs('maria', lang, viewport, device);
  await page.goto(`${dashboard.url}/reports?${query}from=${range.from}&to=${range.to}&lang=${lang}`);
  return page;
}
