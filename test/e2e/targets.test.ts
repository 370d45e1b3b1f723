// An admin changes a KPI target in the dashboard, and a wall already showing shows the tile in the new colour,
// without a reload; a target on the wrong side is told next to its field, and a reset brings the default back.
import { describe, expect, it } from 'vitest';
import { expectWithinWidth, holdRequests } from '../helpers/browser';
import { useDashboard, whileDatabaseBusy } from '../helpers/dashboard';
import { unloadBlocked } from '../helpers/leaving';

const dashboard = useDashboard({
  users: { bea: 'admin' },
  seed: async (dashboard) => {
    // Three tickets nobody has answered: 3 unattended, within the default target (warn 20).
    const at = Date.now() - 5 * 60_000;
    await dashboard.send([1, 2, 3].map((n) => ({ id: `tc-${n}`, type: 'ticket.created', at, ticket: `T-${n}`, channel: 'email', team: 'payments' })));
  }
});

/** The admin, signed in, on the KPI targets page in `lang`, once `field` is on it. */
async function adminOnTargets(lang: string, field: string, viewport?: { width: number; height: number }) {
  const page = await dashboard.adminPage(lang, viewport && { viewport });
  await page.goto(`${dashboard.url}/admin/targets?lang=${lang}`);
  await page.locator(field).waitFor({ timeout: 15_000 });
  return page;
}

describe('KPI targets, set by an admin in the dashboard', () => {
  it('colours the wall\'s tile by the new target at once, tells a wrong one next to its field, and resets to the default', async () => {
    // Not signed in: the view says to sign in as an admin, and shows no form.
    const stranger = await dashboard.browser.newPage();
    await stranger.goto(`${dashboard.url}/admin/targets`);
    await stranger.locator('[role=alert]').waitFor({ timeout: 15_000 });
    expect(await stranger.locator('[role=alert]').textContent()).toMatch(/as an admin/);
    expect(await stranger.locator('input').count()).toBe(0);
    await stranger.close();

    const wall = await dashboard.openWall('page=overview');
    const level = () => wall.getAttribute('[data-kpi="backlog.unattended"]', 'data-level');
    await expect.poll(level, { timeout: 15_000 }).toBe('ok');

    const admin = await dashboard.adminPage();
    await admin.click('a.targets');
    const warn = admin.locator('input[name="backlog.unattended.warn"]');
    const critical = admin.locator('input[name="backlog.unattended.critical"]');
    await warn.waitFor({ timeout: 15_000 });
    expect(await admin.locator('[data-target="backlog.unattended"] .default').textContent()).toBe('20 / 50');
    // Durations read as the wall shows them, and a number of seconds typed is read back in hours and minutes.
    expect(await admin.locator('[data-target="resolution.p50Sec"] .default').textContent()).toBe('4h / 12h');
    await admin.locator('input[name="resolution.p50Sec.warn"]').fill('5400');
    expect(await admin.locator('[data-target="resolution.p50Sec"] [data-read="warn"]').textContent()).toBe('1h 30m');
    await admin.locator('input[name="resolution.p50Sec.warn"]').fill('14400');

    // Lower is better: red comes above amber. Typed from the keyboard, sent with Enter.
    await warn.fill('2');
    await critical.fill('1');
    await critical.press('Enter');
    const fault = admin.locator('[data-fault="backlog.unattended.critical"]');
    await fault.waitFor({ timeout: 15_000 });
    expect(await fault.textContent()).toMatch(/Critical \(1\) must be at least warn \(2\): lower is better/);
    expect(await critical.getAttribute('aria-invalid')).toBe('true');
    expect(await level()).toBe('ok');

    await warn.fill('1');
    await critical.fill('2');
    await critical.press('Enter');
    await admin.locator('.actions [role=status]').waitFor({ timeout: 15_000 });
    expect(await fault.count()).toBe(0);
    // 3 unattended, past critical 2: red on the wall, which was not reloaded.
    await expect.poll(level, { timeout: 15_000 }).toBe('critical');

    const reset = admin.locator('[data-target="backlog.unattended"] button');
    await reset.focus();
    await reset.press('Enter');
    await expect.poll(() => warn.inputValue(), { timeout: 15_000 }).toBe('20');
    await expect.poll(level, { timeout: 15_000 }).toBe('ok');
    await admin.close();
    await wall.close();
  });

  it('keeps what an admin typed in one row when they reset another', async () => {
    const page = await adminOnTargets('en', 'input[name="tickets.abandonedPct.warn"]');
    const abandonedWarn = page.locator('input[name="tickets.abandonedPct.warn"]');
    await abandonedWarn.fill('3');
    await page.locator('input[name="tickets.abandonedPct.critical"]').fill('6');
    await abandonedWarn.press('Enter');
    const reset = page.locator('[data-target="tickets.abandonedPct"] button');
    await reset.waitFor({ timeout: 15_000 });

    // Typed, not saved yet: the reset of another row must not take it away.
    const csatWarn = page.locator('input[name="csat.pct.warn"]');
    await csatWarn.fill('85');
    await reset.click();
    await expect.poll(() => abandonedWarn.inputValue(), { timeout: 15_000 }).toBe('5');
    expect(await csatWarn.inputValue()).toBe('85');

    await csatWarn.press('Enter');
    await expect.poll(async () => (await (await fetch(`${dashboard.url}/api/targets`, { headers: { authorization: `Bearer ${dashboard.wallToken}` } })).json()).targets['csat.pct'].warn, { timeout: 15_000 }).toBe(85);
    await page.close();
  });

  it('tells an admin, in the page\'s language, a save the server never answered and one after signing out in another tab', async () => {
    const page = await adminOnTargets('zh-CN', 'input[name="csat.pct.warn"]');
    const csatWarn = page.locator('input[name="csat.pct.warn"]');
    const said = page.locator('form > p.error[role=alert]');

    await page.route('**/api/targets', (route) => (route.request().method() === 'PUT' ? route.abort() : route.continue()));
    await csatWarn.fill('86');
    await csatWarn.press('Enter');
    await said.waitFor({ timeout: 15_000 });
    expect(await said.textContent()).toMatch(/服务器没有响应/);
    await page.unroute('**/api/targets');

    // Signed out in another tab: the same cookie's session has ended.
    expect(await page.evaluate(async () => (await fetch('/api/auth/logout', { method: 'POST' })).status)).toBe(200);
    await csatWarn.press('Enter');
    await expect.poll(() => said.textContent(), { timeout: 15_000 }).toMatch(/已退出登录/);
    await page.close();
  });

  it('tells an admin, in the page\'s language, that the database was busy and nothing was saved', async () => {
    const page = await adminOnTargets('zh-CN', 'input[name="csat.pct.warn"]');
    const csatWarn = page.locator('input[name="csat.pct.warn"]');
    const before = await csatWarn.inputValue();
    await whileDatabaseBusy(dashboard.dbPath, async () => {
      await csatWarn.fill(String(Number(before) + 1));
      await csatWarn.press('Enter');
      const said = page.locator('form > p.error[role=alert]');
      await said.waitFor({ timeout: 30_000 });
      expect(await said.textContent()).toMatch(/数据库正忙.*未保存任何更改.*后再保存/);
    });
    const warn = async () => (await (await fetch(`${dashboard.url}/api/targets`, { headers: { authorization: `Bearer ${dashboard.wallToken}` } })).json()).targets['csat.pct'].warn;
    expect(await warn()).toBe(Number(before));
    await page.close();
  });

  it('fits a phone\'s screen: every input and Save within its width, no sideways scrolling', async () => {
    const page = await adminOnTargets('zh-CN', 'input[name="csat.pct.critical"]', { width: 360, height: 740 });
    await expectWithinWidth(page, 360, ['input[name="csat.pct.warn"]', 'input[name="csat.pct.critical"]', 'button[type=submit]']);
    await page.close();
  });

  it('says the targets are on their way while they load, where the page stood empty under its title', async () => {
    const page = await dashboard.adminPage('en');
    const release = await holdRequests(page, '**/api/targets', 'continue');
    await page.goto(`${dashboard.url}/admin/targets?lang=en`);
    const loading = page.locator('main [role=status]');
    await loading.waitFor({ timeout: 15_000 });
    expect(await loading.textContent()).toMatch(/Loading the KPI targets/);
    release();
    await page.locator('input[name="csat.pct.warn"]').waitFor({ timeout: 15_000 });
    expect(await loading.count()).toBe(0);
    await page.close();
  });
});

describe('KPI targets typed and not saved', () => {
  it('asks before its link leaves a change not saved, has the browser ask before a reload or close, keeps the edit when the admin stays, and asks nothing once saved', async () => {
    const page = await adminOnTargets('zh-CN', 'input[name="csat.pct.warn"]');
    const csatWarn = page.locator('input[name="csat.pct.warn"]');
    const asked: { type: string; message: string }[] = [];
    let answer: 'stay' | 'leave' = 'stay';
    page.on('dialog', (dialog) => {
      asked.push({ type: dialog.type(), message: dialog.message() });
      void (answer === 'stay' ? dialog.dismiss() : dialog.accept());
    });

    // Nothing typed: the link just goes. Back on the page, a change typed and the link clicked: asked, in the page's language.
    await page.locator('a.home').click();
    await page.waitForURL((url) => url.pathname === '/', { timeout: 15_000 });
    expect(asked).toEqual([]);
    await page.goBack();
    await csatWarn.waitFor({ timeout: 15_000 });
    await csatWarn.fill('84');
    await page.locator('a.home').click();
    await expect.poll(() => asked.length, { timeout: 15_000 }).toBe(1);
    expect(asked[0]).toEqual({ type: 'confirm', message: '本页有尚未保存的更改。离开本页并放弃这些更改吗？' });
    // Stayed: still here, with what was typed.
    expect(new URL(page.url()).pathname).toBe('/admin/targets');
    expect(await csatWarn.inputValue()).toBe('84');

    // A reload or closing the tab: the page asks the browser to ask.
    expect(await unloadBlocked(page)).toBe(true);

    // Saved: nothing is lost, so nothing is asked.
    await csatWarn.press('Enter');
    await page.locator('.actions [role=status]').waitFor({ timeout: 15_000 });
    expect(await unloadBlocked(page)).toBe(false);
    await page.locator('a.home').click();
    await page.waitForURL((url) => url.pathname === '/', { timeout: 15_000 });
    expect(asked.length).toBe(1);
    await page.close();
  });
});

describe('KPI targets: "Saved." means what is shown is saved', () => {
  it('takes "Saved." away as soon as a value is typed again, and the SLA grid does the same', async () => {
    const page = await adminOnTargets('en', 'input[name="backlog.unattended.warn"]');
    const warn = page.locator('input[name="backlog.unattended.warn"]');
    const saved = page.locator('.actions [role=status]');
    await warn.fill('15');
    await warn.press('Enter');
    await saved.waitFor({ timeout: 15_000 });
    expect(await saved.textContent()).toMatch(/^Saved/);
    // A new value typed is not saved: the word goes, and comes back only with what was saved.
    await warn.fill('16');
    await expect.poll(() => saved.count()).toBe(0);
    await warn.fill('15');
    await expect.poll(() => saved.count()).toBe(1);

    await page.goto(`${dashboard.url}/admin/sla?lang=en`);
    const cell = page.locator('input[name="low.phone"]');
    await cell.waitFor({ timeout: 15_000 });
    await cell.fill('3600');
    await cell.press('Enter');
    await saved.waitFor({ timeout: 15_000 });
    await cell.fill('3000');
    await expect.poll(() => saved.count()).toBe(0);
    await page.close();
  });
});

describe('KPI targets refused, in the page\'s language', () => {
  it('tells a zh-CN admin at each field, in Chinese, what to type: an emptied field, a percentage past 100, critical on the wrong side', async () => {
    const page = await adminOnTargets('zh-CN', 'input[name="csat.pct.warn"]');
    const before = await page.evaluate(async () => (await fetch('/api/targets')).json());
    await page.locator('input[name="firstResponse.p50Sec.warn"]').fill('');
    await page.locator('input[name="csat.pct.warn"]').fill('120');
    await page.locator('input[name="firstResponse.p90Sec.warn"]').fill('9000');
    await page.locator('input[name="firstResponse.p90Sec.warn"]').press('Enter');
    const fault = (field: string) => page.locator(`[data-fault="${field}"]`);
    await fault('csat.pct.warn').waitFor({ timeout: 15_000 });
    expect(await fault('firstResponse.p50Sec.warn').textContent()).toBe('请在此输入数值；默认值为 600。');
    expect(await fault('csat.pct.warn').textContent()).toBe('应为 0 到 100 之间的百分比。');
    expect(await fault('firstResponse.p90Sec.critical').textContent()).toMatch(/^严重阈值（7,?200）不能小于预警阈值（9,?000）：此指标越低越好/);
    expect(await page.locator('[role=alert]').allTextContents()).not.toContainEqual(expect.stringMatching(/[a-z]{4}/));
    expect(await page.evaluate(async () => (await fetch('/api/targets')).json())).toEqual(before);
    await page.close();
  });
});

describe('KPI targets saved by two admins at once', () => {
  it('does not save over a change another admin made after the page opened: says which, shows theirs with what was typed kept, and saves on a second Save', async () => {
    const mine = await adminOnTargets('en', 'input[name="resolution.p50Sec.warn"]');
    const theirs = await adminOnTargets('en', 'input[name="resolution.p50Sec.warn"]');
    await theirs.locator('input[name="resolution.p50Sec.warn"]').fill('10800');
    await theirs.locator('input[name="resolution.p50Sec.warn"]').press('Enter');
    await theirs.locator('.actions [role=status]').waitFor({ timeout: 15_000 });
    const stored = await theirs.evaluate(async () => (await fetch('/api/targets')).json());

    // This admin, still showing 14400, changes the same KPI's critical and saves: theirs is not undone.
    await mine.locator('input[name="resolution.p50Sec.critical"]').fill('36000');
    await mine.locator('input[name="resolution.p50Sec.critical"]').press('Enter');
    const said = mine.locator('form > p.error[role=alert]');
    await said.waitFor({ timeout: 15_000 });
    expect(await said.textContent()).toMatch(
      /^admin saved the targets at \d{1,2}:\d\d\s?[AP]M, after this page was opened, changing Resolution p50, so nothing was saved: the page shows theirs now, with what you typed kept\. Check them, then save again\.$/
    );
    expect(await mine.evaluate(async () => (await fetch('/api/targets')).json())).toEqual(stored);
    expect(await mine.locator('input[name="resolution.p50Sec.warn"]').inputValue()).toBe('10800');
    expect(await mine.locator('input[name="resolution.p50Sec.critical"]').inputValue()).toBe('36000');

    await mine.locator('.actions button[type=submit]').click();
    await mine.locator('.actions [role=status]').waitFor({ timeout: 15_000 });
    const both = (await mine.evaluate(async () => (await fetch('/api/targets')).json())).targets['resolution.p50Sec'];
    expect(both).toMatchObject({ warn: 10800, critical: 36000 });
    await mine.close();
    await theirs.close();
  });
});

describe('KPI targets saved by another admin, told in Chinese', () => {
  it('names who saved and when in the page\'s language, keeps what was typed, and a second Save stands', async () => {
    const mine = await adminOnTargets('zh-CN', 'input[name="callbacks.onTimePct.warn"]');
    const theirs = await dashboard.signedInAs('bea', 'en');
    await theirs.goto(`${dashboard.url}/admin/targets?lang=en`);
    await theirs.locator('input[name="callbacks.onTimePct.warn"]').fill('95');
    await theirs.locator('input[name="callbacks.onTimePct.warn"]').press('Enter');
    await theirs.locator('.actions [role=status]').waitFor({ timeout: 15_000 });

    await mine.locator('input[name="callbacks.onTimePct.critical"]').fill('60');
    await mine.locator('input[name="callbacks.onTimePct.critical"]').press('Enter');
    const said = mine.locator('form > p.error[role=alert]');
    await said.waitFor({ timeout: 15_000 });
    expect(await said.textContent()).toMatch(
      /^在您打开本页之后，bea 于 \d{1,2}:\d\d 保存了目标（更改了回呼准时率），因此未保存任何更改：页面现在显示对方的目标，并保留您输入的值。请检查后再次保存。$/
    );
    expect(await mine.locator('input[name="callbacks.onTimePct.warn"]').inputValue()).toBe('95');
    expect(await mine.locator('input[name="callbacks.onTimePct.critical"]').inputValue()).toBe('60');

    await mine.locator('.actions button[type=submit]').click();
    await mine.locator('.actions [role=status]').waitFor({ timeout: 15_000 });
    const stored = (await mine.evaluate(async () => (await fetch('/api/targets')).json())).targets['callbacks.onTimePct'];
    expect(stored).toMatchObject({ warn: 95, critical: 60 });
    await mine.close();
    await theirs.context().close();
  });
});
