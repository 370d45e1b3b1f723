// The tickets behind a number of a filtered report (only chats, only urgent ones): the list says what it is narrowed
// to, as the report did, and its way back up (All teams › a team › an agent) goes back to the same filtered report,
// where it went to the unfiltered one and every figure a manager then read changed under them.
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
      ev('c1', t0 + min, { type: 'ticket.created', ticket: 'T-1', channel: 'chat', priority: 'urgent', category: 'refund', team: 'payments' }),
      ev('a1', t0 + 2 * min, { type: 'ticket.assigned', ticket: 'T-1', agent: 'alice', team: 'payments' }),
      ev('r1', t0 + 2 * min, { type: 'ticket.replied', ticket: 'T-1', agent: 'alice' }),
      ev('v1', t0 + 3 * min, { type: 'ticket.resolved', ticket: 'T-1', agent: 'alice' }),
      ev('c2', t0 + 4 * min, { type: 'ticket.created', ticket: 'T-2', channel: 'phone', priority: 'urgent', category: 'refund', team: 'payments' }),
      ev('a2', t0 + 5 * min, { type: 'ticket.assigned', ticket: 'T-2', agent: 'alice', team: 'payments' }),
      ev('r2', t0 + 5 * min, { type: 'ticket.replied', ticket: 'T-2', agent: 'alice' }),
      ev('v2', t0 + 6 * min, { type: 'ticket.resolved', ticket: 'T-2', agent: 'alice' }),
      ev('cb1', t0 + 7 * min, { type: 'callback.scheduled', callback: 'CB-1', reason: 'complaint_followup', due: t0 + 90 * min, ticket: 'T-1', agent: 'alice', team: 'payments' })
    ]);
  }
});

/** Maria on the tickets alice resolved today under `filters`, reached by clicking from the report in `lang`. */
async function resolvedBehind(filters: string, lang: string): Promise<Page> {
  const page = await dashboard.signedInAs('maria', lang, { width: 1280, height: 900 });
  await page.click('a.reports');
  await page.locator('.range[data-from]').waitFor({ timeout: 20_000 });
  const range = `from=${await page.locator('.range').getAttribute('data-from')}&to=${await page.locator('.range').getAttribute('data-to')}`;
  await page.goto(`${dashboard.url}/reports?${range}&${filters}&team=payments&agent=alice&lang=${lang}`);
  await page.click('.tile[data-tile="resolved"] a');
  await page.waitForURL(/\/reports\/tickets\?/);
  await page.locator('tr[data-item]').first().waitFor({ timeout: 15_000 });
  return page;
}

describe('the tickets behind a number of a filtered report', () => {
  it('says the filter, and each step of its way back keeps it: the team it goes back to is the filtered one', async () => {
    const page = await resolvedBehind('channel=chat', 'en');
    // T-2, a phone call alice resolved too, is not among them: the list is narrowed, and says so.
    expect(await page.locator('tr[data-item]').count()).toBe(1);
    expect((await page.locator('.filters').textContent())!.trim()).toBe('Only: Chat');
    for (const crumb of await page.locator('nav.crumbs a').all()) expect(await crumb.getAttribute('href')).toContain('channel=chat');

    await page.click('nav.crumbs a:text-is("Team payments")');
    await page.waitForURL(/\/reports\?/);
    expect(page.url()).toContain('channel=chat');
    await page.locator('.filters', { hasText: 'Only: Chat' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('select[name=channel]').inputValue()).toBe('chat');
    await page.locator('tr[data-agent="alice"] a[data-measure="firstResponse.count"]', { hasText: '1' }).waitFor({ timeout: 15_000 });
    await page.context().close();
  });

  it('says it in Chinese too, priority and channel both', async () => {
    const page = await resolvedBehind('channel=phone&priority=urgent', 'zh-CN');
    expect(await page.locator('tr[data-item]').count()).toBe(1);
    expect((await page.locator('.filters').textContent())!.trim()).toBe('仅显示：电话 · 紧急');
    for (const crumb of await page.locator('nav.crumbs a').all()) expect(await crumb.getAttribute('href')).toMatch(/channel=phone&priority=urgent/);
    await page.context().close();
  });
});

describe('the callbacks behind a number, at an address with a filter', () => {
  // Callbacks carry a team and an agent only (SPEC): a channel filter leaves none of them, which is no news of callbacks.
  it('says that callbacks are not split by the filter, not that none were scheduled, and links to them without it', async () => {
    for (const [lang, said] of [
      ['en', 'Callbacks have no channel, priority or category, so a filter leaves none of them: this list is not split by Chat.'],
      ['zh-CN', '回电没有渠道、优先级和类别，筛选后不会留下任何回电：此列表不按“在线聊天”细分。']
    ] as const) {
      const page = await dashboard.signedInAs('maria', lang, { width: 390, height: 844 });
      const day = await page.evaluate(() => new Date().toISOString().slice(0, 10));
      const [from, to] = [new Date(Date.parse(day) - 86_400_000).toISOString().slice(0, 10), new Date(Date.parse(day) + 2 * 86_400_000).toISOString().slice(0, 10)];
      await page.goto(`${dashboard.url}/reports/tickets?measure=callbacks.scheduled&from=${from}&to=${to}&team=payments&channel=chat&lang=${lang}`);
      const note = page.locator('main .not-split[role=status]');
      await note.waitFor({ timeout: 15_000 });
      expect((await note.locator('.why').textContent())!.trim()).toBe(said);
      expect(await page.locator('.empty').count()).toBe(0);
      await note.locator('a').click();
      await page.locator('tr[data-item="CB-1"]').waitFor({ timeout: 15_000 });
      expect(page.url()).not.toContain('channel=');
      expect(page.url()).toContain('team=payments');
      expect(page.url()).toContain('measure=callbacks.scheduled');
      await page.context().close();
    }
  });
});

describe("a ticket's story, opened from the tickets behind a number", () => {
  // A manager opens a ticket in a new tab (or from a link sent to them): there is no history to go back through, and
  // its one link went to today's report of every team, unfiltered, away from the list and the report it came from.
  it('leads back up to the list it was opened from, and the report above it, filters and all, with no history', async () => {
    const list = await resolvedBehind('channel=chat', 'en');
    const listUrl = list.url();
    const story = await list.locator('tr[data-item="T-1"] th a').getAttribute('href');
    const page = await list.context().newPage();
    await page.goto(`${dashboard.url}${story}`);
    await page.locator('.timeline').waitFor({ timeout: 15_000 });
    const crumbs = page.locator('nav.crumbs li');
    expect((await crumbs.allTextContents()).map((s) => s.trim())).toEqual(['All teams', 'Team payments', 'Alice Chen', 'Tickets resolved', 'Ticket T-1']);
    for (const crumb of await page.locator('nav.crumbs a').all()) expect(await crumb.getAttribute('href')).toContain('channel=chat');

    await page.click('nav.crumbs a:text-is("Tickets resolved")');
    await page.waitForURL(/\/reports\/tickets\?/);
    expect(new URL(page.url()).search).toBe(new URL(listUrl).search);
    await page.locator('tr[data-item="T-1"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('tr[data-item]').count()).toBe(1);
    await page.context().close();
  });
});

describe('a filtered report of every team, on callbacks', () => {
  // Under a filter the teams' table leaves callbacks out too: "counted by team, above" pointed at a column not there.
  it('says once that callbacks are left out, and nowhere that they are counted by team above, en and zh-CN', async () => {
    for (const [lang, said] of [
      ['en', /^Callbacks have no channel, priority or category, so they are left out while a filter is set/],
      ['zh-CN', /^回电没有渠道、优先级和类别，设置筛选时不显示回电/]
    ] as const) {
      const page = await dashboard.signedInAs('maria', lang, { width: 1280, height: 900 });
      await page.click('a.reports');
      await page.locator('tr[data-team="payments"] a[data-measure="callbacks.scheduled"]').waitFor({ timeout: 20_000 });
      await page.selectOption('select[name=channel]', 'chat');
      await page.click('form.custom button[type=submit]');
      await page.locator('table.channels tr[data-channel="chat"]').waitFor({ timeout: 15_000 });
      const notes = await page.locator('.no-callbacks').allTextContents();
      expect(notes).toHaveLength(1);
      expect(notes[0].trim()).toMatch(said);
      expect(await page.locator('main').textContent()).not.toMatch(/counted by team|按团队统计/);
      expect(await page.locator('a[data-measure^="callbacks."]').count()).toBe(0);
      // Without the filter the channels' table says where callbacks are, and the teams' table has them.
      await page.click('.filters a');
      await page.locator('tr[data-team="payments"] a[data-measure="callbacks.scheduled"]').waitFor({ timeout: 15_000 });
      expect(await page.locator('section[aria-labelledby="channels-title"] .no-callbacks').count()).toBe(1);
      await page.context().close();
    }
  });
});
