// An admin saving a KPI target once the database's -wal was found deleted under the server: the page says what
// happened and to restart the server, where it said "saved" of a change a crash then lost.
import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/browser';
import { startDashboard } from '../helpers/dashboard';
import { TEST_INGEST_TOKEN, type RunningServer } from '../helpers/server';

let browser: Browser;
let server: RunningServer;
let dbPath: string;

beforeAll(async () => {
  ({ browser, server, dbPath } = await startDashboard());
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGTERM');
});

describe('KPI targets once the database -wal was deleted under the server', () => {
  it('a save is refused on the page with the server\'s words: which file, nothing changed, restart', async () => {
    const admin = await browser.newPage();
    await admin.goto(server.url);
    await signIn(admin);
    await admin.click('a.targets');
    const warn = admin.locator('input[name="backlog.unattended.warn"]');
    await warn.waitFor({ timeout: 15_000 });

    rmSync(`${dbPath}-wal`);
    expect((await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` } })).status).toBe(503);
    await expect.poll(() => server.output().includes('Every batch acknowledged is in'), { timeout: 20_000 }).toBe(true);

    await warn.fill('10');
    await admin.locator('input[name="backlog.unattended.critical"]').fill('30');
    await admin.locator('button[type=submit]').click();
    const alert = admin.locator('p.error[role=alert]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain(`${dbPath}-wal was deleted while the server ran`);
    expect(await alert.textContent()).toContain('no target was changed');
    expect(await alert.textContent()).toContain('Stop and start the server');
    expect(await admin.locator('[role=status]').count()).toBe(0);
  }, 60_000);
});
