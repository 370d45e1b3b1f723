// A manager's reports read in Chinese order: the teams' table in the order of the names shown (pinyin for zh-CN).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { requireCjkFont } from '../helpers/browser';
import { useDashboard } from '../helpers/dashboard';
import { lastHour } from '../helpers/events';

// Long words, as a centre's own categories and people's full names are: the tickets' table is wider than a desktop's page.
const CATEGORY = 'merchant-chargeback-dispute-after-refund-escalation';
const dashboard = useDashboard({
  users: { maria: 'manager' },
  seed: async (dashboard) => {
    const { min, t0, ev } = lastHour();
    const events = [
      ev('s-a', t0, { type: 'agent.status', agent: 'alice', name: 'Alexandra Catherine Montgomery-Featherstonehaugh', team: 'payments', status: 'available' }),
      ev('s-r', t0, { type: 'agent.status', agent: 'rob', name: 'Roberto Bartholomew Vandenberghe-Ashworth', team: 'risk', status: 'available' })
    ];
    for (let i = 0; i < 6; i++) {
      const team = i % 2 ? 'risk' : 'payments';
      const agent = i % 2 ? 'rob' : 'alice';
      events.push(ev(`c${i}`, t0 + i * min, { type: 'ticket.created', ticket: `T-${i}`, channel: 'chat', category: CATEGORY, team }));
      events.push(ev(`a${i}`, t0 + i * min + 30_000, { type: 'ticket.assigned', ticket: `T-${i}`, agent }));
      events.push(ev(`r${i}`, t0 + (i + 2) * min, { type: 'ticket.replied', ticket: `T-${i}`, agent }));
    }
    await dashboard.send(events);
  }
});

/** The teams' table's rows' codes, top to bottom, the whole centre's row last (""). */
const teamOrder = (page: Page) => page.locator('table.teams tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-team')));

/** Names payments 支付团队 and risk 风控与安全 (fēng before zhī), and in en Wallet payments and Fraud and security. */
async function nameTeams(): Promise<void> {
  const admin = await dashboard.adminPage('en');
  for (const [team, names] of [
    ['payments', { en: 'Wallet payments', 'zh-CN': '支付团队' }],
    ['risk', { en: 'Fraud and security', 'zh-CN': '风控与安全' }]
  ] as const) {
    const status = await admin.evaluate(
      async ([team, names]) => (await fetch(`/api/team-names/${team}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ names }) })).status,
      [team, names] as const
    );
    expect(status).toBe(200);
  }
  await admin.context().close();
}

describe("The reports' teams in the order a reader knows", () => {
  it('lists the teams by their names as shown: pinyin order in zh-CN, the alphabet\'s in en, the centre last', async () => {
    await nameTeams();
    requireCjkFont();
    const zh = await dashboard.signedInAs('maria', 'zh-CN');
    await zh.goto(`${dashboard.url}/reports?lang=zh-CN`);
    await zh.locator('table.teams tr[data-team="risk"]').waitFor({ timeout: 20_000 });
    // Their codes' order is payments, risk; 风控与安全 (fēng) comes before 支付团队 (zhī).
    expect(await zh.locator('table.teams tbody th').allTextContents()).toEqual(['风控与安全', '支付团队', '全部团队']);
    expect(await teamOrder(zh)).toEqual(['risk', 'payments', '']);

    const en = await dashboard.signedInAs('maria', 'en');
    await en.goto(`${dashboard.url}/reports?lang=en`);
    await en.locator('table.teams tr[data-team="risk"]').waitFor({ timeout: 20_000 });
    expect(await teamOrder(en)).toEqual(['risk', 'payments', '']);
    expect(await en.locator('table.teams tbody th a').allTextContents()).toEqual(['Fraud and security', 'Wallet payments']);
  });
});
