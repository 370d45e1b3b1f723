// What a wall says to someone who cannot tell its colours apart, reads it from across the room, or drives it by
// keyboard or screen reader: in real Chromium against a real server.
import type { Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDashboard } from '../helpers/dashboard';

const MIN = 60_000;

/** WCAG 2 contrast ratio of two computed CSS colours ("rgb(r, g, b)"). */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const dashboard = useDashboard({
  seed: async (dashboard) => {
    const now = Date.now();
    // One ticket waiting 70 minutes for a first response (past the longest wait's critical hour), one answered.
    await dashboard.send([
      { id: 'a11y-1', type: 'ticket.created', at: now - 70 * MIN, ticket: 'A-1', channel: 'chat', team: 'wallet' },
      { id: 'a11y-2', type: 'ticket.created', at: now - 10 * MIN, ticket: 'A-2', channel: 'chat', team: 'wallet' },
      { id: 'a11y-3', type: 'ticket.replied', at: now - 9 * MIN, ticket: 'A-2', agent: 'li.wei' },
      // A callback due five minutes ago: one overdue, which misses its target of none (amber, not yet red).
      { id: 'a11y-4', type: 'callback.scheduled', at: now - 30 * MIN, callback: 'CB-1', reason: 'pre_approval', due: now - 5 * MIN, team: 'wallet' }
    ]);
  }
});

/** A new page on the wall (`query` after its token), once the figures are up. */
const openWall = (query = '', viewport = { width: 1920, height: 1080 }): Promise<Page> =>
  dashboard.openWall(query, { viewport, waitFor: '[data-kpi="tickets.created"]' });

describe('the wall, for every reader', () => {
  it('names its pages in a landmark so called, those it is not on in text that can be read (WCAG AA, 4.5:1), and a missing figure too (3:1, large)', async () => {
    const page = await openWall('lang=en');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const tabs = await page.$$eval('header nav a:not([aria-current])', (links) => links.map((a) => getComputedStyle(a).color));
    expect(tabs).toHaveLength(2);
    for (const colour of tabs) expect(contrast(colour, background)).toBeGreaterThanOrEqual(4.5);
    // A screen reader names the tabs' landmark for what it holds, not the product's name.
    expect(await page.getByRole('navigation', { name: 'Wall pages' }).getByRole('link').allInnerTexts()).toEqual(['Overview', 'Agents', 'Callbacks']);
    const missing = await page.$eval('[data-kpi="callbacks.onTimePct"] .value', (p) => [getComputedStyle(p).color, getComputedStyle(p.closest('article')!).backgroundColor]);
    expect(contrast(missing[0], missing[1])).toBeGreaterThanOrEqual(3);
    await page.close();
  });

  it('says which tiles miss their target by a flag of its own shape and name, not by their colour alone', async () => {
    const page = await openWall('lang=en');
    const flag = (kpi: string) => page.locator(`[data-kpi="${kpi}"] h2 [role=img]`);
    await expect.poll(() => page.getAttribute('[data-kpi="backlog.callbacksOverdue"]', 'data-level')).toBe('warn');
    expect(await page.getAttribute('[data-kpi="backlog.oldestUnattendedSec"]', 'data-level')).toBe('critical');
    expect(await flag('backlog.callbacksOverdue').count()).toBe(1);
    expect(await flag('backlog.callbacksOverdue').getAttribute('aria-label')).toBe('Target missed');
    expect(await flag('backlog.oldestUnattendedSec').getAttribute('aria-label')).toBe('Past the critical line');
    // Amber and red differ in shape too (a triangle, a circle), for whoever cannot tell the two colours apart.
    expect(await flag('backlog.callbacksOverdue').locator('path').count()).toBe(2);
    expect(await flag('backlog.oldestUnattendedSec').locator('circle').count()).toBe(1);
    for (const kpi of ['backlog.callbacksOverdue', 'backlog.oldestUnattendedSec']) {
      const [tile, mark] = [await page.locator(`[data-kpi="${kpi}"]`).boundingBox(), await flag(kpi).boundingBox()];
      expect(mark!.width).toBeGreaterThan(10);
      expect(mark!.x + mark!.width).toBeLessThanOrEqual(tile!.x + tile!.width);
    }
    // A tile on target has none.
    expect(await page.getAttribute('[data-kpi="backlog.unattended"]', 'data-level')).toBe('ok');
    expect(await flag('backlog.unattended').count()).toBe(0);
    await page.close();
    const zh = await openWall('lang=zh-CN');
    await expect.poll(() => zh.getAttribute('[data-kpi="backlog.oldestUnattendedSec"] h2 [role=img]', 'aria-label')).toBe('严重未达标');
    await zh.close();
  });

  it('gives each chart a text alternative, in the wall\'s language, that says what the chart shows', async () => {
    const page = await openWall('lang=en');
    const charts = page.locator('.chart[role=img]');
    await expect.poll(() => charts.count()).toBe(3);
    const [createdResolved, backlog, p90] = await charts.evaluateAll((all) => all.map((c) => c.getAttribute('aria-label') ?? ''));
    // Two tickets created today, none resolved; the one answered had its first response a minute after it came in.
    expect(createdResolved).toMatch(/^Today 2 created and 0 resolved; most created in a quarter hour: 1, from \d\d:\d\d$/);
    expect(backlog).toMatch(/^2 open now; most today: 2, at \d\d:\d\d$/);
    expect(p90).toMatch(/^First response p90 1m 00s in the quarter hour from \d\d:\d\d; highest today 1m 00s, from \d\d:\d\d; target ≤ 30m$/);
    await page.close();
    const zh = await openWall('lang=zh-CN');
    await expect.poll(() => zh.locator('.chart[role=img]').first().getAttribute('aria-label')).toMatch(/^今日新建 2 单，解决 0 单；/);
    await zh.close();
  });

  it('says of a backlog that nothing was open all day just that, not a "most today" of 0 at a time when nothing happened', async () => {
    for (const [lang, said] of [
      ['en', '0 open now'],
      ['zh-CN', '当前未结 0 单']
    ]) {
      // A team with no work today: its backlog read 0 at every minute.
      const page = await openWall(`lang=${lang}&team=a11y-nobody`);
      await expect.poll(() => page.locator('.chart[role=img]').nth(1).getAttribute('aria-label')).toBe(said);
      await page.close();
    }
  });

  it('keeps still for a viewer who asked for reduced motion: no endless spinner or pulse while it connects or reconnects', async () => {
    const endless = (page: Page) =>
      page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getTiming().iterations === Infinity).length);
    const connecting = await dashboard.browser.newPage({ viewport: { width: 1920, height: 1080 }, reducedMotion: 'reduce' });
    // A feed that opens and never speaks: the wall says it is connecting.
    await connecting.routeWebSocket(/\/api\/live/, () => {});
    await connecting.goto(`${dashboard.url}/wall?token=${dashboard.wallToken}&lang=en`);
    await connecting.waitForSelector('text=Connecting');
    expect(await endless(connecting)).toBe(0);
    await connecting.close();

    const reconnecting = await dashboard.browser.newPage({ viewport: { width: 1920, height: 1080 }, reducedMotion: 'reduce' });
    // The first feed is the server's, then cut; every later one opens and never speaks.
    const feeds: WebSocketRoute[] = [];
    await reconnecting.routeWebSocket(/\/api\/live/, (ws) => {
      if (feeds.push(ws) === 1) ws.connectToServer();
    });
    await reconnecting.goto(`${dashboard.url}/wall?token=${dashboard.wallToken}&lang=en`);
    // Cut once the figures are up: cut 2 s after it opened, a feed whose first message came later (a loaded machine)
    // left the wall connecting, with no figures to keep under a banner.
    await reconnecting.waitForSelector('[data-kpi="tickets.created"][data-value]', { timeout: 15_000 });
    await feeds[0].close();
    await reconnecting.waitForSelector('[data-stale]', { timeout: 30_000 });
    expect(await endless(reconnecting)).toBe(0);
    await reconnecting.close();
  });

  it('says in Chinese what a share is of, as the English does ("1 of 2 offered"), whole on a 1280×720 screen', async () => {
    const page = await openWall('lang=zh-CN', { width: 1280, height: 720 });
    const footer = page.locator('[data-kpi="tickets.abandonedPct"] footer span').first();
    // How many were offered depends on what the tests before this one sent.
    await expect.poll(() => footer.textContent()).toMatch(/^进线 \d 单中 0 单$/);
    expect(await footer.evaluate((span) => span.scrollWidth <= span.clientWidth)).toBe(true);
    expect(await page.textContent('[data-kpi="callbacks.onTimePct"] footer span')).toBe('完成 0 通中 0 通');
    // No attempt yet: said so, where the connect rate read "接通率 —".
    await page.click('a[href*="page=callbacks"]');
    await expect.poll(() => page.textContent('[data-kpi="callbacks.connected"] footer span')).toBe('暂无拨打');
    await page.close();
  });

  // Last: its tickets would change the figures the tests above read.
  it('flags on the agents board the figure that needs help, by shape and name as well as by its colour', async () => {
    const now = Date.now();
    const team = [
      ['a11y.fast1', 60],
      ['a11y.fast2', 60],
      ['a11y.slow', 35 * 60]
    ] as const;
    await dashboard.send(
      team.flatMap(([agent, frt]) => [
        { id: `${agent}-st`, type: 'agent.status', at: now - 30 * MIN, agent, team: 'risk', status: 'available' },
        { id: `${agent}-c`, type: 'ticket.created', at: now - 40 * MIN, ticket: `T-${agent}`, channel: 'chat', team: 'risk' },
        { id: `${agent}-r`, type: 'ticket.replied', at: now - 40 * MIN + frt * 1000, ticket: `T-${agent}`, agent }
      ])
    );
    const page = await dashboard.openWall('lang=en&team=risk&page=agents');
    const slow = page.locator('.row[data-agent="a11y.slow"]');
    await slow.waitFor({ timeout: 15_000 });
    // 35 minutes to a first response, past the target's critical line (30 min): the row and its cell are red, and say so.
    expect(await slow.getAttribute('data-level')).toBe('critical');
    expect(await slow.locator('[role=img]').count()).toBe(1);
    // Named as on the tiles: the board colours a first response by the admin's target, as the tiles do.
    expect(await slow.locator('[role=img]').getAttribute('aria-label')).toBe('Past the critical line');
    expect(await slow.locator('[role=img]').evaluate((flag) => flag.closest('.cell')?.textContent)).toMatch(/^3\dm/);
    expect(await page.locator('.row[data-agent="a11y.fast1"] [role=img]').count()).toBe(0);
    await page.close();
  });

  // After the one above, whose agents it reads.
  it('reads the agents and callbacks boards to a screen reader as tables: each figure in its row, under its column', async () => {
    const now = Date.now();
    await dashboard.send([
      { id: 'a11y-cb2', type: 'callback.scheduled', at: now - 10 * MIN, callback: 'CB-2', reason: 'complaint_followup', due: now + 60 * MIN, agent: 'a11y.fast1', team: 'risk' }
    ]);
    const page = await dashboard.openWall('lang=en&team=risk&page=agents');
    const agents = page.getByRole('table', { name: 'Agents' });
    await agents.waitFor({ timeout: 15_000 });
    // Each coloured column's heading says its target too, and Handled its rule against the team (a space between them, none breaking the bound).
    const heads = async (table: typeof agents) => (await table.getByRole('columnheader').allTextContents()).map((text) => text.replace(/\s+/g, ' '));
    expect(await heads(agents)).toEqual(['Agent', 'Status', 'Handled > ½ team median', 'FRT p50 target ≤ 10m', 'CSAT target ≥ 80%']);
    const slow = agents.getByRole('row').filter({ hasText: 'a11y.slow' });
    expect(await slow.getByRole('cell').count()).toBe(5);
    expect(await slow.getByRole('cell').nth(3).textContent()).toMatch(/^3\dm/);

    await page.goto(`${dashboard.url}/wall?token=${dashboard.wallToken}&lang=zh-CN&team=risk&page=callbacks`);
    const callbacks = page.getByRole('table', { name: '坐席回呼' });
    await callbacks.waitFor({ timeout: 15_000 });
    expect(await heads(callbacks)).toEqual(['坐席', '预约', '拨打', '接通', '完成', '已确认', '准时 目标 ≥ 90%']);
    const fast = callbacks.getByRole('row').filter({ hasText: 'a11y.fast1' });
    expect(await fast.getByRole('cell').allTextContents()).toEqual(['a11y.fast1', '1', '0', '0', '0', '0', '—']);
    await page.close();
  });
});
