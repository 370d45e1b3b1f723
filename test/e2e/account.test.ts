// A signed-in person changes their own password on /account, linked from the start page beside sign-out: each
// fault is told at its field (in English or Chinese), and once changed this browser stays signed in while the
// person's other sessions end.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectWithinWidth } from '../helpers/browser';
import { useDashboard } from '../helpers/dashboard';
import { addUser, signedInAs } from '../helpers/people';

const PASSWORD = 'floor-supervisor-1';

const dashboard = useDashboard({
  // Two supervisors to change the password of, added as an admin adds one.
  seed: async ({ url }) => {
    for (const username of ['mei', 'lin']) await addUser(url, username, 'supervisor', PASSWORD);
  }
});

/** `username` signed in on the start page in a browser of their own, in `lang`. */
async function signedIn(username: string, lang: string, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const page = await signedInAs(dashboard.browser, dashboard.url, username, lang, viewport, {}, PASSWORD);
  return { context: page.context(), page };
}

const status = (page: Page, path: string) => page.evaluate(async (p) => (await fetch(p)).status, path);

describe('Changing one\'s own password on /account', () => {
  it('tells each fault at its field, changes it from the keyboard, keeps this browser signed in and signs the others out', async () => {
    const { context, page } = await signedIn('mei', 'en');
    const elsewhere = await signedIn('mei', 'en');
    await page.click('a.account');
    const current = page.locator('input[name=currentPassword]');
    await current.waitFor({ timeout: 15_000 });
    expect(await page.locator('h1').textContent()).toBe('Your account');
    expect(new URL(page.url()).search).toBe('?lang=en');

    // The two new ones differ: said at the repeat, and nothing is sent.
    let sent = 0;
    page.on('request', (r) => void (r.url().endsWith('/api/auth/password') && sent++));
    await current.fill('floor-supervisor-1');
    await page.fill('input[name=newPassword]', 'meis-new-password');
    await page.fill('input[name=repeat]', 'meis-new-passwrod');
    await page.press('input[name=repeat]', 'Enter');
    await page.locator('[data-fault=repeat]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-fault=repeat]').textContent()).toMatch(/The two new passwords differ/);
    expect(sent).toBe(0);

    // A wrong current password: said at it, and the keyboard is put back on it.
    await current.fill('not-my-password');
    await page.fill('input[name=repeat]', 'meis-new-password');
    await page.press('input[name=repeat]', 'Enter');
    await page.locator('[data-fault=currentPassword]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-fault=currentPassword]').textContent()).toMatch(/This is not your current password/);
    expect(await page.locator('[data-fault=repeat]').count()).toBe(0);
    expect(await current.evaluate((el) => el === document.activeElement)).toBe(true);

    // Shown, the passwords can be read back before they are sent.
    expect(await current.getAttribute('type')).toBe('password');
    await page.check('input[name=show]');
    expect(await current.getAttribute('type')).toBe('text');

    expect(await page.locator('input[name=repeat]').inputValue()).toBe('meis-new-password');
    await current.fill('floor-supervisor-1');
    await current.press('Enter');
    const done = page.locator('.done[role=status]');
    await done.waitFor({ timeout: 15_000 });
    expect(await done.textContent()).toMatch(/Password changed\. You stay signed in here; your other sessions/);
    expect(await page.locator('[data-fault]').count()).toBe(0);
    expect(await current.inputValue()).toBe('');
    expect(await status(page, '/api/auth/me')).toBe(200);
    expect(await status(elsewhere.page, '/api/auth/me')).toBe(401);
    const login = (password: string) => fetch(`${dashboard.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'mei', password }) });
    expect((await login('floor-supervisor-1')).status).toBe(401);
    expect((await login('meis-new-password')).status).toBe(200);
    await elsewhere.context.close();
    await context.close();
  });

  it('speaks Chinese, says a new password too short at its field, and fits a phone\'s screen', async () => {
    const { context, page } = await signedIn('lin', 'zh-CN', { width: 360, height: 740 });
    expect(await page.locator('a.account').textContent()).toBe('修改密码');
    await page.click('a.account');
    await page.locator('input[name=currentPassword]').waitFor({ timeout: 15_000 });
    expect(await page.locator('h1').textContent()).toBe('我的账户');
    await page.fill('input[name=currentPassword]', 'floor-supervisor-1');
    await page.fill('input[name=newPassword]', 'short');
    await page.fill('input[name=repeat]', 'short');
    await page.press('input[name=repeat]', 'Enter');
    await page.locator('[data-fault=newPassword]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-fault=newPassword]').textContent()).toBe('密码太短：至少需要 12 个字符。');
    // The server's refusal of a new password that is the current one, in Chinese too.
    await page.fill('input[name=newPassword]', 'floor-supervisor-1');
    await page.fill('input[name=repeat]', 'floor-supervisor-1');
    await page.press('input[name=repeat]', 'Enter');
    await expect.poll(() => page.locator('[data-fault=newPassword]').textContent(), { timeout: 15_000 }).toBe('这就是您现在的密码：请另选一个。');
    await expectWithinWidth(page, 360, []);
    await context.close();
  });

  it('tells a visitor signed in nowhere to sign in first, and shows no form', async () => {
    const page = await dashboard.browser.newPage();
    await page.goto(`${dashboard.url}/account?lang=en`);
    await page.locator('main [role=alert]').waitFor({ timeout: 15_000 });
    expect(await page.locator('main [role=alert]').textContent()).toMatch(/Sign in on the start page/);
    expect(await page.locator('main input').count()).toBe(0);
    await page.close();
  });
});
