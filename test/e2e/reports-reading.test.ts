// A manager's reports read in Chinese order and by keyboard: the teams' table in the order of the names shown (pinyin
// for zh-CN), and every sideways scroll area a tab stop with a name and a visible ring, whose arrows scroll it.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { requireCjkFont } from '../helpers/browser';
import { useDashboard } from '../helpers/dashboard';
import { lastHour } from '../helpers/events';

// Long words, as a centre's own categories and people's full names are: the tickets' table is wider than a desktop's page.
const CATEGORY = 'merchant-chargeback-dispute-after-refund-escalation';
const dashboard = useDashboard({
  users: { maria: 'manager' },
  seed: async (dashboard) => {
    const { min, t0, ev } = lastHour();
    const events = [
      ev('s-a', t0, { type: 'agent.status', agent: 'alice', name: 'Alexandra Catherine Montgomery-Featherstonehaugh', team: 'payments', status: 'available' }),
      ev('s-r', t0, { type: 'agent.status', agent: 'rob', name: 'Roberto Bartholomew Vandenberghe-Ashworth', team: 'risk', status: 'available' })
    ];
    for (let i = 0; i < 6; i++) {
      const team = i % 2 ? 'risk' : 'payments';
      const agent = i % 2 ? 'rob' : 'alice';
      events.push(ev(`c${i}`, t0 + i * min, { type: 'ticket.created', ticket: `T-${i}`, channel: 'chat', category: CATEGORY, team }));
      events.push(ev(`a${i}`, t0 + i * min + 30_000, { type: 'ticket.assigned', ticket: `T-${i}`, agent }));
      events.push(ev(`r${i}`, t0 + (i + 2) * min, { type: 'ticket.replied', ticket: `T-${i}`, agent }));
    }
    await dashboard.send(events);
  }
});

/** The teams' table's rows' codes, top to bottom, the whole centre's row last (""). */
const teamOrder = (page: Page) => page.locator('table.teams tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-team')));

/** Names payments 支付团队 and risk 风控与安全 (fēng before zhī), and in en Wallet payments and Fraud and security. */
async function nameTeams(): Promise<void> {
  const admin = await dashboard.adminPage('en');
  for (const [team, names] of [
    ['payments', { en: 'Wallet payments', 'zh-CN': '支付团队' }],
    ['risk', { en: 'Fraud and security', 'zh-CN': '风控与安全' }]
  ] as const) {
    const status = await admin.evaluate(
      async ([team, names]) => (await fetch(`/api/team-names/${team}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ names }) })).status,
      [team, names] as const
    );
    expect(status).toBe(200);
  }
  await admin.context().close();
}

/** Tabs from where the focus is until it is in `selector`'s element or has gone `max` steps: whether it got there. */
async function tabTo(page: Page, selector: string, max = 60): Promise<boolean> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return true;
  }
  return false;
}

describe("The reports' teams in the order a reader knows", () => {
  it('lists the teams by their names as shown: pinyin order in zh-CN, the alphabet\'s in en, the centre last', async () => {
    await nameTeams();
    requireCjkFont();
    const zh = await dashboard.signedInAs('maria', 'zh-CN');
    await zh.goto(`${dashboard.url}/reports?lang=zh-CN`);
    await zh.locator('table.teams tr[data-team="risk"]').waitFor({ timeout: 20_000 });
    // Their codes' order is payments, risk; 风控与安全 (fēng) comes before 支付团队 (zhī).
    expect(await zh.locator('table.teams tbody th').allTextContents()).toEqual(['风控与安全', '支付团队', '全部团队']);
    expect(await teamOrder(zh)).toEqual(['risk', 'payments', '']);

    const en = await dashboard.signedInAs('maria', 'en');
    await en.goto(`${dashboard.url}/reports?lang=en`);
    await en.locator('table.teams tr[data-team="risk"]').waitFor({ timeout: 20_000 });
    expect(await teamOrder(en)).toEqual(['risk', 'payments', '']);
    expect(await en.locator('table.teams tbody th a').allTextContents()).toEqual(['Fraud and security', 'Wallet payments']);
  });
});

describe('Scroll areas a keyboard reaches', () => {
  it("the tickets behind a number: the table wider than a desktop's page is a named tab stop with a ring, and → scrolls it", async () => {
    const page = await dashboard.signedInAs('maria', 'en', { width: 1280, height: 800 });
    await page.goto(`${dashboard.url}/reports/tickets?measure=firstResponse.count&lang=en`);
    await page.locator('.drill-page table tbody tr').first().waitFor({ timeout: 20_000 });
    const area = page.locator('.drill-page .scroll');
    // The premise: its columns go past the right edge.
    await page.locator('td[data-agent="alice"]', { hasText: 'Alexandra' }).first().waitFor();
    expect(await area.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    // From the download link before it, Tab lands on the area itself, not on the first ticket's link inside it.
    await page.locator('a.download').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('scroll'))).toBe(true);
    expect(await area.ariaSnapshot()).toMatch(/^- region "First responses"/);
    // The table itself is named too: a screen reader's list of tables says what each one is.
    expect(await page.getByRole('table', { name: 'First responses' }).count()).toBe(1);
    // Its ring is drawn (the keyboard's focus is visible), and → and End scroll it sideways.
    expect(await area.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => area.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  });

  it("the reports' tables on a window too narrow for their columns: each a tab stop named by its heading", async () => {
    const page = await dashboard.signedInAs('maria', 'en', { width: 800, height: 900 });
    await page.goto(`${dashboard.url}/reports?lang=en`);
    await page.locator('table.teams tr[data-team="risk"]').waitFor({ timeout: 20_000 });
    const teams = page.locator('section[aria-labelledby="teams-title"] .scroll');
    expect(await teams.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await page.locator('#teams-title').evaluate((el) => el.closest('section')!.querySelector<HTMLButtonElement>('button.export')!.focus());
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('section')?.getAttribute('aria-labelledby'))).toBe('teams-title');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('scroll'))).toBe(true);
    expect(await teams.ariaSnapshot()).toMatch(/^- region "Teams"/);
    expect(await page.getByRole('table', { name: 'Teams' }).count()).toBe(1);
    expect(await page.getByRole('table', { name: 'By channel' }).count()).toBe(1);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => teams.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    // Wide enough for all its columns, it is no tab stop: there is nothing to scroll.
    await page.setViewportSize({ width: 1920, height: 900 });
    await expect.poll(() => teams.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(false);
    await expect.poll(() => teams.getAttribute('tabindex')).toBeNull();
    await page.setViewportSize({ width: 800, height: 900 });
    // The agents' table of a team, the same way.
    await page.goto(`${dashboard.url}/reports?team=payments&lang=en`);
    await page.locator('table.agents tr[data-agent="alice"]').waitFor({ timeout: 20_000 });
    expect(await tabTo(page, 'section[aria-labelledby="agents-title"] .scroll')).toBe(true);
  });
});

describe('A keyboard walk through the reports', () => {
  /** What has the focus: its tag, and its words. */
  const focused = (page: Page) => page.evaluate(() => `${document.activeElement?.tagName.toLowerCase()} ${document.activeElement?.textContent?.trim()}`);

  it('lands the focus where the page now is after each step: the crumb of the team and the agent, the list\'s heading, the story\'s, and the ticket opened on the way back', async () => {
    const page = await dashboard.signedInAs('maria', 'en');
    await page.goto(`${dashboard.url}/reports?lang=en`);
    await page.locator('table.teams tr[data-team="payments"] th a').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/[?&]team=payments/);
    // The step that says where the page is, not <body>: a screen reader says the team, and Tab goes on from there.
    await expect.poll(() => page.evaluate(() => document.activeElement?.matches('nav.crumbs [aria-current="page"]'))).toBe(true);
    expect(await focused(page)).toMatch(/^a Team (payments|Wallet payments)$/);
    // The title, which a screen reader announces as the page changes (and a tab shows), says whose the report is.
    await expect.poll(() => page.title()).toMatch(/^Reports · Team (payments|Wallet payments) · Floorboard$/);

    expect(await tabTo(page, 'table.agents tr[data-agent="alice"] th a')).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/[?&]agent=alice/);
    await expect.poll(() => focused(page)).toBe('a Alexandra Catherine Montgomery-Featherstonehaugh');
    await expect.poll(() => page.title()).toBe('Reports · Alexandra Catherine Montgomery-Featherstonehaugh · Floorboard');

    expect(await tabTo(page, 'a[data-measure="firstResponse.count"]')).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/reports\/tickets\?/);
    await expect.poll(() => focused(page)).toBe('h1 First responses');
    await expect.poll(() => page.title()).toBe('First responses · Alexandra Catherine Montgomery-Featherstonehaugh · Floorboard');

    expect(await tabTo(page, '.drill-page tbody th > a')).toBe(true);
    const ticket = (await page.evaluate(() => document.activeElement!.textContent!.trim()))!;
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/reports\/ticket\?/);
    await expect.poll(() => focused(page)).toBe(`h1 Ticket ${ticket}`);

    expect(await tabTo(page, 'button.back')).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/reports\/tickets\?/);
    await expect.poll(() => focused(page)).toBe(`a ${ticket}`);
  });

  /** What has the focus, and the ring drawn round it (its computed outline's style: "none" for no ring). */
  const ring = (page: Page) => page.evaluate(() => `${document.activeElement?.textContent?.trim()}: ${getComputedStyle(document.activeElement!).outlineStyle}`);

  it('rings where the focus lands only after a step taken by keyboard: not after a click, nor for a key pressed while the list loads', async () => {
    const page = await dashboard.signedInAs('maria', 'en');
    const team = 'table.teams tr[data-team="payments"] th a';
    const crumbFocused = () => expect.poll(() => page.evaluate(() => document.activeElement?.matches('nav.crumbs [aria-current="page"]'))).toBe(true);
    await page.goto(`${dashboard.url}/reports?lang=en`);
    await page.locator(team).click();
    await crumbFocused();
    expect(await ring(page)).toMatch(/^Team .*: none$/);
    await page.goto(`${dashboard.url}/reports?lang=en`);
    await page.locator(team).focus();
    await page.keyboard.press('Enter');
    await crumbFocused();
    expect(await ring(page)).toMatch(/^Team .*: auto$/);

    // A ticket's story left by its Back button, clicked: the list's ticket takes the focus once the list is back, and
    // an arrow key pressed meanwhile to scroll is no step by keyboard (Chromium drew the ring after any key).
    await page.goto(`${dashboard.url}/reports?team=payments&agent=alice&lang=en`);
    await page.locator('.tile a[data-measure="firstResponse.count"]').click();
    await page.locator('.drill-page tbody th > a').first().click();
    await page.waitForURL(/\/reports\/ticket\?/);
    const ticket = (await page.locator('main h1').textContent())!.replace(/^Ticket /, '');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/drill?*', async (route) => (await held, route.continue()));
    await page.locator('button.back').click();
    await page.waitForURL(/\/reports\/tickets\?/);
    await page.keyboard.press('ArrowDown');
    release();
    await expect.poll(() => ring(page)).toBe(`${ticket}: none`);
    // The same Back by keyboard rings the ticket.
    await page.unroute('**/api/drill?*');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/reports\/ticket\?/);
    await expect.poll(() => focused(page)).toBe(`h1 Ticket ${ticket}`);
    expect(await tabTo(page, 'button.back')).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/reports\/tickets\?/);
    await expect.poll(() => ring(page)).toBe(`${ticket}: auto`);
    await page.context().close();
  });
});
