// The callback funnel on the reports page: a team's callbacks scheduled → attempts → connected → completed → on time →
// confirmed over the range, each count a link to the callbacks (or calls) behind it and set against the period
// before, with the rates between the steps in words and on time coloured by its target; left out under a filter, and
// one line for a range with none. Where the report showed only "callbacks on time" and a scheduled count.
import { describe, expect, it } from 'vitest';
import { expectWithinWidth } from '../helpers/browser';
import { openLastWeekReport, paymentsReportDashboard } from '../helpers/dashboard';
import { middayZone } from '../helpers/server';

const zone = middayZone();
const HOUR = 3_600_000;

/** Callback `id` of payments scheduled by alice at `at` and due at `due`. */
const scheduled = (id: string, at: number, due: number) => ({ id: `${id}-s`, at, type: 'callback.scheduled', callback: id, reason: 'pre_approval', due, agent: 'alice', team: 'payments' });
const attempted = (id: string, n: number, at: number, result: string) => ({ id: `${id}-a${n}`, at, type: 'callback.attempted', callback: id, agent: 'alice', result });
const completed = (id: string, at: number, outcome: string) => ({ id: `${id}-x`, at, type: 'callback.completed', callback: id, outcome, agent: 'alice' });

const dashboard = paymentsReportDashboard(zone, (now) => {
  const h = (hours: number) => now - hours * HOUR;
  const before = (hours: number) => now - 8 * 24 * HOUR - hours * HOUR;
  return [
    // The last 7 days: 4 scheduled, 5 calls (3 connected), 3 completed: one confirmed, one after it was due.
    scheduled('cb1', h(48), h(40)),
    attempted('cb1', 1, h(47), 'no_answer'),
    attempted('cb1', 2, h(46), 'connected'),
    completed('cb1', h(45), 'confirmed'),
    scheduled('cb2', h(30), h(20)),
    attempted('cb2', 1, h(29), 'connected'),
    completed('cb2', h(28), 'resolved'),
    scheduled('cb3', h(12), h(10)),
    attempted('cb3', 1, h(11), 'busy'),
    attempted('cb3', 2, h(5), 'connected'),
    completed('cb3', h(4), 'resolved'),
    scheduled('cb4', h(3), h(-5)),
    // The 7 days before: 2 scheduled, one called, connected and completed, confirmed.
    scheduled('pb1', before(2), before(-10)),
    attempted('pb1', 1, before(1), 'connected'),
    completed('pb1', before(0), 'confirmed'),
    scheduled('pb2', before(5), before(-20))
  ];
});

const read = {
  en: {
    title: 'Callbacks',
    steps: ['Scheduled', 'Attempts', 'Connected', 'Completed', 'Completed on time', 'Confirmed'],
    counts: ['4 callbacks', '5 calls', '3 calls', '3 callbacks', '2 callbacks', '1 callback'],
    connected: '60.0% of attempts',
    completed: 'as many as 75.0% of the 4 scheduled in this range (some may have been scheduled before it)',
    onTime: '66.7% of 3 completed',
    confirmed: '33.3% of 3 completed',
    scheduledChange: '▲ 100% · the 7 days before: 2',
    link: '4 scheduled callbacks of Team payments, last 7 days',
    filtered: 'Callbacks are left out under a channel, priority or category filter: they carry none of those. Clear filters',
    empty: 'No callback was scheduled, attempted or completed in this range.'
  },
  'zh-CN': {
    title: '回电',
    steps: ['已预约', '拨打', '接通', '已完成', '按时完成', '已确认'],
    counts: ['4 通回电', '5 次拨打', '3 次拨打', '3 通回电', '2 通回电', '1 通回电'],
    connected: '占拨打次数的 60.0%',
    completed: '相当于此范围内预约的 4 通的 75.0%（其中可能有此范围之前预约的）',
    onTime: '已完成 3 通中的 66.7%',
    confirmed: '已完成 3 通中的 33.3%',
    scheduledChange: '▲ 100% · 之前 7 天：2',
    link: '团队 payments，最近 7 天预约的回电，共 4 通',
    filtered: '设置了渠道、优先级或类别筛选时不显示回电：回电不带这些属性。 清除筛选',
    empty: '此范围内没有预约、拨打或完成任何回电。'
  }
} as const;

const words = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

/** Maria's report of the last 7 days, `query` the rest of its address, in `lang` (a phone's with `phone`). */
const openReport = (query: string, lang: 'en' | 'zh-CN', size?: { width: number; height: number }, phone = false) =>
  openLastWeekReport(dashboard, zone, query, lang, size, phone ? { hasTouch: true, isMobile: true } : undefined);

describe("a team's callback funnel", () => {
  for (const lang of ['en', 'zh-CN'] as const) {
    it(`reads the steps in order with their counts, rates and change against the 7 days before (${lang})`, async () => {
      const page = await openReport('team=payments&', lang);
      const funnel = page.locator('section.callback-funnel');
      await funnel.locator('li[data-step="scheduled"] .change').waitFor({ timeout: 20_000 });
      const r = read[lang];

      expect(await funnel.locator('h2').textContent()).toBe(r.title);
      const steps = funnel.locator('ol > li');
      expect(await steps.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-step')))).toEqual(['scheduled', 'attempts', 'connected', 'completed', 'completedOnTime', 'confirmed']);
      expect((await funnel.locator('li .name').allTextContents()).map(words)).toEqual(r.steps);
      expect((await funnel.locator('li .count').allTextContents()).map(words)).toEqual(r.counts);
      // As shown: the flag of a missed target is read out by its own name, not written.
      const rate = async (step: string) => words(await funnel.locator(`li[data-step="${step}"] .rate`).innerText());
      expect(await rate('connected')).toBe(r.connected);
      expect(await rate('completed')).toBe(r.completed);
      expect(await rate('completedOnTime')).toBe(r.onTime);
      expect(await rate('confirmed')).toBe(r.confirmed);
      // Two of three on time, under the default target's critical 75%: in red; three completed are enough to colour.
      expect(await funnel.locator('li[data-step="completedOnTime"] .figure').getAttribute('data-level')).toBe('critical');
      // Each step against the 7 days before: 4 scheduled where there were 2.
      const change = funnel.locator('li[data-step="scheduled"] .change');
      expect(await change.locator('[aria-hidden="true"]').textContent()).toBe(r.scheduledChange);
      expect(await funnel.locator('li[data-step="connected"] .change').getAttribute('data-change')).toBe('200');
      expect(await funnel.locator('a[data-measure="callbacks.scheduled"]').getAttribute('aria-label')).toBe(r.link);

      // After the team's tiles, above its agents.
      const y = async (selector: string) => (await page.locator(selector).boundingBox())!.y;
      expect(await y('section.scope-tiles')).toBeLessThan(await y('section.callback-funnel'));
      expect(await y('section.callback-funnel')).toBeLessThan(await y('table.agents'));
      await page.context().close();
    });
  }

  it('opens the calls behind the connected count: that many', async () => {
    const page = await openReport('team=payments&', 'en');
    await page.click('section.callback-funnel a[data-measure="callbacks.connected"]');
    await page.waitForURL(/\/reports\/tickets\?measure=callbacks\.connected&/);
    expect(page.url()).toContain('team=payments');
    await page.locator('tr[data-item]').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('tr[data-item]').count()).toBe(3);
    await page.context().close();
  });

  it("shows every team's report the whole centre's funnel, under the teams' table and above the channels'", async () => {
    const page = await openReport('', 'en');
    const scheduledLink = page.locator('section.callback-funnel a[data-measure="callbacks.scheduled"]');
    await scheduledLink.waitFor({ timeout: 20_000 });
    expect(await scheduledLink.textContent()).toBe('4');
    expect(await scheduledLink.getAttribute('aria-label')).toBe('4 scheduled callbacks of all teams, last 7 days');
    const y = async (selector: string) => (await page.locator(selector).boundingBox())!.y;
    expect(await y('table.teams')).toBeLessThan(await y('section.callback-funnel'));
    expect(await y('section.callback-funnel')).toBeLessThan(await y('section[aria-labelledby="channels-title"]'));
    await page.context().close();
  });

  it('stacks the steps on a phone, each within the screen (zh-CN, 390×844)', async () => {
    const page = await openReport('team=payments&', 'zh-CN', { width: 390, height: 844 }, true);
    const steps = page.locator('section.callback-funnel ol > li');
    await steps.last().waitFor({ timeout: 20_000 });
    const boxes = await steps.evaluateAll((lis) => lis.map((li) => li.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y })));
    expect(new Set(boxes.map((b) => b.x)).size).toBe(1);
    expect(boxes.every((b, i) => i === 0 || b.y > boxes[i - 1]!.y)).toBe(true);
    await expectWithinWidth(page, 390, ['section.callback-funnel', ...boxes.map((_, i) => `section.callback-funnel ol > li:nth-child(${i + 1})`)]);
    await page.context().close();
  });

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`says callbacks are left out under a channel filter, with the way to clear it, and one line for a range with none (${lang})`, async () => {
      const page = await openReport('team=payments&channel=chat&', lang);
      const funnel = page.locator('section.callback-funnel');
      await funnel.locator('[data-state="filtered"]').waitFor({ timeout: 20_000 });
      expect(words(await funnel.locator('[data-state="filtered"]').textContent())).toBe(read[lang].filtered);
      expect(await funnel.locator('ol').count()).toBe(0);
      const clear = await funnel.locator('a').getAttribute('href');
      expect(clear).toContain('team=payments');
      expect(clear).not.toContain('channel=');

      // Every team, a week with nothing: one line, not six zeros.
      await page.goto(`${dashboard.url}/reports?from=2020-01-06&to=2020-01-12&lang=${lang}`);
      await funnel.locator('[data-state="empty"]').waitFor({ timeout: 20_000 });
      expect(words(await funnel.locator('[data-state="empty"]').textContent())).toBe(read[lang].empty);
      expect(await funnel.locator('ol').count()).toBe(0);
      await page.context().close();
    });
  }
});
