// An admin sets SLA first-response targets in the dashboard: the grid says what an empty cell means, a save says
// when the new policy takes effect (in the KPI timezone), a reload shows it kept, and a wrong value is told at its
// cell with nothing stored. A supervisor may read the policies but is given nothing to edit.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectWithinWidth, holdRequests, signInAt } from '../helpers/browser';
import { useDashboard, whileDatabaseBusy } from '../helpers/dashboard';
import { questionsAsked } from '../helpers/leaving';

/** Not the browser's zone (the machine's): the page must show the KPI day's. */
const ZONE = 'Asia/Shanghai';

const dashboard = useDashboard({ env: { KPI_TIMEZONE: ZONE }, roles: ['supervisor'] });

interface Policies {
  now: number;
  versions: { effectiveFrom: number; rules: { priority: string; channel: string | null; targetSec: number }[] }[];
}

/** GET /api/sla-policies as the page's signed-in admin. */
const policies = (page: Page): Promise<Policies> => page.evaluate(async () => (await fetch('/api/sla-policies')).json());

/** The start page's admin, signed in, on the SLA policies page in `lang`. */
async function adminOnSla(lang: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await dashboard.adminPage(lang, { viewport });
  await page.goto(`${dashboard.url}/admin/sla?lang=${lang}`);
  await page.locator('input[name="urgent.chat"]').waitFor({ timeout: 15_000 });
  return page;
}

describe('SLA policies, set by an admin in the dashboard', () => {
  it('shows the built-in defaults on a new database, saves a rule, says when it takes effect, and keeps it over a reload', async () => {
    const page = await dashboard.adminPage('en');
    await page.click('a.sla');
    const urgentChat = page.locator('input[name="urgent.chat"]');
    await urgentChat.waitFor({ timeout: 15_000 });

    // Nothing saved yet: said so, and every empty cell shows the default that applies.
    expect(await page.locator('.state').textContent()).toMatch(/No SLA policy has been saved yet: the built-in defaults apply/);
    expect(await urgentChat.getAttribute('placeholder')).toBe('300');
    expect(await page.locator('[data-read="urgent.chat"]').textContent()).toMatch(/default 5m/);

    // Typed from the keyboard: a channel's cell read back as a duration, the row's every-channel value shown in its empty cells.
    await urgentChat.fill('120');
    expect((await page.locator('[data-read="urgent.chat"]').textContent())?.trim()).toBe('2m');
    await page.locator('input[name="high.any"]').fill('5400');
    expect((await page.locator('[data-read="high.any"]').textContent())?.trim()).toBe('1h 30m');
    expect(await page.locator('input[name="high.email"]').getAttribute('placeholder')).toBe('5400');
    expect(await page.locator('[data-read="high.email"]').textContent()).toMatch(/every channel: 1h 30m/);
    await urgentChat.press('Enter');

    const pending = page.locator('.pending');
    await pending.waitFor({ timeout: 15_000 });
    const saved = await policies(page);
    expect(saved.versions[0]!.rules).toEqual([
      { priority: 'urgent', channel: 'chat', targetSec: 120 },
      { priority: 'high', channel: null, targetSec: 5400 }
    ]);
    const effectiveFrom = saved.versions[0]!.effectiveFrom;
    expect(effectiveFrom).toBeGreaterThan(saved.now);
    // The time of day in the KPI timezone, as the locale writes it (Chromium's own Intl, white space as it puts it).
    const time = await page.evaluate(([at, zone]) => new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit', timeZone: zone as string }).format(at as number), [effectiveFrom, ZONE]);
    expect(await pending.textContent()).toContain(`takes effect at ${time} (${ZONE})`);

    await page.reload();
    await urgentChat.waitFor({ timeout: 15_000 });
    expect(await urgentChat.inputValue()).toBe('120');
    expect(await page.locator('input[name="high.any"]').inputValue()).toBe('5400');
    expect(await page.locator('input[name="urgent.any"]').inputValue()).toBe('');
    expect(await pending.textContent()).toContain(`takes effect at ${time} (${ZONE})`);
    expect(await page.locator(`.history [data-effective-from="${effectiveFrom}"]`).textContent()).toMatch(/admin[\s\S]*Urgent · Chat: 2m[\s\S]*High · Every channel: 1h 30m/);
    await page.close();
  });

  it('turns a pending version to in effect at its time, without a reload', async () => {
    const context = await dashboard.browser.newContext({ viewport: { width: 1280, height: 900 } });
    // The browser's clock, moved on below as a page left open for minutes would be.
    await context.clock.install();
    const page = await signInAt(await context.newPage(), dashboard.url, 'en');
    await page.goto(`${dashboard.url}/admin/sla?lang=en`);
    const cell = page.locator('input[name="low.email"]');
    await cell.waitFor({ timeout: 15_000 });
    await cell.fill('20000');
    await cell.press('Enter');
    const pending = page.locator('.pending');
    await pending.waitFor({ timeout: 15_000 });
    const saved = await policies(page);
    const effectiveFrom = saved.versions[0]!.effectiveFrom;
    const row = page.locator(`.history [data-effective-from="${effectiveFrom}"]`);
    expect(await row.locator('small').textContent()).toBe('pending');

    // A second before its time: still pending.
    const browserNow = await page.evaluate(() => Date.now());
    await context.clock.fastForward(effectiveFrom - browserNow - 1_000);
    expect(await pending.count()).toBe(1);
    await context.clock.fastForward(2_000);
    await expect.poll(() => pending.count(), { timeout: 15_000 }).toBe(0);
    expect(await row.locator('small').textContent()).toBe('in effect');
    expect(await page.locator('.in-effect').textContent()).toMatch(/^In effect since .+, set by admin\.$/);
    await context.close();
  });

  it('tells a wrong value at its cell, and stores nothing', async () => {
    const page = await adminOnSla('en');
    const before = await policies(page);
    const lowEmail = page.locator('input[name="low.email"]');
    await lowEmail.fill('0');
    await lowEmail.press('Enter');
    const fault = page.locator('[data-fault="low.email"]');
    await fault.waitFor({ timeout: 15_000 });
    expect(await lowEmail.getAttribute('aria-invalid')).toBe('true');
    expect(await fault.textContent()).toBe('Expected a whole number of seconds from 1 to 2,592,000 (30d).');
    expect(await page.locator('[role=alert]').count()).toBe(1);
    expect(await policies(page).then((p) => p.versions)).toEqual(before.versions);
    // What was typed stays, to be put right.
    expect(await lowEmail.inputValue()).toBe('0');
    expect(await page.locator('input[name="urgent.chat"]').inputValue()).toBe('120');
    await page.close();
  });

  it('speaks Chinese, and fits a phone\'s screen with no sideways scrolling', async () => {
    const page = await adminOnSla('zh-CN', { width: 360, height: 740 });
    expect(await page.locator('h1').textContent()).toBe('SLA 策略');
    await page.locator('input[name="urgent.phone"]').fill('600');
    await page.locator('input[name="urgent.phone"]').press('Enter');
    await page.locator('.actions [role=status]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.pending').textContent()).toMatch(/新策略将于 .+（Asia\/Shanghai）生效/);
    expect(await page.locator('.history tbody tr').first().textContent()).toMatch(/紧急 · 电话：10分钟/);
    expect(await page.locator('[data-read="low.any"]').textContent()).toMatch(/默认 8小时/);
    // The defaults are named as an admin knows them, in Chinese: no "SPEC", a word of the engineers' own.
    expect(await page.locator('.state').textContent()).toMatch(/内置默认值/);
    expect(await page.getByRole('button', { name: '恢复内置默认值' }).count()).toBe(1);
    expect(await page.locator('main').textContent()).not.toMatch(/SPEC/);
    // A wrong value told at its cell in Chinese, where the server's words are English.
    await page.locator('input[name="low.any"]').fill('2592001');
    await page.locator('input[name="low.any"]').press('Enter');
    await page.locator('[data-fault="low.any"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-fault="low.any"]').textContent()).toBe('应为 1 到 2,592,000 之间的整数秒（30天）。');
    await page.locator('input[name="low.any"]').fill('');
    await expectWithinWidth(page, 360, ['input[name="urgent.any"]', 'input[name="low.web"]', 'button[type=submit]']);
    await page.close();
  });

  it('resets to the built-in defaults after a confirm, and not without one', async () => {
    const page = await adminOnSla('en');
    const reset = page.getByRole('button', { name: 'Reset to the built-in defaults' });
    const before = await policies(page);
    const asked = new Promise<string>((resolve) => page.once('dialog', (dialog) => void dialog.dismiss().then(() => resolve(dialog.message()))));
    await reset.focus();
    await reset.press('Enter');
    expect(await asked).toMatch(/built-in defaults for every priority and channel/);
    expect((await policies(page)).versions).toEqual(before.versions);
    expect(await page.locator('input[name="urgent.chat"]').inputValue()).toBe('120');

    page.once('dialog', (dialog) => void dialog.accept());
    await reset.press('Enter');
    await expect.poll(() => page.locator('input[name="urgent.chat"]').inputValue(), { timeout: 15_000 }).toBe('');
    expect((await policies(page)).versions[0]!.rules).toEqual([]);
    expect(await page.locator('[data-read="urgent.chat"]').textContent()).toMatch(/default 5m/);
    await page.close();
  });

  it('says, in the page\'s language, that the database was busy and nothing was saved, and saves once it is free', async () => {
    const page = await adminOnSla('zh-CN');
    const before = await policies(page);
    await whileDatabaseBusy(dashboard.dbPath, async () => {
      await page.locator('input[name="normal.web"]').fill('3600');
      await page.locator('input[name="normal.web"]').press('Enter');
      const said = page.locator('form > p.error[role=alert]');
      await said.waitFor({ timeout: 30_000 });
      expect(await said.textContent()).toMatch(/数据库正忙.*未保存任何更改.*后再保存/);
    });
    expect((await policies(page)).versions).toEqual(before.versions);
    await page.locator('input[name="normal.web"]').press('Enter');
    await page.locator('.actions [role=status]').waitFor({ timeout: 15_000 });
    expect((await policies(page)).versions[0]!.rules).toContainEqual({ priority: 'normal', channel: 'web', targetSec: 3600 });
    await page.close();
  });

  it('opens the admin pages from the start page in the language chosen there, not the browser\'s', async () => {
    const page = await dashboard.adminPage('zh-CN', { locale: 'en-US' });
    await page.click('a.sla');
    await page.locator('input[name="urgent.chat"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('h1').textContent()).toBe('SLA 策略');
    await page.goBack();
    await page.click('a.targets');
    await page.locator('input[name="csat.pct.warn"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('h1').textContent()).toBe('KPI 目标');
    // And back to the start page in it.
    await page.click('a.home');
    await page.locator('a.wall').waitFor({ timeout: 15_000 });
    expect(await page.locator('a.wall').textContent()).toMatch(/打开大屏/);
    await page.close();
  });

  it('says the policies are on their way while they load, and that the server could not answer when it did not', async () => {
    const page = await dashboard.adminPage('en');
    const release = await holdRequests(page, '**/api/sla-policies', 'abort');
    await page.goto(`${dashboard.url}/admin/sla?lang=en`);
    const loading = page.locator('main [role=status]');
    await loading.waitFor({ timeout: 15_000 });
    expect(await loading.textContent()).toMatch(/Loading the SLA policies/);
    release();
    await page.locator('main [role=alert]').waitFor({ timeout: 15_000 });
    expect(await page.locator('main [role=alert]').textContent()).toMatch(/could not answer\. Reload this page/);
    expect(await loading.count()).toBe(0);
    await page.close();
  });

  it('shows a supervisor the policies to read, with nothing to edit', async () => {
    const context = await dashboard.browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${dashboard.tokens.supervisor}` } });
    const page = await context.newPage();
    await page.goto(`${dashboard.url}/admin/sla?lang=en`);
    await page.locator('.read-only').waitFor({ timeout: 15_000 });
    expect(await page.locator('.read-only').textContent()).toMatch(/Only an admin may change the SLA policies/);
    // The busy database's test saved normal on web at 3600 s, the only rule since the reset.
    expect((await policies(page)).versions[0]!.rules).toEqual([{ priority: 'normal', channel: 'web', targetSec: 3600 }]);
    expect((await page.locator('[data-cell="normal.web"]').textContent())?.trim()).toBe('1h');
    expect((await page.locator('[data-cell="urgent.chat"]').textContent())?.trim()).toBe('default 5m');
    expect(await page.locator('input, button').count()).toBe(0);
    await context.close();
  });
});

describe('SLA policies, saved by two admins at once', () => {
  it("does not throw away a policy another admin saved after the page opened: says so, shows theirs with the cells typed kept, and saves on a second Save", async () => {
    const mine = await adminOnSla('en');
    const theirs = await adminOnSla('en');

    // The other admin saves first, from a page opened at the same time.
    await theirs.locator('input[name="normal.email"]').fill('600');
    await theirs.locator('input[name="normal.email"]').press('Enter');
    await theirs.locator('.actions [role="status"]').waitFor({ timeout: 15_000 });
    const stored = (await policies(theirs)).versions;
    const saved = stored[0]!;
    expect(saved.rules).toContainEqual({ priority: 'normal', channel: 'email', targetSec: 600 });

    // This admin, who never saw it, changes another cell and saves: nothing is saved over theirs.
    await mine.locator('input[name="low.web"]').fill('1200');
    await mine.locator('input[name="low.web"]').press('Enter');
    const fault = mine.locator('form > p.error[role="alert"]');
    await fault.waitFor({ timeout: 15_000 });
    expect(await fault.textContent()).toMatch(/^admin saved a new policy at \d{1,2}:\d{2}.*, after this page was opened, so yours was not saved: .*Check them, then save again\.$/);
    expect((await policies(mine)).versions).toEqual(stored);
    // Theirs is in the grid now, and what this admin typed is still there.
    expect(await mine.locator('input[name="normal.email"]').inputValue()).toBe('600');
    expect(await mine.locator('input[name="low.web"]').inputValue()).toBe('1200');
    expect(await mine.locator('.actions [role="status"]').count()).toBe(0);

    // Saved again, having seen theirs, both stand.
    await mine.locator('.actions button[type="submit"]').click();
    await mine.locator('.actions [role="status"]').waitFor({ timeout: 15_000 });
    expect(await fault.count()).toBe(0);
    const both = (await policies(mine)).versions[0]!.rules;
    expect(both).toContainEqual({ priority: 'normal', channel: 'email', targetSec: 600 });
    expect(both).toContainEqual({ priority: 'low', channel: 'web', targetSec: 1200 });
    await mine.close();
    await theirs.close();
  });
});

describe('SLA policies typed and not saved', () => {
  it('asks before the link leaves a grid with a change not saved, and stays with the change when told to', async () => {
    const page = await adminOnSla('en');
    const asked = questionsAsked(page);
    await page.locator('input[name="urgent.app"]').fill('240');
    await page.locator('a.home').click();
    await expect.poll(() => asked, { timeout: 15_000 }).toEqual(['You have changes here that are not saved. Leave this page and lose them?']);
    expect(new URL(page.url()).pathname).toBe('/admin/sla');
    expect(await page.locator('input[name="urgent.app"]').inputValue()).toBe('240');
    await page.close();
  });
});
