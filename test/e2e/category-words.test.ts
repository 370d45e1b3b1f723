// A Chinese-first manager reads the centre's categories in words, not codes ("未确认付款", where the page showed
// "unconfirmed_payment", broken mid-word on a phone), a category the centre does not know as it was sent, and filters
// the report by typing the word.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDashboard } from '../helpers/dashboard';
import { yesterdayIn } from '../helpers/events';

const ZONE = 'Asia/Shanghai';
const { day, nextDay, at } = yesterdayIn(ZONE);

const dashboard = useDashboard({
  env: { KPI_TIMEZONE: ZONE },
  users: { mei: 'manager' },
  seed: (dashboard) =>
    dashboard.send([
      { id: 'c1', type: 'ticket.created', at: at('04:15'), ticket: 'T-1', channel: 'chat', team: 'payments', category: 'unconfirmed_payment' },
      { id: 'c2', type: 'ticket.created', at: at('04:16'), ticket: 'T-2', channel: 'chat', team: 'payments', category: 'card_dispute' },
      { id: 'c3', type: 'ticket.created', at: at('04:17'), ticket: 'T-3', channel: 'phone', team: 'payments', category: 'unconfirmed_payment' }
    ])
});

const phone = (lang: string): Promise<Page> => dashboard.signedInAs('mei', lang, { width: 360, height: 800 });

describe('categories on the zh-CN pages', () => {
  it('lists the tickets behind a number with the category in words, an unknown one as sent, on a phone', async () => {
    const page = await phone('zh-CN');
    await page.goto(`${dashboard.url}/reports/tickets?measure=tickets.created&from=${day}&to=${nextDay}&lang=zh-CN`);
    await page.locator('tbody tr').first().waitFor({ timeout: 15_000 });
    const cells = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-item'), tr.querySelectorAll('td')[4]!.textContent!.trim()]));
    expect(cells).toEqual([['T-3', '未确认付款'], ['T-2', 'card_dispute'], ['T-1', '未确认付款']]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.context().close();
  });

  it("tells a ticket's story with its category in words, in the state and in the event", async () => {
    const page = await phone('zh-CN');
    await page.goto(`${dashboard.url}/reports/ticket?id=T-1&lang=zh-CN`);
    await page.locator('[data-state="category"]').waitFor({ timeout: 15_000 });
    expect((await page.locator('[data-state="category"] dd').textContent())!.trim()).toBe('未确认付款');
    expect((await page.locator('[data-event="ticket.created"] [data-field="category"]').textContent())!.trim()).toBe('类别：未确认付款');
    await page.goto(`${dashboard.url}/reports/ticket?id=T-2&lang=zh-CN`);
    await page.locator('[data-state="category"]').waitFor({ timeout: 15_000 });
    expect((await page.locator('[data-state="category"] dd').textContent())!.trim()).toBe('card_dispute');
    await page.context().close();
  });

  it('suggests the categories in words with their codes, and filters by the code when the word is typed', async () => {
    const page = await phone('zh-CN');
    await page.goto(`${dashboard.url}/reports?from=${day}&to=${nextDay}&lang=zh-CN`);
    await page.locator('#report-categories option').first().waitFor({ state: 'attached', timeout: 15_000 });
    expect(await page.locator('#report-categories option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(['card_dispute', '未确认付款 (unconfirmed_payment)']);
    await page.fill('input[name=category]', '未确认付款');
    await page.click('form.custom button[type=submit]');
    await page.locator('.filters', { hasText: '仅显示：未确认付款' }).waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).searchParams.get('category')).toBe('unconfirmed_payment');
    // Two of the three tickets are unconfirmed payments.
    await page.locator('tr[data-team="payments"] a[data-measure="tickets.created"]', { hasText: '2' }).waitFor({ timeout: 15_000 });
    await page.reload();
    await page.locator('.filters', { hasText: '仅显示：未确认付款' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('input[name=category]').inputValue()).toBe('未确认付款');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.context().close();
  });
});
