// The range a report covers, said in the page's language and the centre's zone beside its date inputs: the inputs
// themselves write days as the browser's language does (12/01/2026 in an en-US browser), which a Chinese reader of
// a zh-CN page cannot tell apart from 1 December or 12 January.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDashboard } from '../helpers/dashboard';

const dashboard = useDashboard({ env: { KPI_TIMEZONE: 'Asia/Shanghai' }, users: { maria: 'manager' } });

/** Maria, a manager, in an en-US browser, sets the range to `first`–`last` on the reports page in `lang`. */
async function rangeSet(lang: string, first: string, last: string): Promise<Page> {
  const page = await dashboard.signedInAs('maria', lang, { width: 390, height: 844 });
  expect(await page.evaluate(() => navigator.language)).toBe('en-US');
  await page.click('a.reports');
  // The zone is said once the live feed has told it.
  await page.locator('.range .zone').waitFor({ timeout: 20_000 });
  await page.fill('input[name=from]', first);
  await page.fill('input[name=to]', last);
  await page.click('form.custom button[type=submit]');
  await page.locator(`.range[data-from="${first}"]`).waitFor({ timeout: 15_000 });
  return page;
}

const said = async (page: Page) => (await page.locator('.range').textContent())!.replace(/\s+/g, ' ').trim();

describe('The range a report covers, in words', () => {
  it('says the days in Chinese, and the centre\'s zone, on a zh-CN page in an en-US browser', async () => {
    const page = await rangeSet('zh-CN', '2026-12-01', '2026-12-07');
    expect(await said(page)).toBe('2026年12月1日 至 12月7日 按中国标准时间计日');
    // Across a year's end, both years are said.
    await page.fill('input[name=from]', '2026-12-28');
    await page.fill('input[name=to]', '2027-01-03');
    await page.click('form.custom button[type=submit]');
    await page.locator('.range[data-from="2026-12-28"]').waitFor({ timeout: 15_000 });
    expect(await said(page)).toBe('2026年12月28日 至 2027年1月3日 按中国标准时间计日');
    // The inputs are in the page's language, named, and pointed at the days in words.
    for (const name of ['from', 'to']) {
      const input = page.locator(`input[name=${name}]`);
      expect(await input.getAttribute('lang')).toBe('zh-CN');
      const described = await input.getAttribute('aria-describedby');
      expect(described).toBeTruthy();
      expect((await page.locator(`#${described}`).textContent())!.replace(/\s+/g, ' ').trim()).toBe(await said(page));
    }
    expect(await page.getByLabel('开始日期', { exact: true }).getAttribute('name')).toBe('from');
    expect(await page.getByLabel('结束日期（含）', { exact: true }).getAttribute('name')).toBe('to');
    await page.context().close();
  });

  it('says them in English, and the zone by its name', async () => {
    const page = await rangeSet('en', '2026-12-01', '2026-12-07');
    expect(await said(page)).toBe('Dec 1 – 7, 2026 days in China Standard Time');
    expect(await page.locator('input[name=from]').getAttribute('lang')).toBe('en');
    await page.fill('input[name=to]', '2027-01-03');
    await page.click('form.custom button[type=submit]');
    await page.locator('.range[data-to="2027-01-04"]').waitFor({ timeout: 15_000 });
    expect(await said(page)).toBe('Dec 1, 2026 – Jan 3, 2027 days in China Standard Time');
    await page.context().close();
  });

  it('keeps the zone\'s words whole on a phone, on a line of their own when they do not fit beside the days', async () => {
    const page = await rangeSet('zh-CN', '2026-12-01', '2026-12-07');
    const zone = page.locator('.range .zone');
    expect((await zone.textContent())!.trim()).toBe('按中国标准时间计日');
    // One line box: "按中国标准时" at the end of one line and "间计日" at the start of the next read as two broken words.
    expect(await zone.evaluate((el) => el.getClientRects().length)).toBe(1);
    await page.context().close();
  });
});

describe('a range longer than the chart draws', () => {
  // From 2020 to the end of the centre's today, so the ticket sent today is in it (a range with nothing in it shows
  // no chart at all): its days counted by the calendar.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now());
  const to = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const days = ((Date.parse(to) - Date.parse('2020-01-01')) / 86_400_000).toLocaleString('en-US');
  // The trend draws at most MAX_TREND_DAYS days; past them the page showed the API's refusal, in English on a zh-CN page.
  for (const [lang, said] of [
    ['zh-CN', `图表最多显示 1,100 天，此范围共 ${days} 天：请选择较短的范围查看走势。下方的数字涵盖整个范围。`],
    ['en', `The chart shows at most 1,100 days, and this range has ${days}: choose a shorter one to see its trend. The figures below cover the whole range.`]
  ] as const)
    it(`says so in the page's language, and the figures below still cover it (${lang})`, async () => {
      // A ticket today: a range with nothing in it shows no chart at all.
      await dashboard.send([{ id: 'long-c1', type: 'ticket.created', at: Date.now() - 60_000, ticket: 'L-1', channel: 'chat' }]);
      const page = await dashboard.signedInAs('maria', lang, { width: 390, height: 844 });
      const asked: string[] = [];
      page.on('request', (r) => asked.push(new URL(r.url()).pathname));
      await page.goto(`${dashboard.url}/reports?from=2020-01-01&to=${to}&lang=${lang}`);
      const note = page.locator('section.trend [data-trend="too-long"]');
      await note.waitFor({ timeout: 20_000 });
      expect((await note.textContent())!.trim()).toBe(said);
      expect(await page.locator('section.trend [role=alert]').count()).toBe(0);
      await page.locator('table.teams tr.total').waitFor({ timeout: 15_000 });
      expect(asked).not.toContain('/api/trend');
      await page.context().close();
    });
});
