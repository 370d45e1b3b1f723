// What a person sees on the start page: signing in and out, and the way on to the wall, in real Chromium.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDashboard } from '../helpers/dashboard';
import { signIn, signInAt } from '../helpers/browser';
import { hostRewritingProxy } from '../helpers/proxy';

const dashboard = useDashboard();

/** A new English page, signed in, whose sign-out the server then fails (503): the warning is up when it returns. */
async function signOutFailing(context: BrowserContext, body: string): Promise<Page> {
  const page = await signInAt(await context.newPage(), dashboard.url, 'en');
  await page.route('**/api/auth/logout', (route) => route.fulfill({ status: 503, contentType: 'application/json', body }));
  await page.click('.signed-in button');
  await page.waitForSelector('[role=alert]');
  return page;
}

describe('start page', () => {
  it('takes a wall address opened before signing in back to that wall, its team and page kept', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await page.goto(`${dashboard.url}/wall?team=wallet&page=agents&lang=zh-CN`);
    await page.waitForSelector('text=未授权', { timeout: 15_000 });
    await page.click('main a');
    await page.waitForSelector('input[name=password]');
    await signIn(page);
    await page.click('a.wall');
    await page.waitForURL(/\/wall/);
    const url = new URL(page.url());
    expect([url.searchParams.get('team'), url.searchParams.get('page'), url.searchParams.get('lang')]).toEqual(['wallet', 'agents', 'zh-CN']);
    expect(await page.getAttribute('header nav a[aria-current=page]', 'href')).toContain('page=agents');
    await page.close();
  });

  it('says so when signing out fails, and does not show the page as signed out while the session goes on', async () => {
    const context = await dashboard.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await signOutFailing(context, '{"error":"unavailable"}');
    expect(await page.textContent('[role=alert]')).toMatch(/could not sign you out/i);
    expect(await page.textContent('.signed-in')).toMatch(/Signed in as admin/);
    await page.unroute('**/api/auth/logout');
    await page.click('.signed-in button');
    await page.waitForSelector('input[name=password]');
    expect(await page.$('[role=alert]')).toBeNull();
    await context.close();
  });

  it('leaves the keyboard on the sign-in form after signing out, not back at the top of the page', async () => {
    const context = await dashboard.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await signInAt(await context.newPage(), dashboard.url);
    await page.focus('.signed-in button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('input[name=password]');
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'password');
    await context.close();
  });

  it('no longer says "signed in" once shown again after signing out in another tab', async () => {
    const context = await dashboard.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const first = await signInAt(await context.newPage(), dashboard.url, 'en');
    const second = await context.newPage();
    await second.goto(`${dashboard.url}/?lang=en`);
    await second.click('.signed-in button');
    await second.waitForSelector('input[name=password]');
    // The first tab is shown again, as switching back to it does (headless Chromium keeps every tab visible).
    await first.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await first.waitForSelector('input[name=password]');
    expect(await first.$('.signed-in')).toBeNull();
    // It says why the form is back, rather than leave the person wondering whether they ever signed in.
    expect(await first.textContent('form')).toContain('You were signed out (in another tab, or 12 hours after signing in): sign in again.');
    // The tab that signed out was told nothing: it did so itself.
    expect(await second.textContent('form')).not.toContain('You were signed out');
    await context.close();
  });

  it('left open on a desk, notices within a minute that its session ended elsewhere, without being shown again', async () => {
    const context = await dashboard.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const desk = await context.newPage();
    // The page's timers on a clock the test moves: a minute passes at once.
    await desk.clock.install();
    await desk.goto(`${dashboard.url}/?lang=en`);
    await signIn(desk);
    // Signed out by another tab's request: the desk's page is neither reloaded nor shown again.
    const other = await context.newPage();
    await other.goto(`${dashboard.url}/?lang=en`);
    expect(await other.evaluate(async () => (await fetch('/api/auth/logout', { method: 'POST' })).status)).toBe(200);
    await desk.clock.runFor(61_000);
    await desk.waitForSelector('input[name=password]');
    expect(await desk.textContent('form')).toContain('You were signed out (in another tab, or 12 hours after signing in): sign in again.');
    await context.close();
  });

  it('puts the keyboard back on the password after a refused sign-in sent with the button', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await page.goto(`${dashboard.url}/?lang=en`);
    // A name of its own, so that no hold falls on admin.
    await page.fill('input[name=username]', 'keyboard.user');
    await page.fill('input[name=password]', 'not-the-password');
    await page.focus('button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[role=alert]');
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'password');
    await page.keyboard.type('second-guess');
    expect(await page.inputValue('input[name=password]')).toBe('second-guess');
    await page.close();
  });

  it('signs in with the name as a phone\'s keyboard leaves it, a space after the word it completed', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US', isMobile: true, hasTouch: true });
    await page.goto(`${dashboard.url}/?lang=en`);
    await page.fill('input[name=username]', 'admin ');
    await signIn(page);
    expect(await page.textContent('.signed-in')).toMatch(/Signed in as admin/);
    await page.close();
  });

  it('takes a name of spaces alone as a wrong name, not as a server failing to "try again in a minute"', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await page.goto(`${dashboard.url}/?lang=en`);
    await page.fill('input[name=username]', '   ');
    await page.fill('input[name=password]', 'not-the-password');
    await page.press('input[name=password]', 'Enter');
    await page.waitForSelector('[role=alert]');
    expect(await page.textContent('[role=alert]')).toBe('Wrong username or password.');
    await page.close();
  });

  it('names an address that does not exist as it was written, Chinese included, not in percent escapes', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await page.goto(`${dashboard.url}/看板?lang=zh-CN`);
    await page.waitForSelector('main a');
    expect(await page.textContent('main')).toMatch(/没有这个页面：\/看板。/);
    await page.close();
  });

  it('drops a failed sign-out\'s warning once the session has ended some other way and someone signs in again', async () => {
    const context = await dashboard.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const first = await signOutFailing(context, '{}');
    const second = await context.newPage();
    await second.goto(`${dashboard.url}/?lang=en`);
    await second.click('.signed-in button');
    await second.waitForSelector('input[name=password]');
    await first.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await signIn(first);
    expect(await first.$('[role=alert]')).toBeNull();
    await context.close();
  });

  it('keeps the keyboard on the language chosen from the keyboard', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await page.goto(`${dashboard.url}/?lang=en`);
    await page.waitForSelector('input[name=password]');
    await page.focus('nav a[lang="zh-CN"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await page.waitForFunction(() => document.activeElement?.getAttribute('lang') === 'zh-CN');
    // Tab goes on from there, to the form, not from the page's start.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('username');
    await page.close();
  });

  it('speaks the language ?lang= names with an underscore as locales are often written (en_US), whatever the browser\'s', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    for (const [lang, shown] of [
      ['en_US', 'en'],
      ['EN_gb', 'en'],
      ['zh_CN', 'zh-CN']
    ]) {
      await page.goto(`${dashboard.url}/?lang=${lang}`);
      await page.waitForSelector('input[name=password]');
      expect([lang, await page.evaluate(() => document.documentElement.lang)]).toEqual([lang, shown]);
    }
    expect(await page.textContent('h1')).toBe('Floorboard 现场看板');
    await page.close();
  });

  it('speaks the first language of the browser\'s list it has: Chinese for a reader of French, then Chinese', async () => {
    const context = await dashboard.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    // The browser's preferred languages, in order, as its settings list them (Accept-Language, navigator.languages).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setUserAgentOverride', { userAgent: await page.evaluate(() => navigator.userAgent), acceptLanguage: 'fr-FR,zh-CN' });
    await page.goto(`${dashboard.url}/`);
    await page.waitForSelector('input[name=password]');
    expect(await page.textContent('h1')).toBe('Floorboard 现场看板');
    await context.close();
  });

  it('forgets the password once signed in: signed out, the form does not hold it for the next person at the desk', async () => {
    const page = await dashboard.adminPage('en', { viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await page.click('.signed-in button');
    await page.waitForSelector('input[name=password]');
    expect(await page.inputValue('input[name=password]')).toBe('');
    await page.close();
  });

  it('takes the keyboard from the wall back to the start page, where it signs out, in the wall\'s language and with its address options', async () => {
    const context = await dashboard.browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${dashboard.url}/?lang=zh-CN&page=agents`);
    await signIn(page);
    await page.waitForFunction(() => document.activeElement?.classList.contains('wall'));
    await page.keyboard.press('Enter');
    await page.waitForSelector('header nav a[aria-current=page]', { timeout: 15_000 });
    // The wall's first stop, before its pages' tabs.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('/?lang=zh-CN&page=agents');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.signed-in button');
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('退出登录');
    await page.keyboard.press('Enter');
    await page.waitForSelector('input[name=password]');
    // A wall opened with its display token leads there too, without the token: the start page has no use for it.
    await page.goto(`${dashboard.url}/wall?token=${dashboard.wallToken}&lang=en&team=wallet`);
    await page.waitForSelector('header nav a[aria-current=page]', { timeout: 15_000 });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('/?lang=en&team=wallet');
    await context.close();
  });

  it('says why a sign-in through a proxy that rewrites Host is refused, not to try again in a minute', async () => {
    const proxy = await hostRewritingProxy(dashboard.url);
    const page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await page.goto(`http://localhost:${proxy.port}/?lang=en`);
    await page.fill('input[name=password]', 'test-admin-password');
    await page.press('input[name=password]', 'Enter');
    await page.waitForSelector('[role=alert]');
    const said = await page.textContent('[role=alert]');
    expect(said).not.toMatch(/try again/i);
    expect(said).toMatch(/X-Forwarded-Host/);
    await page.close();
    await proxy.close();
  });

  it('says why a sign-out through a proxy that rewrites Host is refused, not to try again in a moment', async () => {
    // Signed in at the server's own address; the cookie goes to the proxy's too (another port of the same host).
    const proxy = await hostRewritingProxy(dashboard.url);
    const context = await dashboard.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const direct = await signInAt(await context.newPage(), dashboard.url, 'en');
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${proxy.port}/?lang=en`);
    await page.click('.signed-in button');
    await page.waitForSelector('[role=alert]');
    const said = await page.textContent('[role=alert]');
    expect(said).not.toMatch(/try again/i);
    expect(said).toMatch(/X-Forwarded-Host/);
    await context.close();
    await proxy.close();
  });
});
