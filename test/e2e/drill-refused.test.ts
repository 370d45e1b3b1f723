// The tickets behind a number, opened at an address the server refuses (a stale bookmark, a hand-edited link): the
// page says what is wrong in its own language and links to the report to pick again, instead of the API's English.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDashboard } from '../helpers/dashboard';

let page: Page;

const dashboard = useDashboard({
  env: { KPI_TIMEZONE: 'Asia/Shanghai' },
  seed: async (dashboard) => {
    page = await dashboard.adminPage('zh-CN', { viewport: { width: 390, height: 844 } });
  }
});

/** The page at `search`, once it has said why it shows nothing: its words and where its link goes. */
async function refused(search: string): Promise<{ heading: string; said: string; link: string | null }> {
  await page.goto(`${dashboard.url}/reports/tickets?${search}`);
  const alert = page.locator('main [role=alert]');
  await alert.waitFor({ timeout: 15_000 });
  const link = (await alert.locator('a').count()) === 1 ? await alert.locator('a').getAttribute('href') : null;
  return { heading: (await page.locator('h1').textContent())!.trim(), said: (await alert.textContent())!.trim(), link };
}

describe('the tickets behind a number, at an address the server refuses', () => {
  it('says in Chinese that no number was named, not the API\'s list of measures, and links to the report with its team', async () => {
    const unknown = await refused('measure=bogus&from=2026-11-02&to=2026-11-03&team=wallet&lang=zh-CN');
    expect(unknown.said).toBe('此地址没有指明要列出哪个数字背后的工单：请打开报表，点击其中一个数字。 打开报表');
    expect(unknown.heading).toBe('数字背后的工单');
    expect(unknown.link).toBe('/reports?from=2026-11-02&to=2026-11-03&team=wallet&lang=zh-CN');

    const missing = await refused('from=2026-11-02&to=2026-11-03&lang=zh-CN');
    expect(missing.said).not.toMatch(/[A-Za-z]{3,}/);
    expect(missing.link).toBe('/reports?from=2026-11-02&to=2026-11-03&lang=zh-CN');
  });

  it('names the day that is none of the calendar\'s, and days that end before they start, and links to the report without them', async () => {
    const day = await refused('measure=tickets.created&from=2026-13-40&to=2026-12-08&lang=zh-CN');
    expect(day.said).toBe('此地址中的 2026-13-40 不是有效的日期：请打开报表，在那里选择日期。 打开报表');
    expect(day.heading).toBe('新建工单');
    expect(day.link).toBe('/reports?lang=zh-CN');
    // The way back up (All teams › team) leaves the bad day out too: it opened a report of that same address.
    expect(await page.locator('nav.crumbs a').first().getAttribute('href')).toBe('/reports?lang=zh-CN');

    const order = await refused('measure=tickets.created&from=2026-12-09&to=2026-12-08&team=wallet&lang=en');
    expect(order.said).toBe('The days in this address end before they start: open the report and pick the days there. Open the report');
    expect(order.link).toBe('/reports?team=wallet&lang=en');
    expect(await page.locator('nav.crumbs a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['/reports?lang=en', '/reports?team=wallet&lang=en']);
  });

  it('names the zone its days are counted in as the report does, in the page\'s language, not by its id', async () => {
    await page.goto(`${dashboard.url}/reports/tickets?measure=tickets.created&from=2026-11-02&to=2026-11-03&lang=zh-CN`);
    await page.locator('main .empty').waitFor({ timeout: 15_000 });
    await page.locator('.range .zone').waitFor({ timeout: 15_000 });
    expect((await page.locator('.range .zone').textContent())!.trim()).toBe('按中国标准时间计日');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
