// What a screen reader hears of a report's counts: each is a link to the tickets behind it, named by a sentence saying
// what that list holds (whose, which days, under which filters), not by the column's word and a number.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDashboard } from '../helpers/dashboard';

const dashboard = useDashboard({
  users: { maria: 'manager' },
  seed: async (dashboard) => {
    const t0 = Date.now() - 40 * 60_000;
    const at = (minutes: number) => t0 + minutes * 60_000;
    // cao.yan never sent a name: the report calls them by their id.
    const handled = ['T-1', 'T-2', 'T-3'].flatMap((ticket, i) => [
      { id: `c-${ticket}`, at: at(i), type: 'ticket.created', ticket, channel: 'chat', priority: 'normal', team: 'payments' },
      { id: `a-${ticket}`, at: at(i + 1), type: 'ticket.assigned', ticket, agent: 'cao.yan', team: 'payments' },
      { id: `r-${ticket}`, at: at(i + 2), type: 'ticket.replied', ticket, agent: 'cao.yan' },
      { id: `s-${ticket}`, at: at(i + 10), type: 'ticket.resolved', ticket, agent: 'cao.yan' },
      { id: `q-${ticket}`, at: at(i + 20), type: 'ticket.rated', ticket, score: 5 }
    ]);
    await dashboard.send([
      ...handled,
      { id: 'c-T-4', at: at(5), type: 'ticket.created', ticket: 'T-4', channel: 'chat', priority: 'normal', team: 'payments' },
      { id: 'x-T-4', at: at(6), type: 'ticket.abandoned', ticket: 'T-4' }
    ]);
  }
});

/** The accessible names of the links in `area`, as the browser's accessibility tree gives them (YAML quotes a name with a colon). */
async function linkNames(area: Locator): Promise<string[]> {
  return [...(await area.ariaSnapshot()).matchAll(/- '?link "([^"]*)"/g)].map((m) => m[1]);
}

async function agentReport(lang: string, query = ''): Promise<Page> {
  const page = await dashboard.signedInAs('maria', lang);
  await page.goto(`${dashboard.url}/reports?team=payments&agent=cao.yan&lang=${lang}${query}`);
  await page.locator('.tile[data-tile="csat"] a').waitFor({ timeout: 20_000 });
  return page;
}

describe("a report's counts as a screen reader names them", () => {
  it("names each of an agent's counts by the list it opens: whose, which days (en, last 7 days)", async () => {
    const page = await agentReport('en');
    await page.click('a[data-preset="last7"]');
    await page.locator('a[data-preset="last7"][aria-current="true"]').waitFor({ timeout: 20_000 });
    const tile = (name: string) => linkNames(page.locator(`.tile[data-tile="${name}"]`));
    await expect.poll(() => tile('csat'), { timeout: 20_000 }).toEqual(['3 rated tickets of cao.yan, last 7 days']);
    expect(await tile('firstResponses')).toEqual(['3 first responses of cao.yan, last 7 days']);
    expect(await tile('resolved')).toEqual(['3 resolved tickets of cao.yan, last 7 days']);
    expect(await tile('breached')).toEqual(['0 first responses of cao.yan past the SLA target, last 7 days']);
    expect(await tile('callbacks')).toEqual([
      '0 callbacks of cao.yan completed on time, last 7 days',
      '0 completed callbacks of cao.yan, last 7 days',
      '0 scheduled callbacks of cao.yan, last 7 days'
    ]);
    // The backlog is the state now, whatever the days.
    expect(await tile('open')).toEqual(['0 open tickets of cao.yan now']);
    await page.context().close();
  });

  it('says the filters a list is under, and one of a kind in the singular (en, today)', async () => {
    const page = await agentReport('en', '&channel=chat');
    expect(await linkNames(page.locator('.tile[data-tile="csat"]'))).toEqual(['3 rated tickets of cao.yan, today (Chat only)']);
    await page.goto(`${dashboard.url}/reports?lang=en`);
    const abandoned = page.locator('tr[data-team="payments"] td[data-col="abandoned"]');
    await abandoned.locator('a').waitFor({ timeout: 20_000 });
    expect(await linkNames(abandoned)).toEqual(['1 abandoned ticket of payments, today']);
    expect(await linkNames(page.locator('tr.total td[data-col="created"]'))).toEqual(['4 new tickets of all teams, today']);
    expect(await linkNames(page.locator('tr[data-channel="chat"] td[data-col="created"]'))).toEqual(['4 new tickets of the Chat channel, today']);
    await page.context().close();
  });

  it('says the same in Chinese', async () => {
    const page = await agentReport('zh-CN');
    expect(await linkNames(page.locator('.tile[data-tile="csat"]'))).toEqual(['cao.yan，今天的已评分工单，共 3 张']);
    expect(await linkNames(page.locator('.tile[data-tile="open"]'))).toEqual(['cao.yan当前的未结工单，共 0 张']);
    await page.goto(`${dashboard.url}/reports?lang=zh-CN`);
    const created = page.locator('tr[data-team="payments"] td[data-col="created"]');
    await created.locator('a').waitFor({ timeout: 20_000 });
    expect(await linkNames(created)).toEqual(['payments，今天的新建工单，共 4 张']);
    expect(await linkNames(page.locator('tr.total td[data-col="created"]'))).toEqual(['全部团队，今天的新建工单，共 4 张']);
    expect(await linkNames(page.locator('tr[data-channel="chat"] td[data-col="abandoned"]'))).toEqual(['在线聊天渠道，今天放弃的工单，共 1 张']);
    await page.context().close();
  });
});
