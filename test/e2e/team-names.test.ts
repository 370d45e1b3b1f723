// Teams a person can read: an admin names a team in en and zh-CN on /admin/teams, and a manager's reports show the
// name where they showed the code, in the page's language, while the address and the filter stay the code.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { requireCjkFont } from '../helpers/browser';
import { useDashboard } from '../helpers/dashboard';
import { questionsAsked, unloadBlocked } from '../helpers/leaving';
import { lastHour } from '../helpers/events';

const dashboard = useDashboard({
  users: { maria: 'manager', bea: 'admin' },
  seed: async (dashboard) => {
    const { min, t0, ev } = lastHour();
    await dashboard.send([
      ev('s-a', t0, { type: 'agent.status', agent: 'alice', name: 'Alice Chen', team: 'payments', status: 'available' }),
      ev('s-c', t0, { type: 'agent.status', agent: 'carol', name: 'Carol Wu', team: 'wallet', status: 'available' }),
      ev('c1', t0 + min, { type: 'ticket.created', ticket: 'T-1', channel: 'chat', team: 'payments' }),
      ev('c2', t0 + 2 * min, { type: 'ticket.created', ticket: 'T-2', channel: 'phone', team: 'payments' }),
      ev('c3', t0 + 3 * min, { type: 'ticket.created', ticket: 'T-3', channel: 'chat', team: 'wallet' }),
      // Alice, of payments, helps wallet: its wall names her with her team.
      ev('a3', t0 + 4 * min, { type: 'ticket.assigned', ticket: 'T-3', agent: 'alice' }),
      ev('r3', t0 + 5 * min, { type: 'ticket.replied', ticket: 'T-3', agent: 'alice' })
    ]);
  }
});

const SHOTS = process.env.TEAM_NAMES_SHOTS;
const shot = async (page: Page, name: string) => void (SHOTS && (await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })));

/** The link of the teams' table's row of `team` (its code), once the table is there. */
async function teamLink(page: Page, team: string) {
  await page.locator(`tr[data-team="${team}"]`).waitFor({ timeout: 20_000 });
  return page.locator(`tr[data-team="${team}"] th a`);
}

/** An admin's page, after naming payments Payments and 支付团队 through the API (each test stands alone). */
async function namePayments(): Promise<Page> {
  const admin = await dashboard.adminPage('en');
  const put = await admin.evaluate(async () => {
    const res = await fetch('/api/team-names/payments', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ names: { en: 'Payments', 'zh-CN': '支付团队' } }) });
    return res.status;
  });
  expect(put).toBe(200);
  return admin;
}

describe('Team names', () => {
  it('an admin names payments on the team names page, reached from the start page: every team is listed, and the names are stored', async () => {
    const admin = await dashboard.adminPage('en');
    await admin.click('a.teams');
    const row = admin.locator('li[data-team="payments"]');
    await row.waitFor({ timeout: 15_000 });
    // Every team the events named is listed, unnamed.
    expect(await admin.locator('li[data-team]').evaluateAll((els) => els.map((e) => e.getAttribute('data-team')))).toEqual(['payments', 'wallet']);
    await row.locator('input[name="en"]').fill('Payments');
    await row.locator('input[name="zh-CN"]').fill('支付团队');
    await row.getByRole('button', { name: 'Save the names of payments' }).click();
    await row.getByRole('status').waitFor();
    expect(await row.getByRole('status').textContent()).toBe('Saved: screens show the new names.');
    await shot(admin, 'admin-teams-en-1920');
    // Stored: a reload shows them.
    await admin.reload();
    await row.waitFor();
    expect(await row.locator('input[name="zh-CN"]').inputValue()).toBe('支付团队');
    expect(await admin.locator('li[data-team="wallet"] input[name="en"]').inputValue()).toBe('');
    // A name the server refuses (a control character, which a paste can bring) is told at its input, in the page's words.
    await admin.locator('li[data-team="wallet"] input[name="en"]').fill('Wal\u0007let');
    await admin.locator('li[data-team="wallet"] button[type="submit"]').click();
    const fault = admin.locator('li[data-team="wallet"] [data-fault="en"]');
    await fault.waitFor();
    expect(await fault.textContent()).toBe('A name is at most 60 characters, on one line. Leave it empty to show the code.');
    expect(await admin.locator('li[data-team="wallet"] input[name="en"]').getAttribute('aria-invalid')).toBe('true');
    expect(await admin.evaluate(async () => (await (await fetch('/api/team-names')).json()).teams[1])).toEqual({ team: 'wallet', names: { en: null, 'zh-CN': null } });
    await admin.reload();
    await row.waitFor();
    await admin.setViewportSize({ width: 390, height: 844 });
    await shot(admin, 'admin-teams-en-390');
    await admin.goto(`${dashboard.url}/admin/teams?lang=zh-CN`);
    await row.waitFor();
    expect(await row.locator('label').first().textContent()).toContain('英文名称');
    await shot(admin, 'admin-teams-zh-390');
  });

  it('a manager reads 支付团队 in zh-CN and Payments in en where the reports showed payments, and the team is still chosen by its code', async () => {
    // As the admin named it above; set again here so that this test stands alone.
    await namePayments();

    requireCjkFont();
    const maria = await dashboard.signedInAs('maria', 'zh-CN');
    await maria.click('a.reports');
    const payments = await teamLink(maria, 'payments');
    expect(await payments.textContent()).toBe('支付团队');
    // A team without a name is shown by its code.
    expect(await (await teamLink(maria, 'wallet')).textContent()).toBe('wallet');
    await shot(maria, 'reports-zh-1920');

    // The team chosen is its code in the address, and the figures are the code's.
    await payments.click();
    await maria.waitForURL(/[?&]team=payments(&|$)/);
    await maria.locator('table.agents').waitFor({ timeout: 20_000 });
    expect(await maria.locator('nav.crumbs').textContent()).toContain('团队 支付团队');
    expect(await maria.locator('#agents-title').textContent()).toContain('团队 支付团队 的坐席');
    await maria.waitForFunction(() => document.querySelector('#trend-title')?.textContent?.includes('支付团队'), null, { timeout: 15_000 });
    expect(await maria.locator('table.agents tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelector('th')?.textContent?.trim()))).toEqual(['Alice Chen']);
    const kpis = await maria.evaluate(async () => (await fetch(`/api/kpis?team=payments`)).json());
    expect(kpis.tickets.created).toBe(2);
    await shot(maria, 'reports-team-zh-1920');

    // The tickets behind the team's number: the team column says its name.
    await maria.goBack();
    await (await teamLink(maria, 'payments')).waitFor();
    await maria.locator('tr[data-team="payments"] a[data-measure="tickets.created"]').click();
    await maria.locator('.drill-page table tbody tr').first().waitFor({ timeout: 20_000 });
    expect(await maria.locator('.drill-page td[data-label="团队"]').allTextContents()).toEqual(['支付团队', '支付团队']);
    expect(maria.url()).toMatch(/[?&]team=payments(&|$)/);
    // And one ticket's story: its team as it stands now.
    await maria.locator('.drill-page table tbody a[href*="/reports/ticket"]').first().click();
    await maria.locator('[data-state="team"] dd').waitFor({ timeout: 20_000 });
    expect(await maria.locator('[data-state="team"] dd').textContent()).toBe('支付团队');
    // Its way back up names the team too, as the list's did.
    expect(await maria.locator('nav.crumbs li').allTextContents()).toContain('团队 支付团队');
    await shot(maria, 'story-zh-1920');

    // In English, the English name; the phone's width shows it too.
    const inEnglish = await dashboard.signedInAs('maria', 'en', { width: 390, height: 844 });
    await inEnglish.click('a.reports');
    expect(await (await teamLink(inEnglish, 'payments')).textContent()).toBe('Payments');
    await shot(inEnglish, 'reports-en-390');
  });

  it("a team's wall says its name in the wall's language, read with the wall's display token", async () => {
    await namePayments();
    requireCjkFont();
    const wall = await dashboard.openWall('lang=zh-CN&team=payments', { waitFor: '.scope' });
    await wall.waitForFunction(() => document.querySelector('.scope')?.textContent === '团队 支付团队', null, { timeout: 15_000 });
    await shot(wall, 'wall-zh-1920');
    const english = await dashboard.openWall('lang=en&team=payments', { waitFor: '.scope', viewport: { width: 390, height: 844 } });
    await english.waitForFunction(() => document.querySelector('.scope')?.textContent === 'Team Payments', null, { timeout: 15_000 });
    await shot(english, 'wall-en-390');
    const helper = await dashboard.openWall('lang=zh-CN&team=wallet&page=agents', { waitFor: '[data-agent="alice"]' });
    await helper.waitForFunction(() => document.querySelector('[data-agent="alice"] small')?.textContent === '支付团队', null, { timeout: 15_000 });
    await shot(helper, 'wall-agents-zh-1920');
  });
});

describe('Team names reach an open wall', () => {
  it("a wall left open in zh-CN shows a team's new name once an admin saves it in another browser, without a reload", async () => {
    const admin = await namePayments();
    requireCjkFont();
    const wall = await dashboard.openWall('lang=zh-CN&team=payments', { waitFor: '.scope' });
    await wall.waitForFunction(() => document.querySelector('.scope')?.textContent === '团队 支付团队', null, { timeout: 15_000 });
    // A mark on this page: were it reloaded, the mark would be gone.
    await wall.evaluate(() => ((window as unknown as { leftOpen: boolean }).leftOpen = true));

    await admin.goto(`${dashboard.url}/admin/teams`);
    const row = admin.locator('li[data-team="payments"]');
    await row.waitFor({ timeout: 15_000 });
    await row.locator('input[name="zh-CN"]').fill('收款团队');
    await row.getByRole('button', { name: 'Save the names of payments' }).click();
    await row.getByRole('status').waitFor();

    await wall.waitForFunction(() => document.querySelector('.scope')?.textContent === '团队 收款团队', null, { timeout: 15_000 });
    expect(await wall.evaluate(() => (window as unknown as { leftOpen?: boolean }).leftOpen)).toBe(true);
    await shot(wall, 'wall-zh-renamed-1920');
  });
});

describe('Team names typed and not saved', () => {
  it('asks before a link leaves a name typed and not saved, keeps it when the admin stays, has the browser ask before a reload, and asks nothing once saved', async () => {
    const admin = await dashboard.adminPage('zh-CN');
    await admin.goto(`${dashboard.url}/admin/teams?lang=zh-CN`);
    const row = admin.locator('li[data-team="wallet"]');
    await row.waitFor({ timeout: 15_000 });
    const asked = questionsAsked(admin);
    expect(await unloadBlocked(admin)).toBe(false);

    await row.locator('input[name="zh-CN"]').fill('钱包团队');
    await admin.locator('a.home').click();
    await expect.poll(() => asked.length, { timeout: 15_000 }).toBe(1);
    expect(asked[0]).toBe('本页有尚未保存的更改。离开本页并放弃这些更改吗？');
    expect(new URL(admin.url()).pathname).toBe('/admin/teams');
    expect(await row.locator('input[name="zh-CN"]').inputValue()).toBe('钱包团队');
    expect(await unloadBlocked(admin)).toBe(true);

    // Saved: nothing is lost by leaving.
    await row.locator('input[name="zh-CN"]').press('Enter');
    await row.getByRole('status').waitFor({ timeout: 15_000 });
    expect(await unloadBlocked(admin)).toBe(false);
    await admin.locator('a.home').click();
    await admin.waitForURL((url) => url.pathname === '/', { timeout: 15_000 });
    expect(asked.length).toBe(1);
    await admin.close();
  });
});

describe('Team names saved by two admins at once', () => {
  it('does not save over names another admin saved after the page opened: says who and when, shows theirs with what was typed kept, and saves on a second Save', async () => {
    const open = async () => {
      const page = await dashboard.adminPage('en');
      await page.goto(`${dashboard.url}/admin/teams?lang=en`);
      await page.locator('li[data-team="wallet"] input[name="en"]').waitFor({ timeout: 15_000 });
      return page;
    };
    const mine = await open();
    const theirs = await open();
    const theirRow = theirs.locator('li[data-team="wallet"]');
    await theirRow.locator('input[name="en"]').fill('Wallet');
    await theirRow.locator('input[name="zh-CN"]').fill('钱包组');
    await theirRow.locator('input[name="en"]').press('Enter');
    await theirRow.getByRole('status').waitFor({ timeout: 15_000 });
    const stored = async () => (await mine.evaluate(async () => (await fetch('/api/team-names')).json())).teams.find((e: { team: string }) => e.team === 'wallet');
    expect(await stored()).toEqual({ team: 'wallet', names: { en: 'Wallet', 'zh-CN': '钱包组' } });

    // This admin's page still shows wallet's old names: typing an English name and saving does not put theirs back.
    const row = mine.locator('li[data-team="wallet"]');
    await row.locator('input[name="en"]').fill('Wallet team');
    await row.locator('input[name="en"]').press('Enter');
    const said = row.locator('form > p.error[role=alert]');
    await said.waitFor({ timeout: 15_000 });
    expect(await said.textContent()).toMatch(
      /^admin saved names for wallet at \d{1,2}:\d\d\s?[AP]M, after this page was opened, so yours were not saved: their names are shown now, with what you typed kept\. Check them, then save again\.$/
    );
    expect(await stored()).toEqual({ team: 'wallet', names: { en: 'Wallet', 'zh-CN': '钱包组' } });
    expect(await row.locator('input[name="en"]').inputValue()).toBe('Wallet team');
    expect(await row.locator('input[name="zh-CN"]').inputValue()).toBe('钱包组');
    await shot(mine, 'admin-teams-412-en-1920');

    // A second Save stands, with their Chinese name and this admin's English one.
    await row.locator('button[type="submit"]').click();
    await row.getByRole('status').waitFor({ timeout: 15_000 });
    expect(await stored()).toEqual({ team: 'wallet', names: { en: 'Wallet team', 'zh-CN': '钱包组' } });
    await mine.close();
    await theirs.close();
  });
});

describe('Team names: "Saved" means what is shown is saved', () => {
  it('takes the row\'s "Saved" away as soon as a name is typed again, and brings it back when that is saved', async () => {
    const admin = await dashboard.adminPage('en');
    await admin.goto(`${dashboard.url}/admin/teams?lang=en`);
    const row = admin.locator('li[data-team="wallet"]');
    const en = row.locator('input[name="en"]');
    await en.waitFor({ timeout: 15_000 });
    await en.fill('Wallet A');
    await en.press('Enter');
    await row.getByRole('status').waitFor({ timeout: 15_000 });
    await en.fill('Wallet B');
    await expect.poll(() => row.getByRole('status').count(), { timeout: 5_000 }).toBe(0);
    // Typed back to what is saved: it is saved again.
    await en.fill('Wallet A');
    expect(await row.getByRole('status').textContent()).toBe('Saved: screens show the new names.');
    await en.fill('Wallet B');
    await en.press('Enter');
    await row.getByRole('status').waitFor({ timeout: 15_000 });
    expect(await en.inputValue()).toBe('Wallet B');
    await admin.close();
  });
});

describe('Team names another admin saved while the page stood in another tab', () => {
  it('shows their names and new teams when the admin comes back to the tab, keeping a name typed and not saved', async () => {
    const theirs = await dashboard.adminPage('en');
    const name = (team: string, names: Record<string, string | null>) =>
      theirs.evaluate(
        async ([t, n]) => (await fetch(`/api/team-names/${t}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ names: n }) })).status,
        [team, names] as const
      );
    expect(await name('payments', { en: 'Payments', 'zh-CN': '支付团队' })).toBe(200);
    expect(await name('wallet', { en: 'Wallet', 'zh-CN': '钱包组' })).toBe(200);
    const mine = await dashboard.adminPage('en');
    await mine.goto(`${dashboard.url}/admin/teams?lang=en`);
    const payments = mine.locator('li[data-team="payments"]');
    const wallet = mine.locator('li[data-team="wallet"]');
    await payments.locator('input[name="en"]').waitFor({ timeout: 15_000 });
    // This admin types a new English name for payments, and leaves for another tab before saving it.
    await payments.locator('input[name="en"]').fill('Pay team');

    // Meanwhile the other admin renames both teams and names a new one.
    expect(await name('wallet', { en: 'Wallet desk', 'zh-CN': '钱包服务组' })).toBe(200);
    expect(await name('payments', { en: 'Payments desk', 'zh-CN': '支付服务组' })).toBe(200);
    expect(await name('cards', { en: 'Cards' })).toBe(200);

    // Back at the tab: their names and the new team are shown; the English name typed here stays as typed.
    await mine.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await mine.locator('li[data-team="cards"] input[name="en"]').waitFor({ timeout: 15_000 });
    expect(await mine.locator('li[data-team="cards"] input[name="en"]').inputValue()).toBe('Cards');
    await expect.poll(() => wallet.locator('input[name="en"]').inputValue(), { timeout: 15_000 }).toBe('Wallet desk');
    expect(await wallet.locator('input[name="zh-CN"]').inputValue()).toBe('钱包服务组');
    expect(await payments.locator('input[name="en"]').inputValue()).toBe('Pay team');
    expect(await payments.locator('input[name="zh-CN"]').inputValue()).toBe('支付服务组');
    await shot(mine, 'admin-teams-tab-return-en-1920');

    // Their English name for payments was never shown here: saving over it is refused, naming them; a second Save stands.
    await payments.locator('input[name="en"]').press('Enter');
    const said = payments.locator('form > p.error[role=alert]');
    await said.waitFor({ timeout: 15_000 });
    expect(await said.textContent()).toMatch(/^admin saved names for payments at \d{1,2}:\d\d\s?[AP]M, after this page was opened/);
    expect(await payments.locator('input[name="en"]').inputValue()).toBe('Pay team');
    await payments.locator('button[type="submit"]').click();
    await payments.getByRole('status').waitFor({ timeout: 15_000 });
    const stored = (await mine.evaluate(async () => (await fetch('/api/team-names')).json())).teams.find((e: { team: string }) => e.team === 'payments');
    expect(stored).toEqual({ team: 'payments', names: { en: 'Pay team', 'zh-CN': '支付服务组' } });
    await mine.close();
    await theirs.close();
  });
});

describe('Team names another admin cleared after the page opened', () => {
  it('says who cleared them and when, in the page\'s language, keeps what was typed, and a second Save stands', async () => {
    requireCjkFont();
    const theirs = await dashboard.signedInAs('bea', 'en');
    const name = (names: Record<string, string | null>) =>
      theirs.evaluate(
        async (n) => (await fetch('/api/team-names/payments', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ names: n }) })).status,
        names
      );
    expect(await name({ en: 'Payments', 'zh-CN': '支付团队' })).toBe(200);
    const mine = await dashboard.adminPage('zh-CN');
    await mine.goto(`${dashboard.url}/admin/teams?lang=zh-CN`);
    const row = mine.locator('li[data-team="payments"]');
    await row.locator('input[name="en"]').waitFor({ timeout: 15_000 });
    await row.locator('input[name="en"]').fill('Pay team');

    // bea clears both of payments' names; this admin, whose page still shows them, saves a new English name.
    expect(await name({ en: null, 'zh-CN': null })).toBe(200);
    await row.locator('input[name="en"]').press('Enter');
    const said = row.locator('form > p.error[role=alert]');
    await said.waitFor({ timeout: 15_000 });
    expect(await said.textContent()).toMatch(
      /^在您打开本页之后，bea 于 \d{1,2}:\d\d 清除了 payments 的名称，因此您的更改没有保存：该团队现在没有名称，并保留您输入的值。请检查后再次保存。$/
    );
    expect(await row.locator('input[name="en"]').inputValue()).toBe('Pay team');
    expect(await row.locator('input[name="zh-CN"]').inputValue()).toBe('');
    await shot(mine, 'admin-teams-cleared-zh-1920');

    await row.locator('button[type="submit"]').click();
    await row.getByRole('status').waitFor({ timeout: 15_000 });
    const stored = (await mine.evaluate(async () => (await fetch('/api/team-names')).json())).teams.find((e: { team: string }) => e.team === 'payments');
    expect(stored).toEqual({ team: 'payments', names: { en: 'Pay team', 'zh-CN': null } });
    await mine.close();
    await theirs.context().close();
  });
});

describe('Team names reach an open report', () => {
  it("a report left open shows a team's new name when its tab comes back into view, without a reload; the tickets' list too", async () => {
    const admin = await namePayments();
    const rename = (en: string) =>
      admin.evaluate(async (en) => (await fetch('/api/team-names/payments', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ names: { en, 'zh-CN': '支付团队' } }) })).status, en);
    const backAtTab = (page: Page) => page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    const maria = await dashboard.signedInAs('maria', 'en');
    await maria.goto(`${dashboard.url}/reports?lang=en`);
    expect(await (await teamLink(maria, 'payments')).textContent()).toBe('Payments');
    // A mark on this page: were it reloaded, the mark would be gone.
    await maria.evaluate(() => ((window as unknown as { leftOpen: boolean }).leftOpen = true));

    expect(await rename('Card payments')).toBe(200);
    await backAtTab(maria);
    await expect.poll(() => maria.locator('tr[data-team="payments"] th a').textContent(), { timeout: 15_000 }).toBe('Card payments');

    // Down to the tickets behind the team's number, then renamed again: its crumb, its rows and its title follow.
    await maria.locator('tr[data-team="payments"] a[data-measure="tickets.created"]').click();
    await maria.locator('.drill-page td[data-label="Team"]').first().waitFor({ timeout: 20_000 });
    expect(await rename('Wallet payments')).toBe(200);
    await backAtTab(maria);
    await expect.poll(() => maria.locator('.drill-page td[data-label="Team"]').allTextContents(), { timeout: 15_000 }).toEqual(['Wallet payments', 'Wallet payments']);
    expect(await maria.locator('nav.crumbs li').allTextContents()).toContain('Team Wallet payments');
    expect(await maria.title()).toBe('Tickets created · Team Wallet payments · Floorboard');
    expect(await maria.evaluate(() => (window as unknown as { leftOpen?: boolean }).leftOpen)).toBe(true);
    await maria.context().close();
    await admin.close();
  });
});
