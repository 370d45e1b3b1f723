// Load more on the tickets behind a number reads on until it finds some (up to ten pages of a sparse filter), which
// can take seconds: the button says it is loading meanwhile, where it only went grey and a manager pressed it again.
import { describe, expect, it } from 'vitest';
import { holdRequests } from '../helpers/browser';
import { useDashboard } from '../helpers/dashboard';
import { lastHour } from '../helpers/events';

const dashboard = useDashboard({
  users: { maria: 'manager' },
  seed: async (dashboard) => {
    const { min, t0, ev } = lastHour();
    await dashboard.send(
      [1, 2, 3].map((n) => ev(`c${n}`, t0 + n * min, { type: 'ticket.created', ticket: `T-${n}`, channel: 'chat', team: 'payments' }))
    );
  }
});

describe('Load more, on the tickets behind a number', () => {
  for (const [lang, loading, more] of [
    ['en', 'Loading the tickets…', 'Load more'],
    ['zh-CN', '正在加载工单…', '加载更多']
  ] as const)
    it(`says it is loading while the next page comes, and is pressable again once it has (${lang})`, async () => {
      const page = await dashboard.signedInAs('maria', lang, { width: 390, height: 844 });
      await page.click('a.reports');
      const link = page.locator('tr[data-team="payments"] a[data-measure="tickets.created"]');
      await link.waitFor({ timeout: 20_000 });
      await page.goto(`${dashboard.url}${await link.getAttribute('href')}&limit=1`);
      await page.locator('tr[data-item="T-3"]').waitFor({ timeout: 15_000 });
      const button = page.locator('button.more');
      expect((await button.textContent())!.trim()).toBe(more);

      const release = await holdRequests(page, '**/api/drill?*cursor=*', 'continue');
      // From the keyboard: the focus stays on the button (a disabled one drops it to the page's top), so Enter again
      // reads the page after.
      await button.focus();
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await button.textContent())!.trim()).toBe(loading);
      expect(await button.getAttribute('aria-disabled')).toBe('true');
      release();
      await page.locator('tr[data-item="T-2"]').waitFor({ timeout: 15_000 });
      expect((await button.textContent())!.trim()).toBe(more);
      expect(await button.getAttribute('aria-disabled')).toBe('false');
      expect(await button.evaluate((b) => b === document.activeElement)).toBe(true);
      await page.keyboard.press('Enter');
      await page.locator('tr[data-item="T-1"]').waitFor({ timeout: 15_000 });
      await page.context().close();
    });
});

describe('how many, on the tickets behind a number', () => {
  // A list of 100 under a number of 1,325 read "100 shown", as if the two disagreed: it says what it is out of.
  for (const [lang, first, second, all] of [
    ['en', '1 of 3 shown', '2 of 3 shown', '3 shown'],
    ['zh-CN', '已显示 1 条，共 3 条', '已显示 2 条，共 3 条', '已显示 3 条']
  ] as const)
    it(`says how many of the number's the list shows, as Load more adds to it (${lang})`, async () => {
      const page = await dashboard.signedInAs('maria', lang, { width: 1280, height: 900 });
      await page.click('a.reports');
      const link = page.locator('tr[data-team="payments"] a[data-measure="tickets.created"]');
      await link.waitFor({ timeout: 20_000 });
      expect((await link.textContent())!.trim()).toBe('3');
      await page.goto(`${dashboard.url}${await link.getAttribute('href')}&limit=1`);
      await page.locator('tr[data-item="T-3"]').waitFor({ timeout: 15_000 });
      const count = page.locator('.actions [role=status]');
      await expect.poll(async () => (await count.textContent())!.trim()).toBe(first);
      await page.click('button.more');
      await page.locator('tr[data-item="T-2"]').waitFor({ timeout: 15_000 });
      expect((await count.textContent())!.trim()).toBe(second);
      await page.click('button.more');
      await page.locator('.end').waitFor({ timeout: 15_000 });
      expect((await count.textContent())!.trim()).toBe(all);
      await page.context().close();
    });
});
