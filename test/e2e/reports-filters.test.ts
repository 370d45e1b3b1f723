// A manager's reports split by every team the range's tickets name (one no agent belongs to too) and narrowed by
// channel, priority and category: each figure /api/kpis's with the same filters, and the tickets behind one as many.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDashboard } from '../helpers/dashboard';
import { lastHour } from '../helpers/events';
import { addDays } from '../../web/lib/reports/range';

const dashboard = useDashboard({
  users: { maria: 'manager' },
  seed: async (dashboard) => {
    const { min, t0, ev } = lastHour();
    await dashboard.send([
      ev('s-a', t0, { type: 'agent.status', agent: 'alice', name: 'Alice Chen', team: 'payments', status: 'available' }),
      ev('c1', t0 + min, { type: 'ticket.created', ticket: 'T-1', channel: 'chat', priority: 'urgent', category: 'refund', team: 'payments' }),
      ev('r1', t0 + 2 * min, { type: 'ticket.replied', ticket: 'T-1', agent: 'alice' }),
      ev('a1', t0 + 2 * min, { type: 'ticket.assigned', ticket: 'T-1', agent: 'alice', team: 'payments' }),
      // Bob, on shift, resolved a phone call: under a chat filter he has no figure.
      ev('s-b', t0, { type: 'agent.status', agent: 'bob', name: 'Bob Diaz', team: 'payments', status: 'available' }),
      ev('v2', t0 + 9 * min, { type: 'ticket.resolved', ticket: 'T-2', agent: 'bob' }),
      ev('c2', t0 + 3 * min, { type: 'ticket.created', ticket: 'T-2', channel: 'phone', priority: 'urgent', category: 'refund', team: 'payments' }),
      ev('r2', t0 + 4 * min, { type: 'ticket.replied', ticket: 'T-2', agent: 'alice' }),
      ev('c3', t0 + 5 * min, { type: 'ticket.created', ticket: 'T-3', channel: 'chat', category: 'card', team: 'payments' }),
      // Risk: no agent of it has ever been seen; only its tickets name it.
      ev('c4', t0 + 6 * min, { type: 'ticket.created', ticket: 'R-1', channel: 'phone', priority: 'high', category: 'fraud', team: 'risk' }),
      ev('c5', t0 + 7 * min, { type: 'ticket.created', ticket: 'R-2', channel: 'chat', category: 'fraud', team: 'risk' }),
      ev('x5', t0 + 8 * min, { type: 'ticket.abandoned', ticket: 'R-2' })
    ]);
  }
});

/** Maria, a manager, on the reports of today. */
async function signedIn(lang = 'en', viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await dashboard.signedInAs('maria', lang, viewport);
  await page.click('a.reports');
  await page.locator('tr[data-team="payments"]').waitFor({ timeout: 20_000 });
  return page;
}

const api = (page: Page, path: string) => page.evaluate(async (p) => (await fetch(p)).json(), path);
const linked = async (page: Page, scope: string, measure: string) => Number((await page.locator(`${scope} a[data-measure="${measure}"]`).first().textContent())!.replace(/\D/g, ''));
const rangeOf = async (page: Page) => `from=${await page.locator('.range').getAttribute('data-from')}&to=${await page.locator('.range').getAttribute('data-to')}`;

describe('Reports by every team, filtered', () => {
  it('gives a team only tickets name a row of its own, with /api/kpis?team= its counts, and drills into it', async () => {
    const page = await signedIn();
    const risk = 'tr[data-team="risk"]';
    await page.locator(risk).waitFor({ timeout: 15_000 });
    const k = await api(page, `/api/kpis?${await rangeOf(page)}&team=risk`);
    expect(k.tickets.created).toBe(2);
    expect(await linked(page, risk, 'tickets.created')).toBe(k.tickets.created);
    expect(await linked(page, risk, 'tickets.abandoned')).toBe(k.tickets.abandoned);
    expect(await page.locator('table.teams tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-team')))).toEqual(['payments', 'risk', '']);
    await page.click(`${risk} th a`);
    await page.waitForURL(/team=risk/);
    await page.locator('#agents-title', { hasText: 'risk' }).waitFor({ timeout: 15_000 });
  });

  it('narrows every figure by the channel chosen, keeps it in the address, and the tickets behind a number add up to it', async () => {
    const page = await signedIn();
    const range = await rangeOf(page);
    await page.selectOption('select[name=channel]', 'chat');
    await page.click('form.custom button[type=submit]');
    await page.waitForURL(/channel=chat/);
    await page.locator('.filters', { hasText: 'Chat' }).waitFor({ timeout: 15_000 });
    for (const team of ['payments', 'risk', null]) {
      const k = await api(page, `/api/kpis?${range}&channel=chat${team ? `&team=${team}` : ''}`);
      const row = `tr[data-team="${team ?? ''}"]`;
      await page.locator(`${row} a[data-measure="tickets.created"]`, { hasText: String(k.tickets.created) }).waitFor({ timeout: 15_000 });
      expect(await linked(page, row, 'tickets.abandoned')).toBe(k.tickets.abandoned);
      expect(await linked(page, row, 'firstResponse.count')).toBe(k.firstResponse.count);
    }
    expect(await linked(page, 'tr[data-team="payments"]', 'tickets.created')).toBe(2);
    // Callbacks carry no channel: left out, and said so, not a column of noughts (CB-1 is payments').
    expect(await page.locator('table.teams td[data-col="callbacks"]').count()).toBe(0);
    expect(await page.locator('table.teams thead').textContent()).not.toContain('Callbacks on time');
    expect(await page.locator('.no-callbacks').first().textContent()).toMatch(/Callbacks have no channel.*left out/);

    // The team's agents, narrowed too: alice answered a chat and a phone call; only the chat counts.
    await page.click('tr[data-team="payments"] th a');
    await page.waitForURL(/team=payments/);
    expect(page.url()).toContain('channel=chat');
    await page.locator('tr[data-agent="alice"]').waitFor({ timeout: 15_000 });
    expect(await linked(page, 'tr[data-agent="alice"]', 'firstResponse.count')).toBe(1);
    await page.goBack();
    await page.locator('tr[data-team="payments"]').waitFor({ timeout: 15_000 });

    // The tickets behind payments' chats created: as many as the number says, each a chat.
    const number = await linked(page, 'tr[data-team="payments"]', 'tickets.created');
    await page.click('tr[data-team="payments"] a[data-measure="tickets.created"]');
    await page.waitForURL(/\/reports\/tickets\?.*channel=chat/);
    await page.locator('tr[data-item="T-1"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('tbody tr').count()).toBe(number);
    expect(await page.locator('tr[data-item="T-2"]').count()).toBe(0);

    // Back: the filter is still chosen; back again: none, and every channel counts.
    await page.goBack();
    await page.locator('.filters', { hasText: 'Chat' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('select[name=channel]').inputValue()).toBe('chat');
    await page.goBack();
    await page.locator('tr[data-team="payments"] a[data-measure="tickets.created"]', { hasText: '3' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('.filters').count()).toBe(0);
    expect(await page.locator('select[name=channel]').inputValue()).toBe('');
  });

  it('lists only the agents with a figure under the filter, each row /api/agents?…&channel= its figures, and the tickets behind one as many', async () => {
    const page = await signedIn();
    const range = await rangeOf(page);
    // Unfiltered, bob has a row: he resolved a phone call, and is on shift.
    await page.goto(`${dashboard.url}/reports?${range}&team=payments&lang=en`);
    await page.locator('tr[data-agent="bob"]').waitFor({ timeout: 15_000 });

    const asked: string[] = [];
    const listen = (r: { url(): string }) => void asked.push(decodeURIComponent(new URL(r.url()).pathname + new URL(r.url()).search));
    page.on('request', listen);
    await page.goto(`${dashboard.url}/reports?${range}&team=payments&channel=chat&lang=en`);
    await page.locator('.filters', { hasText: 'Chat' }).waitFor({ timeout: 15_000 });
    await page.locator('tr[data-agent="alice"]').waitFor({ timeout: 15_000 });
    // The team's agents under the filter over the day before (today's period before), once the rows are shown.
    const filteredAgents = () => asked.filter((u) => u.startsWith('/api/agents?') && u.includes('channel=chat'));
    const dayBefore = `from=${addDays(new URLSearchParams(range).get('from')!, -1)}&`;
    await expect.poll(() => filteredAgents().filter((u) => u.includes(dayBefore)).length, { timeout: 15_000 }).toBeGreaterThan(0);
    page.off('request', listen);
    // The team's agents under the filter in one request, not one /api/kpis per agent (each a scan of the range); and
    // one more for the period before, not one per agent either.
    expect(filteredAgents().filter((u) => u.includes(`${range.split('&')[0]}&`))).toHaveLength(1);
    expect(filteredAgents().filter((u) => u.includes(dayBefore))).toHaveLength(1);
    expect(filteredAgents()).toHaveLength(2);
    expect(asked.filter((u) => u.startsWith('/api/kpis?') && /[?&]agent=/.test(u))).toEqual([]);
    // Nor the other teams' figures, nor every agent's unfiltered: a team's page shows neither the teams' table nor them.
    expect(asked.filter((u) => u.startsWith('/api/kpis?') && /[?&]team=(?!payments&)/.test(u))).toEqual([]);
    expect(asked.filter((u) => u.startsWith('/api/agents?') && !u.includes('team=payments'))).toEqual([]);
    expect(await page.locator('table.agents tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-agent')))).toEqual(['alice']);
    // Callbacks carry no channel: the agents' table leaves them out as the teams' does, and as the hint says.
    expect(await page.locator('table.agents td[data-col="callbacks"]').count()).toBe(0);
    expect(await page.locator('table.agents thead').textContent()).not.toContain('Callbacks on time');

    const { agents } = await api(page, `/api/agents?${range}&team=payments&channel=chat`);
    const bob = agents.find((a: any) => a.agent === 'bob');
    expect(bob.resolution.count + bob.firstResponse.count + bob.open).toBe(0);
    const alice = agents.find((a: any) => a.agent === 'alice');
    expect([alice.open, alice.firstResponse.count]).toEqual([1, 1]);
    const links = await page.locator('tr[data-agent="alice"] a[data-measure]').all();
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      const measure = (await link.getAttribute('data-measure'))!;
      const value = (measure === 'backlog.open' ? 'open' : measure).split('.').reduce((o: any, k) => o[k], alice);
      expect(Number((await link.textContent())!.replace(/\D/g, '')), measure).toBe(value);
    }

    // The chats alice first answered: as many as her number says.
    await page.click('tr[data-agent="alice"] a[data-measure="firstResponse.count"]');
    await page.waitForURL(/\/reports\/tickets\?.*channel=chat/);
    expect(page.url()).toContain('agent=alice');
    await page.locator('tr[data-item="T-1"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('tbody tr').count()).toBe(alice.firstResponse.count);
    // Her own figures under the filter: no callbacks tile either.
    await page.goto(`${dashboard.url}/reports?${range}&team=payments&agent=alice&channel=chat&lang=en`);
    await page.locator('[data-tile="breached"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-tile="callbacks"]').count()).toBe(0);

    // A filter no agent of the team has a figure under (risk's fraud): said so, with the way out, not rows of noughts.
    await page.goto(`${dashboard.url}/reports?${range}&team=payments&category=fraud&lang=en`);
    const none = page.locator('section[aria-labelledby="agents-title"] .hint', { hasText: 'No agent of this team has a figure matching these filters (fraud)' });
    await none.waitFor({ timeout: 15_000 });
    expect(await page.locator('table.agents').count()).toBe(0);
    await none.locator('a', { hasText: 'Clear filters' }).click();
    await page.locator('tr[data-agent="bob"]').waitFor({ timeout: 15_000 });
    expect(page.url()).not.toContain('category=');
  });

  it('narrows by priority and category together from a shared link, and a filter that leaves nothing says so and clears', async () => {
    const page = await signedIn();
    const range = await rangeOf(page);
    await page.goto(`${dashboard.url}/reports?${range}&priority=urgent&category=refund&lang=en`);
    const k = await api(page, `/api/kpis?${range}&priority=urgent&category=refund&team=payments`);
    expect(k.tickets.created).toBe(2);
    await page.locator('tr[data-team="payments"] a[data-measure="tickets.created"]', { hasText: '2' }).waitFor({ timeout: 15_000 });
    expect(await linked(page, 'tr[data-team="risk"]', 'tickets.created')).toBe(0);
    expect(await page.locator('input[name=category]').inputValue()).toBe('Refund');
    expect(await page.locator('select[name=priority]').inputValue()).toBe('urgent');
    // Its export says the filters in the file's name, as two exports of one range are not the same figures.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.export')]);
    expect(download.suggestedFilename()).toMatch(/^teams-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}-urgent-refund\.csv$/);

    await page.selectOption('select[name=channel]', 'social');
    await page.click('form.custom button[type=submit]');
    const empty = page.locator('.empty', { hasText: 'Nothing in this range matches these filters (Social · Urgent · Refund)' });
    await empty.waitFor({ timeout: 15_000 });
    await empty.locator('a', { hasText: 'Clear filters' }).click();
    await page.locator('tr[data-team="payments"] a[data-measure="tickets.created"]', { hasText: '3' }).waitFor({ timeout: 15_000 });
    expect(page.url()).not.toMatch(/channel=|priority=|category=/);
  });

  it('offers the filters in Chinese on a phone, the categories seen in the range among the suggestions', async () => {
    const page = await signedIn('zh-CN', { width: 360, height: 800 });
    expect(await page.locator('select[name=channel] option').allTextContents()).toEqual(['全部', '电话', '在线聊天', '邮件', '社交媒体', 'App', '网页']);
    expect(await page.locator('select[name=priority] option').allTextContents()).toEqual(['全部', '紧急', '高', '普通', '低']);
    expect(await page.locator('#report-categories option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(['card', 'fraud', '退款 (refund)']);
    await page.selectOption('select[name=priority]', 'high');
    await page.click('form.custom button[type=submit]');
    await page.locator('.filters', { hasText: '仅显示：高' }).waitFor({ timeout: 15_000 });
    // Only risk's R-1 is high.
    await page.locator('tr[data-team="risk"] a[data-measure="tickets.created"]', { hasText: '1' }).waitFor({ timeout: 15_000 });
    expect(await linked(page, 'tr[data-team="payments"]', 'tickets.created')).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  it('splits the centre by channel too, in the spec\'s order, each row /api/kpis?channel= its figures and its tickets as many', async () => {
    const page = await signedIn();
    const range = await rangeOf(page);
    await page.locator('tr[data-channel="chat"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('table.channels tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-channel')))).toEqual(['phone', 'chat']);
    expect(await page.locator('tr[data-channel="phone"] th').textContent()).toBe('Phone');
    for (const channel of ['phone', 'chat']) {
      const k = await api(page, `/api/kpis?${range}&channel=${channel}`);
      const row = `tr[data-channel="${channel}"]`;
      expect(await linked(page, row, 'tickets.created')).toBe(k.tickets.created);
      expect(await linked(page, row, 'tickets.abandoned')).toBe(k.tickets.abandoned);
      expect(await linked(page, row, 'firstResponse.count')).toBe(k.firstResponse.count);
    }
    expect(await linked(page, 'tr[data-channel="chat"]', 'tickets.created')).toBe(3);
    // Callbacks have no channel: the teams' table counts them, the channels' leaves them out and says where they are.
    expect(await page.locator('table.teams td[data-col="callbacks"]').count()).toBeGreaterThan(0);
    expect(await page.locator('table.channels td[data-col="callbacks"]').count()).toBe(0);
    expect(await page.locator('section[aria-labelledby="channels-title"] .no-callbacks').textContent()).toMatch(/Callbacks have no channel/);

    // Narrowed by priority, the channels' rows are too, and chat's urgent tickets behind the number are as many.
    await page.goto(`${dashboard.url}/reports?${range}&priority=urgent&lang=en`);
    await page.locator('tr[data-channel="chat"] a[data-measure="tickets.created"]', { hasText: '1' }).waitFor({ timeout: 15_000 });
    await page.click('tr[data-channel="chat"] a[data-measure="tickets.created"]');
    await page.waitForURL(/\/reports\/tickets\?.*priority=urgent/);
    expect(page.url()).toContain('channel=chat');
    await page.locator('tr[data-item="T-1"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('tbody tr').count()).toBe(1);
  });
});
