// An admin manages users and tokens in the dashboard: a supervisor added there signs in and sees the wall but not
// the admin page; a display token created there is shown once and opens a wall; a revoke is confirmed first; the
// last admin cannot be demoted, which the row says.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectWithinWidth, holdRequests, signInAt } from '../helpers/browser';
import { useDashboard } from '../helpers/dashboard';
import { questionsAsked } from '../helpers/leaving';
import { signInWith } from '../helpers/people';

/** The centre's zone, 16 hours from the browser's (BROWSER_ZONE): the page must show the centre's times. */
const ZONE = 'Asia/Shanghai';
const BROWSER_ZONE = 'America/Los_Angeles';

const dashboard = useDashboard({ env: { KPI_TIMEZONE: ZONE } });

/** The start page's admin, signed in, on the users and tokens page in `lang`. */
async function adminOnAccess(lang: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await dashboard.adminPage(lang, { viewport });
  await page.click('a.access');
  await page.locator('[data-user="admin"]').waitFor({ timeout: 15_000 });
  return page;
}

/** What GET `path` answers the page's signed-in admin. */
const api = (page: Page, path: string) => page.evaluate(async (p) => (await fetch(p)).json(), path);

describe('Users and tokens, managed by an admin in the dashboard', () => {
  it('adds a supervisor, who signs in and reaches the wall but not the admin page', async () => {
    const page = await adminOnAccess('en');
    expect(await page.locator('.add-user').textContent()).toContain('At least 12 characters.');

    // Too short a password: said at its field, and nobody added.
    await page.fill('.add-user input[name=username]', 'mei');
    await page.fill('.add-user input[name=password]', 'short');
    await page.selectOption('.add-user select[name=role]', 'supervisor');
    await page.press('.add-user input[name=password]', 'Enter');
    const fault = page.locator('.add-user [data-fault="password"]');
    await fault.waitFor({ timeout: 15_000 });
    expect(await fault.textContent()).toMatch(/at least 12 characters/);
    expect((await api(page, '/api/users')).users.map((u: { username: string }) => u.username)).toEqual(['admin']);

    await page.fill('.add-user input[name=password]', 'floor-supervisor-1');
    await page.press('.add-user input[name=password]', 'Enter');
    const row = page.locator('[data-user="mei"]');
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('select').inputValue()).toBe('supervisor');
    // Created today (the centre's), in the locale's date format: the day of the server's createdAt, not of the test's
    // clock a moment later, which at Shanghai's midnight (16:00 UTC) was the next day's.
    const added = (await api(page, '/api/users')).users.find((u: { username: string }) => u.username === 'mei');
    const today = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: ZONE }).format(added.createdAt);
    expect(await row.textContent()).toContain(today);
    expect(await fault.count()).toBe(0);

    // The supervisor, in a browser of their own.
    const context = await dashboard.browser.newContext();
    const mei = await context.newPage();
    await mei.goto(`${dashboard.url}/?lang=en`);
    await signInWith(mei, 'mei', 'floor-supervisor-1');
    expect(await mei.locator('a.access').count()).toBe(0);
    await mei.click('a.wall');
    await mei.locator('[data-kpi="tickets.created"]').waitFor({ timeout: 15_000 });
    await mei.goto(`${dashboard.url}/admin/access?lang=en`);
    await mei.locator('main [role=alert]').waitFor({ timeout: 15_000 });
    expect(await mei.locator('main [role=alert]').textContent()).toMatch(/Only an admin may manage users and tokens/);
    expect(await mei.locator('main input, main select').count()).toBe(0);
    await context.close();
    await page.close();
  });

  it('creates a display token, shows its secret once, opens a wall with it, and revokes it after a confirm', async () => {
    const page = await adminOnAccess('en');
    await page.fill('.add-token input[name=label]', 'wall, 3rd floor');
    await page.selectOption('.add-token select[name=role]', 'display');
    await page.press('.add-token input[name=label]', 'Enter');
    const secret = page.locator('.secret');
    await secret.waitFor({ timeout: 15_000 });
    expect(await secret.textContent()).toMatch(/it will not be shown again/);
    const token = (await secret.locator('.token').textContent())!.trim();
    expect(token.length).toBeGreaterThan(20);
    const address = await secret.locator('a.wall-address').getAttribute('href');
    expect(address).toBe(`${dashboard.url}/wall?token=${encodeURIComponent(token)}`);
    const listed = (await api(page, '/api/tokens')).tokens.find((k: { label: string }) => k.label === 'wall, 3rd floor');
    const row = page.locator(`[data-token="${listed.id}"]`);
    expect(await row.textContent()).toMatch(/wall, 3rd floor[\s\S]*display/);
    // The list shows its id, never the secret.
    expect(await page.locator('table.tokens').textContent()).not.toContain(token);

    // A TV opens the address, signed in nowhere.
    const tv = await dashboard.browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const wall = await tv.newPage();
    await wall.goto(address!);
    await wall.locator('[data-kpi="tickets.created"]').waitFor({ timeout: 15_000 });

    // Shown once: not after a reload.
    await page.reload();
    await row.waitFor({ timeout: 15_000 });
    expect(await page.locator('.secret').count()).toBe(0);
    expect(await page.content()).not.toContain(token);

    // Revoke: not without a confirm, which names the token; then gone from the list and refused.
    const revoke = row.getByRole('button', { name: 'Revoke: wall, 3rd floor' });
    const asked = new Promise<string>((resolve) => page.once('dialog', (dialog) => void dialog.dismiss().then(() => resolve(dialog.message()))));
    await revoke.focus();
    await revoke.press('Enter');
    expect(await asked).toMatch(/wall, 3rd floor/);
    expect((await api(page, '/api/tokens')).tokens.map((k: { id: string }) => k.id)).toContain(listed.id);
    page.once('dialog', (dialog) => void dialog.accept());
    await revoke.press('Enter');
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Tokens');
    expect((await api(page, '/api/tokens')).tokens.map((k: { id: string }) => k.id)).not.toContain(listed.id);
    expect((await fetch(`${dashboard.url}/api/kpis`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    await tv.close();
    await page.close();
  });

  it('sets a user\'s password and deletes the user after a confirm naming them, from the keyboard', async () => {
    const page = await adminOnAccess('en');
    const row = page.locator('[data-user="mei"]');
    const setPassword = row.getByRole('button', { name: 'Set password: mei' });
    await setPassword.focus();
    await setPassword.press('Enter');
    // The new password's input has the keyboard; Enter sets it.
    await page.keyboard.type('mei-new-password-2');
    await page.keyboard.press('Enter');
    await row.locator('[role=status]').waitFor({ timeout: 15_000 });
    expect(await row.locator('[role=status]').textContent()).toMatch(/Password set/);
    expect(await setPassword.evaluate((el) => el === document.activeElement)).toBe(true);
    const login = (password: string) => fetch(`${dashboard.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'mei', password }) });
    expect((await login('floor-supervisor-1')).status).toBe(401);
    expect((await login('mei-new-password-2')).status).toBe(200);

    const remove = row.getByRole('button', { name: 'Delete: mei' });
    const asked = new Promise<string>((resolve) => page.once('dialog', (dialog) => void dialog.dismiss().then(() => resolve(dialog.message()))));
    await remove.focus();
    await remove.press('Enter');
    expect(await asked).toMatch(/Delete the user mei\?/);
    expect(await row.count()).toBe(1);
    page.once('dialog', (dialog) => void dialog.accept());
    await remove.press('Enter');
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);
    expect((await api(page, '/api/users')).users.map((u: { username: string }) => u.username)).toEqual(['admin']);
    // The keyboard goes on from the users' heading, not from the page's start.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Users');
    await page.close();
  });

  it('tells, in the row, that the last admin cannot be demoted, and keeps the role shown as stored', async () => {
    const page = await adminOnAccess('en');
    const row = page.locator('[data-user="admin"]');
    const role = row.locator('select');
    // From the keyboard: admin is the last role, the one above it manager.
    await role.focus();
    await role.press('ArrowUp');
    await role.press('Enter');
    const fault = row.locator('[role=alert]');
    await fault.waitFor({ timeout: 15_000 });
    expect(await fault.textContent()).toMatch(/"admin" is the only admin/);
    expect(await role.inputValue()).toBe('admin');
    // The keyboard is still on the select, to try again or go on.
    expect(await role.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await api(page, '/api/users')).users.find((u: { username: string }) => u.username === 'admin').role).toBe('admin');
    await page.close();
  });

  it('shows when users and tokens were created in the centre\'s time zone, named, not the browser\'s', async () => {
    const context = await dashboard.browser.newContext({ timezoneId: BROWSER_ZONE, viewport: { width: 1280, height: 900 } });
    const page = await signInAt(await context.newPage(), dashboard.url, 'en');
    await page.click('a.access');
    const row = page.locator('[data-user="admin"]');
    await row.waitFor({ timeout: 15_000 });
    const inZone = (at: number, timeZone: string) => new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(at);
    const admin = (await api(page, '/api/users')).users.find((u: { username: string }) => u.username === 'admin');
    expect(await row.locator('td[data-label^="Created"]').textContent()).toBe(inZone(admin.createdAt, ZONE));
    expect(inZone(admin.createdAt, ZONE)).not.toBe(inZone(admin.createdAt, BROWSER_ZONE));
    const token = (await api(page, '/api/tokens')).tokens[0];
    expect(await page.locator(`[data-token="${token.id}"] td[data-label^="Created"]`).textContent()).toBe(inZone(token.createdAt, ZONE));
    expect(await page.locator('table.users thead').textContent()).toContain('Created (GMT+8)');
    expect(await page.locator('table.tokens thead').textContent()).toContain('Created (GMT+8)');
    await context.close();
  });

  it('shows when each token was last used, how long ago and at what time of the centre\'s, or never, in English and Chinese', async () => {
    const context = await dashboard.browser.newContext({ timezoneId: BROWSER_ZONE, viewport: { width: 1280, height: 900 } });
    const page = await signInAt(await context.newPage(), dashboard.url, 'en');
    // The phone system's token posts; the one left on a retired TV is used by nothing.
    const make = (label: string, role: string) =>
      page.evaluate(async (body) => (await fetch('/api/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json(), { label, role });
    const phone = await make('phone system', 'ingest');
    const tv = await make('wall, retired TV', 'display');
    expect((await fetch(`${dashboard.url}/api/health`, { headers: { authorization: `Bearer ${phone.token}` } })).status).toBe(200);
    const lastUsed = async (id: string) => (await api(page, '/api/tokens')).tokens.find((k: { id: string }) => k.id === id).lastUsedAt as number | null;
    await expect.poll(() => lastUsed(phone.id), { timeout: 15_000 }).not.toBeNull();
    const used = (await lastUsed(phone.id))!;
    expect(await lastUsed(tv.id)).toBeNull();

    // Read three and a half minutes later, by the browser's clock.
    await page.clock.setFixedTime(used + 210_000);
    const inZone = (at: number) => new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: ZONE }).format(at);
    const cell = (id: string) => page.locator(`[data-token="${id}"] td.last-used`);
    await page.click('a.access');
    await cell(phone.id).waitFor({ timeout: 15_000 });
    expect(await page.locator('table.tokens thead').textContent()).toContain('Last used (GMT+8)');
    expect((await cell(phone.id).textContent())!.replace(/\s+/g, ' ').trim()).toBe(`3 minutes ago ${inZone(used)}`);
    expect(inZone(used)).not.toBe(new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: BROWSER_ZONE }).format(used));
    expect((await cell(tv.id).textContent())!.trim()).toBe('never');

    await page.goto(`${dashboard.url}/?lang=zh-CN`);
    await page.click('a.access');
    await cell(phone.id).waitFor({ timeout: 15_000 });
    expect(await page.locator('table.tokens thead').textContent()).toContain('最近使用（GMT+8）');
    const zh = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeStyle: 'short', timeZone: ZONE }).format(used);
    expect((await cell(phone.id).textContent())!.replace(/\s+/g, ' ').trim()).toBe(`3分钟前 ${zh}`);
    expect((await cell(tv.id).textContent())!.trim()).toBe('从未使用');
    await context.close();
  });

  it('keeps "last used … ago" true on a page left open for an hour, without asking the server again', async () => {
    const page = await dashboard.adminPage('en', { viewport: { width: 1280, height: 900 } });
    const made = await page.evaluate(async () => (await fetch('/api/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ label: 'callback dialer', role: 'ingest' }) })).json());
    expect((await fetch(`${dashboard.url}/api/health`, { headers: { authorization: `Bearer ${made.token}` } })).status).toBe(200);
    const lastUsed = async () => (await api(page, '/api/tokens')).tokens.find((k: { id: string }) => k.id === made.id).lastUsedAt as number | null;
    await expect.poll(lastUsed, { timeout: 15_000 }).not.toBeNull();
    const used = (await lastUsed())!;

    // The browser's clock, three and a half minutes after the use, from here on moved only by the test.
    await page.clock.install({ time: used + 210_000 });
    await page.goto(`${dashboard.url}/admin/access?lang=en`);
    const ago = page.locator(`[data-token="${made.id}"] td.last-used time`);
    await ago.waitFor({ timeout: 15_000 });
    expect(await ago.textContent()).toBe('3 minutes ago');
    const asked: string[] = [];
    page.on('request', (r) => void (r.url().includes('/api/') && asked.push(r.url())));

    // An hour on, the page untouched: it says so, and asked the server nothing meanwhile.
    await page.clock.runFor(60 * 60_000);
    await expect.poll(() => ago.textContent(), { timeout: 5_000 }).toBe('1 hour ago');
    await page.clock.runFor(23 * 60 * 60_000);
    await expect.poll(() => ago.textContent(), { timeout: 5_000 }).toBe('yesterday');
    expect(asked).toEqual([]);
    await page.close();
  });

  it('saves a role picked from the keyboard once, when asked: the roles the arrow keys pass through are not saved', async () => {
    const page = await adminOnAccess('en');
    await page.fill('.add-user input[name=username]', 'ivy');
    await page.fill('.add-user input[name=password]', 'floor-display-pw-1');
    await page.selectOption('.add-user select[name=role]', 'display');
    await page.press('.add-user input[name=password]', 'Enter');
    const row = page.locator('[data-user="ivy"]');
    await row.waitFor({ timeout: 15_000 });
    const patches: string[] = [];
    page.on('request', (r) => void (r.method() === 'PATCH' && patches.push(r.postData() ?? '')));
    const role = row.locator('select');
    await role.focus();
    // display → supervisor → manager: nothing is saved on the way, and the row says how to save.
    await role.press('ArrowDown');
    await role.press('ArrowDown');
    expect(await role.inputValue()).toBe('manager');
    // Time for any request the arrows set off to be sent.
    await page.waitForTimeout(300);
    expect(patches).toEqual([]);
    const save = row.getByRole('button', { name: 'Save the role of ivy' });
    await save.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toMatch(/Not saved yet: press Enter or Save/);
    await role.press('Enter');
    await row.locator('[role=status]').waitFor({ timeout: 15_000 });
    await expect.poll(() => row.locator('[role=status]').textContent(), { timeout: 15_000 }).toMatch(/Saved: ivy is now manager/);
    expect(patches).toEqual([JSON.stringify({ role: 'manager' })]);
    expect((await api(page, '/api/users')).users.find((u: { username: string }) => u.username === 'ivy').role).toBe('manager');
    expect(await save.count()).toBe(0);
    expect(await role.evaluate((el) => el === document.activeElement)).toBe(true);
    // Escape takes a keyboard pick back, unsaved; a pick from the list (the mouse) is saved at once.
    await role.press('ArrowUp');
    await role.press('Escape');
    expect(await role.inputValue()).toBe('manager');
    expect(await save.count()).toBe(0);
    await role.selectOption('supervisor');
    await expect.poll(() => patches.length, { timeout: 15_000 }).toBe(2);
    expect(patches[1]).toBe(JSON.stringify({ role: 'supervisor' }));
    await page.close();
  });

  it('speaks Chinese, and fits a phone\'s screen with no sideways scrolling', async () => {
    const page = await adminOnAccess('zh-CN', { width: 360, height: 740 });
    expect(await page.locator('h1').textContent()).toBe('用户与令牌');
    expect(await page.locator('.add-user').textContent()).toContain('至少 12 个字符。');
    // Faults the page can put in its own words are told in Chinese, where the server's are English.
    await page.fill('.add-user input[name=username]', 'lin');
    await page.fill('.add-user input[name=password]', 'short');
    await page.press('.add-user input[name=password]', 'Enter');
    await page.locator('.add-user [data-fault="password"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.add-user [data-fault="password"]').textContent()).toBe('密码太短：至少需要 12 个字符。');
    await page.press('.add-token input[name=label]', 'Enter');
    await page.locator('.add-token [data-fault="label"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.add-token [data-fault="label"]').textContent()).toMatch(/^请填写令牌的用途/);
    // So are those the server alone can find: a name or a label too long.
    await page.fill('.add-user input[name=username]', 'l'.repeat(65));
    await page.fill('.add-user input[name=password]', 'long-enough-password');
    await page.press('.add-user input[name=password]', 'Enter');
    await expect.poll(() => page.locator('.add-user [data-fault="username"]').textContent(), { timeout: 15_000 }).toBe('用户名太长：最多 64 个字符。');
    await page.fill('.add-token input[name=label]', '屏'.repeat(101));
    await page.press('.add-token input[name=label]', 'Enter');
    await expect.poll(() => page.locator('.add-token [data-fault="label"]').textContent(), { timeout: 15_000 }).toBe('标签太长：最多 100 个字符。');
    await page.fill('.add-user input[name=username]', 'lin');
    await page.fill('.add-user input[name=password]', 'short');
    await page.locator('[data-user="admin"] select').selectOption('manager');
    await page.locator('[data-user="admin"] [role=alert]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-user="admin"] [role=alert]').textContent()).toMatch(/^“admin”是唯一的管理员/);
    // The ingest token the server's INGEST_TOKEN setting names cannot be revoked here: said in its row, in Chinese.
    const setting = page.locator('tr[data-token]', { hasText: 'INGEST_TOKEN' });
    page.once('dialog', (dialog) => void dialog.accept());
    await setting.getByRole('button').click();
    await setting.locator('[role=alert]').waitFor({ timeout: 15_000 });
    expect(await setting.locator('[role=alert]').textContent()).toMatch(/^此令牌由服务器的 INGEST_TOKEN 设置指定/);
    expect(await setting.count()).toBe(1);
    // The labels the server gives the tokens it makes itself, in Chinese ("first start" was English here); one an admin
    // typed, as typed.
    const labels = () => page.locator('tr[data-token] th').evaluateAll((ths) => ths.map((th) => th.firstChild!.textContent!.trim()));
    expect(await labels()).toContain('首次启动时生成');
    expect(await labels()).toContain('INGEST_TOKEN 设置');
    expect((await labels()).filter((l) => /first start/.test(l))).toEqual([]);
    await page.fill('.add-token input[name=label]', '二楼大屏');
    await page.press('.add-token input[name=label]', 'Enter');
    await page.locator('.secret').waitFor({ timeout: 15_000 });
    expect(await labels()).toContain('二楼大屏');
    expect(await page.locator('.secret').textContent()).toMatch(/不会再次显示/);
    await expectWithinWidth(page, 360, ['[data-user="admin"] select', '.add-user button[type=submit]', '.add-token button[type=submit]', '.secret a.wall-address']);
    await page.close();
  });

  it('lines up the add forms\' fields and buttons along their tops, a hint under a field or not, in both languages', async () => {
    for (const [lang, width] of [['en', 1920], ['zh-CN', 1920], ['zh-CN', 390]] as const) {
      const page = await adminOnAccess(lang, { width, height: 900 });
      for (const form of ['.add-user', '.add-token']) {
        const tops = await page.locator(`${form} :is(input, select, button[type=submit])`).evaluateAll((els) => els.map((e) => [e.getBoundingClientRect().top, e.getBoundingClientRect().left]));
        // Fields on one line share their top: the password's and the label's hints pushed theirs up by a line.
        const lines = new Map<number, number[]>();
        for (const [top, left] of tops) {
          const line = [...lines.keys()].find((y) => Math.abs(y - top) < 40) ?? top;
          lines.set(line, [...(lines.get(line) ?? []), top]);
        }
        for (const [, same] of lines) if (same.length > 1) expect(Math.max(...same) - Math.min(...same), `${form} ${lang} ${width}`).toBeLessThan(3);
        if (width === 1920) expect(lines.size, `${form} ${lang}: one line`).toBe(1);
      }
      await page.close();
    }
  });

  it('tells a visitor signed in nowhere to sign in as an admin, and shows nothing to change', async () => {
    const page = await dashboard.browser.newPage();
    await page.goto(`${dashboard.url}/admin/access?lang=en`);
    await page.locator('main [role=alert]').waitFor({ timeout: 15_000 });
    expect(await page.locator('main [role=alert]').textContent()).toMatch(/Sign in on the start page as an admin/);
    expect(await page.locator('main input, main select, main table').count()).toBe(0);
    await page.close();
  });

  it('says the users and tokens are on their way while they load, and that the server could not answer when it did not', async () => {
    const page = await dashboard.adminPage('en');
    const release = await holdRequests(page, '**/api/tokens', 'abort');
    await page.goto(`${dashboard.url}/admin/access?lang=en`);
    const loading = page.locator('main [role=status]');
    await loading.waitFor({ timeout: 15_000 });
    expect(await loading.textContent()).toMatch(/Loading the users and tokens/);
    release();
    await page.locator('main [role=alert]').waitFor({ timeout: 15_000 });
    expect(await page.locator('main [role=alert]').textContent()).toMatch(/could not answer\. Reload this page/);
    expect(await loading.count()).toBe(0);
    await page.close();
  });

  it('tells an admin who made themselves a manager that they may manage users and tokens no more', async () => {
    const page = await adminOnAccess('en');
    await page.fill('.add-user input[name=username]', 'ada');
    await page.fill('.add-user input[name=password]', 'second-admin-pw-1');
    await page.selectOption('.add-user select[name=role]', 'admin');
    await page.press('.add-user input[name=password]', 'Enter');
    await page.locator('[data-user="ada"]').waitFor({ timeout: 15_000 });
    await page.close();

    const context = await dashboard.browser.newContext();
    const ada = await context.newPage();
    await ada.goto(`${dashboard.url}/?lang=en`);
    await signInWith(ada, 'ada', 'second-admin-pw-1');
    await ada.click('a.access');
    const own = ada.locator('[data-user="ada"] select');
    await own.waitFor({ timeout: 15_000 });
    await own.selectOption('manager');
    await ada.locator('main > [role=alert]').waitFor({ timeout: 15_000 });
    expect(await ada.locator('main > [role=alert]').textContent()).toMatch(/Only an admin may manage users and tokens/);
    expect(await ada.locator('main select, main input').count()).toBe(0);
    await context.close();
  });
});

describe('Users and tokens: nothing lost by leaving', () => {
  it('asks before the link leaves a user typed and not added, or a new token\'s secret not copied, and nothing once it is done', async () => {
    const page = await adminOnAccess('zh-CN');
    const asked = questionsAsked(page);
    await page.fill('.add-user input[name=username]', 'wen.li');
    await page.locator('a.home').click();
    await expect.poll(() => asked, { timeout: 15_000 }).toEqual(['本页有尚未保存的更改。离开本页并放弃这些更改吗？']);
    expect(new URL(page.url()).pathname).toBe('/admin/access');
    expect(await page.inputValue('.add-user input[name=username]')).toBe('wen.li');
    await page.fill('.add-user input[name=username]', '');

    // A token made: its secret is shown this once, so leaving before it is copied is asked about, in those words.
    await page.fill('.add-token input[name=label]', 'wall, 4th floor');
    await page.press('.add-token input[name=label]', 'Enter');
    await page.locator('.secret').waitFor({ timeout: 15_000 });
    await page.locator('a.home').click();
    await expect.poll(() => asked.length, { timeout: 15_000 }).toBe(2);
    expect(asked[1]).toBe('新令牌的密钥只显示这一次，您还没有复制它。仍要离开本页吗？');
    expect(await page.locator('.secret').count()).toBe(1);

    // Done with it: the link just goes.
    await page.locator('.secret button.link').last().click();
    await page.locator('a.home').click();
    await page.waitForURL((url) => url.pathname === '/', { timeout: 15_000 });
    expect(asked.length).toBe(2);
    await page.close();
  });
});

describe('Users and tokens changed by another admin', () => {
  it('shows what another admin added, changed and revoked when the admin comes back to the tab and after a save of its own, keeping what was typed', async () => {
    const mine = await adminOnAccess('en');
    const theirs = await adminOnAccess('en');
    const send = (page: Page, method: string, path: string, body?: unknown) =>
      page.evaluate(
        async ([m, p, b]) => {
          const res = await fetch(p as string, { method: m as string, headers: { 'content-type': 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b) });
          return { status: res.status, body: await res.json().catch(() => null) };
        },
        [method, path, body] as const
      );
    // This admin is typing a new user, not added yet.
    await mine.fill('.add-user input[name=username]', 'priya');
    await mine.fill('.add-user input[name=password]', 'a long enough password');

    // Another admin adds a manager and an ingest token.
    expect((await send(theirs, 'POST', '/api/users', { username: 'dana', password: 'another long password', role: 'manager' })).status).toBe(201);
    const dialer = await send(theirs, 'POST', '/api/tokens', { label: 'dialer', role: 'ingest' });
    expect(dialer.status).toBe(201);

    // Back at the tab: dana and the dialer's token are listed, and what was typed is still there.
    await mine.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await mine.locator('[data-user="dana"]').waitFor({ timeout: 15_000 });
    await mine.locator(`[data-token="${dialer.body.id}"]`).waitFor({ timeout: 15_000 });
    expect(await mine.locator('[data-user="dana"] select[name=role]').inputValue()).toBe('manager');
    expect(await mine.inputValue('.add-user input[name=username]')).toBe('priya');
    expect(await mine.inputValue('.add-user input[name=password]')).toBe('a long enough password');

    // The other admin makes dana a supervisor and revokes the dialer's token; this admin then creates a token of its own.
    expect((await send(theirs, 'PATCH', '/api/users/dana', { role: 'supervisor' })).status).toBe(200);
    expect((await send(theirs, 'DELETE', `/api/tokens/${dialer.body.id}`)).status).toBeLessThan(300);
    await mine.fill('.add-token input[name=label]', 'lobby wall');
    await mine.press('.add-token input[name=label]', 'Enter');
    await mine.locator('.secret').waitFor({ timeout: 15_000 });
    await expect.poll(() => mine.locator(`[data-token="${dialer.body.id}"]`).count(), { timeout: 15_000 }).toBe(0);
    expect(await mine.locator('[data-user="dana"] select[name=role]').inputValue()).toBe('supervisor');
    // The new token's secret, shown this once, and the user being typed stay.
    expect(await mine.locator('.secret').count()).toBe(1);
    expect(await mine.inputValue('.add-user input[name=username]')).toBe('priya');
    await mine.close();
    await theirs.close();
  });
});
