// A signed-in person changes their own password on /account, linked from the start page beside sign-out: each
// fault is told at its field (in English or Chinese), and once changed this browser stays signed in while the
// person's other sessions end.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/browser';
import { startDashboard } from '../helpers/dashboard';
import type { RunningServer } from '../helpers/server';

let browser: Browser;
let server: RunningServer;

beforeAll(async () => {
  ({ browser, server } = await startDashboard());
  // A supervisor to change the password of, added as an admin adds one.
  const context = await browser.newContext();
  const admin = await context.newPage();
  await admin.goto(`${server.url}/?lang=en`);
  await signIn(admin);
  for (const username of ['mei', 'lin'])
    expect(
      await admin.evaluate(
        async (u) => (await fetch('/api/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u, password: 'floor-supervisor-1', role: 'supervisor' }) })).status,
        username
      )
    ).toBe(201);
  await context.close();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGTERM');
});

/** `username` signed in on the start page in a browser of their own, in `lang`. */
async function signedIn(username: string, lang: string, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${server.url}/?lang=${lang}`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', 'floor-supervisor-1');
  await page.press('input[name=password]', 'Enter');
  await page.locator('a.wall').waitFor({ timeout: 15_000 });
  return { context, page };
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
    const login = (password: string) => fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'mei', password }) });
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
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await context.close();
  });

  it('tells a visitor signed in nowhere to sign in first, and shows no form', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/account?lang=en`);
    await page.locator('main [role=alert]').waitFor({ timeout: 15_000 });
    expect(await page.locator('main [role=alert]').textContent()).toMatch(/Sign in on the start page/);
    expect(await page.locator('main input').count()).toBe(0);
    await page.close();
  });
});
