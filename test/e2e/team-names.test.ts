// Teams a person can read: an admin names a team in en and zh-CN on /admin/teams.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDashboard } from '../helpers/dashboard';
import { lastHour } from '../helpers/events';

const dashboard = useDashboard({
  users: { maria: 'manager' },
  seed: async (dashboard) => {
    const { min, t0, ev } = lastHour();
    await dashboard.send([
      ev('s-a', t0, { type: 'agent.status', agent: 'alice', name: 'Alice Chen', team: 'payments', status: 'available' }),
      ev('s-c', t0, { type: 'agent.status', agent: 'carol', name: 'Carol Wu', team: 'wallet', status: 'available' }),
      ev('c1', t0 + min, { type: 'ticket.created', ticket: 'T-1', channel: 'chat', team: 'payments' }),
      ev('c2', t0 + 2 * min, { type: 'ticket.created', ticket: 'T-2', channel: 'phone', team: 'payments' }),
      ev('c3', t0 + 3 * min, { type: 'ticket.created', ticket: 'T-3', channel: 'chat', team: 'wallet' })
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
    await admin.setViewportSize({ width: 390, height: 844 });
    await shot(admin, 'admin-teams-en-390');
    await admin.goto(`${dashboard.url}/admin/teams?lang=zh-CN`);
    await row.waitFor();
    expect(await row.locator('label').first().textContent()).toContain('英文名称');
    await shot(admin, 'admin-teams-zh-390');
  });
});
