// The wall behind a reverse proxy, and what it says when it cannot connect: in real Chromium, against a real server.
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDashboard } from '../helpers/dashboard';
import { signInAt } from '../helpers/browser';
import { hostRewritingProxy } from '../helpers/proxy';
import { middayZone, seedToken, startServer } from '../helpers/server';

const dashboard = useDashboard({
  seed: async (dashboard) => {
    const id = `proxy-${Date.now()}`;
    await dashboard.send([{ id, type: 'ticket.created', at: Date.now() - 2000, ticket: id, channel: 'chat', team: 'wallet' }]);
  }
});

/** A browser signed in at the server's own address: its cookie goes to every port of that host, the proxy's too. */
async function signedIn(): Promise<BrowserContext> {
  const context = await dashboard.browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' });
  await (await signInAt(await context.newPage(), dashboard.url, 'en')).close();
  return context;
}

describe('the wall behind a reverse proxy', () => {
  it('says what to set at a proxy that rewrites Host, in English and Chinese, and connects by itself once it is set', async () => {
    const proxy = await hostRewritingProxy(dashboard.url);
    const context = await signedIn();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${proxy.port}/wall?lang=en`);
    await page.waitForFunction(() => /X-Forwarded-Host/.test(document.querySelector('main')?.textContent ?? ''), null, { timeout: 20_000 });
    expect(await page.textContent('main')).not.toMatch(/Connecting/);
    const zh = await context.newPage();
    await zh.goto(`http://127.0.0.1:${proxy.port}/wall?lang=zh-CN`);
    await zh.waitForFunction(() => /代理.*X-Forwarded-Host/.test(document.querySelector('main')?.textContent ?? ''), null, { timeout: 20_000 });
    // Still trying: with the proxy put right, the figures come without a reload.
    proxy.passHost = true;
    await page.waitForSelector('[data-kpi="tickets.created"]', { timeout: 20_000 });
    // The proxy set back (a reload of an old configuration): the wall keeps its figures and says what to set.
    proxy.passHost = false;
    proxy.cutWebSockets();
    await page.waitForFunction(() => /X-Forwarded-Host/.test(document.querySelector('[data-stale]')?.textContent ?? ''), null, { timeout: 20_000 });
    expect(await page.getAttribute('[data-kpi="tickets.created"]', 'data-value')).not.toBeNull();
    await context.close();
    await proxy.close();
  });
});

describe('the wall behind a proxy that does not pass WebSockets on', () => {
  it('says the proxy must pass WebSocket upgrades on, not "Connecting…" for ever, and connects once it does', async () => {
    const proxy = await hostRewritingProxy(dashboard.url);
    proxy.dropUpgrade = true;
    const page = await dashboard.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`http://127.0.0.1:${proxy.port}/wall?token=${dashboard.wallToken}&lang=en`);
    await page.waitForFunction(() => /Upgrade/.test(document.querySelector('main')?.textContent ?? ''), null, { timeout: 30_000 });
    expect(await page.textContent('main')).not.toMatch(/Connecting|Not authorised/);
    proxy.dropUpgrade = false;
    await page.waitForSelector('[data-kpi="tickets.created"]', { timeout: 20_000 });
    await page.close();
    await proxy.close();
  });
});

describe('the wall refused for now', () => {
  it('says the server takes no more live connections (LIVE_MAX_CLIENTS), not "Connecting…", and connects once one is free', async () => {
    // A server of its own, on another database, that takes one wall.
    const full = join(dashboard.dbPath, '..', 'full.sqlite');
    const token = seedToken(full, 'display');
    const one = await startServer({ dbPath: full, env: { FLOORBOARD_SKIP_WEB_BUILD: '', KPI_TIMEZONE: middayZone(), LIVE_MAX_CLIENTS: '1' } });
    try {
      const first = await dashboard.browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await first.goto(`${one.url}/wall?token=${token}&lang=en`);
      await first.waitForSelector('[data-kpi="tickets.created"]', { timeout: 15_000 });
      const second = await dashboard.browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await second.goto(`${one.url}/wall?token=${token}&lang=en`);
      await second.waitForFunction(() => /LIVE_MAX_CLIENTS/.test(document.querySelector('main')?.textContent ?? ''), null, { timeout: 20_000 });
      expect(await second.textContent('main')).not.toMatch(/Connecting|Not authorised/);
      await first.close();
      await second.waitForSelector('[data-kpi="tickets.created"]', { timeout: 20_000 });
      await second.close();
    } finally {
      await one.kill('SIGTERM');
    }
  });
});
