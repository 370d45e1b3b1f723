// What a manager in Shanghai takes away from the tickets behind a number: the CSV downloaded from the page, in the
// page's language and the centre's wall-clock times; and a callback's story, its yes/no lines said in words.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDashboard, type TestDashboard } from '../helpers/dashboard';
import { yesterdayIn } from '../helpers/events';

const ZONE = 'Asia/Shanghai';
/** Yesterday in Shanghai, and the day after it: the range the page is opened on. */
const { day, nextDay, at } = yesterdayIn(ZONE);

const dashboard = useDashboard({
  env: { KPI_TIMEZONE: ZONE },
  users: { maria: 'manager' },
  seed: (dashboard) =>
    dashboard.send([
      { id: 'e1', type: 'ticket.created', at: at('04:15'), ticket: 'T-9', channel: 'chat', priority: 'urgent', team: 'wallet', category: 'refund' },
      { id: 'e2', type: 'ticket.replied', at: at('04:17'), ticket: 'T-9', agent: 'ann' },
      // CB-9 completed half an hour late, confirmed; CB-8 on time, declined.
      { id: 'e3', type: 'callback.scheduled', at: at('05:00'), callback: 'CB-9', reason: 'other', due: at('05:30'), agent: 'ann', team: 'wallet', ticket: 'T-9' },
      { id: 'e4', type: 'callback.completed', at: at('06:00'), callback: 'CB-9', outcome: 'confirmed', agent: 'ann' },
      { id: 'e5', type: 'callback.scheduled', at: at('05:00'), callback: 'CB-8', reason: 'other', due: at('07:00'), agent: 'ann', team: 'wallet' },
      { id: 'e6', type: 'callback.completed', at: at('06:30'), callback: 'CB-8', outcome: 'declined', agent: 'ann' },
      // CB-7: tried once, no answer; still pending, due at 16:00 in Shanghai.
      { id: 'e7', type: 'callback.scheduled', at: at('05:00'), callback: 'CB-7', reason: 'other', due: at('08:00'), agent: 'ann', team: 'wallet' },
      { id: 'e8', type: 'callback.attempted', at: at('05:10'), callback: 'CB-7', agent: 'ann', result: 'no_answer' }
    ])
});

const signedIn = (lang: string) => dashboard.signedInAs('maria', lang, { width: 1280, height: 900 });

/** Maria signed in (on the en start page) from a browser whose own zone is `timezoneId`, not the centre's. */
const signedInElsewhere = (on: TestDashboard, timezoneId: string): Promise<Page> => on.signedInAs('maria', 'en', { width: 1280, height: 900 }, { timezoneId });

/**
 * Maria's page in a browser 15 hours off the centre's zone (Shanghai), whose live feed, where the page learns the zone,
 * sends its first message 1.5 s late, as a busy server's does.
 */
async function slowZonePage(): Promise<Page> {
  const page = await signedInElsewhere(dashboard, 'America/Los_Angeles');
  await page.routeWebSocket('**/api/live', (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => void setTimeout(() => ws.send(message), 1_500));
  });
  return page;
}

/** A CSV line's cells, a quoted one unquoted: the headings of its times hold commas ("Time (China Standard Time, GMT+8, …)"). */
const cellsOf = (line: string) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1].replace(/^"([\s\S]*)"$/, '$1').replaceAll('""', '"'));

/** The CSV the page's Download link gives, as rows of cells. */
async function downloaded(page: Page, measure: string, lang: string): Promise<{ name: string; rows: string[][] }> {
  await page.goto(`${dashboard.url}/reports/tickets?measure=${measure}&from=${day}&to=${nextDay}&lang=${lang}`);
  await page.locator('tbody tr').first().waitFor({ timeout: 15_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a.download')]);
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text.startsWith('\uFEFF'), 'a BOM, for Excel').toBe(true);
  const rows = text.slice(1).split('\r\n').filter(Boolean).map(cellsOf);
  return { name: download.suggestedFilename(), rows };
}

describe('The tickets behind a number, downloaded', () => {
  it('from the zh-CN page: Chinese headers naming the zone, Shanghai wall-clock times Excel reads as dates, 是/否, the words the page shows', async () => {
    const page = await signedIn('zh-CN');
    const created = await downloaded(page, 'tickets.created', 'zh-CN');
    expect(created.name).toBe(`tickets.created-${day}.csv`);
    expect(created.rows[0]).toEqual(['类型', '编号', '工单', '时间（中国标准时间，GMT+8，Asia/Shanghai）', '团队', '渠道', '优先级', '类别', '坐席', '时长（秒）', '评分', 'SLA 内', '已接通', '按时', '已确认', '到期时间（中国标准时间，GMT+8，Asia/Shanghai）']);
    expect(created.rows.slice(1)).toEqual([['工单', 'T-9', 'T-9', `${day} 12:15:00`, 'wallet', '在线聊天', '紧急', '退款', '', '', '', '', '', '', '', '']]);
    const firstResponses = await downloaded(page, 'firstResponse.count', 'zh-CN');
    expect(firstResponses.rows[1].slice(3, 12)).toEqual([`${day} 12:17:00`, 'wallet', '在线聊天', '紧急', '退款', 'ann', '120', '', '是']);
    const completed = await downloaded(page, 'callbacks.completed', 'zh-CN');
    expect(completed.rows.slice(1).map((r) => [r[0], r[1], r[3], r[13], r[14]])).toEqual([
      ['回电', 'CB-8', `${day} 14:30:00`, '是', '否'],
      ['回电', 'CB-9', `${day} 14:00:00`, '否', '是']
    ]);
    await page.context().close();
  });

  it('from the en page: English headers and words, the same Shanghai times', async () => {
    const page = await signedIn('en');
    const { rows } = await downloaded(page, 'firstResponse.count', 'en');
    expect(rows[0]).toEqual(['Kind', 'ID', 'Ticket', 'Time (China Standard Time, GMT+8, Asia/Shanghai)', 'Team', 'Channel', 'Priority', 'Category', 'Agent', 'Duration (seconds)', 'Score', 'Within SLA', 'Connected', 'On time', 'Confirmed', 'Due (China Standard Time, GMT+8, Asia/Shanghai)']);
    expect(rows.slice(1)).toEqual([['Ticket', 'T-9', 'T-9', `${day} 12:17:00`, 'wallet', 'Chat', 'Urgent', 'Refund', 'ann', '120', '', 'yes', '', '', '', '']]);
    await page.context().close();
  });
});

describe("A callback's story", () => {
  const said = async (page: Page, callback: string, lang: string) => {
    await page.goto(`${dashboard.url}/reports/ticket?callback=${callback}&lang=${lang}`);
    await page.locator('[data-state="onTime"]').waitFor({ timeout: 15_000 });
    return [await page.locator('[data-state="onTime"] dd').textContent(), await page.locator('[data-state="confirmed"] dd').textContent()];
  };

  it('says whether it was on time and confirmed in words, in English and in Chinese (it showed ✓ and ✗)', async () => {
    const page = await signedIn('en');
    expect(await said(page, 'CB-9', 'en')).toEqual(['late', 'confirmed']);
    expect(await said(page, 'CB-8', 'en')).toEqual(['on time', 'not confirmed']);
    expect(await said(page, 'CB-9', 'zh-CN')).toEqual(['逾期', '已确认']);
    expect(await said(page, 'CB-8', 'zh-CN')).toEqual(['按时', '未确认']);
    await page.context().close();
  });

  it("says when it was due in the centre's time, never the browser's first, when the live feed is slow to say the centre's zone", async () => {
    const page = await slowZonePage();
    await page.goto(`${dashboard.url}/reports/ticket?callback=CB-7&lang=en`);
    await page.locator('[data-state="due"]').waitFor({ timeout: 15_000 });
    // 16:00 in Shanghai; the browser's own zone would write 1:00 AM.
    expect(await page.locator('[data-state="due"] dd').textContent()).toMatch(/, 4:00 PM$/);
    await page.context().close();
  });
});

describe("A ticket's story", () => {
  it("names the zone its times are in, the centre's, in words as /reports does, in English and in Chinese, in a browser in another zone", async () => {
    const page = await signedInElsewhere(dashboard, 'America/Los_Angeles');
    const story = async (lang: string) => {
      await page.goto(`${dashboard.url}/reports/ticket?id=T-9&lang=${lang}`);
      await page.locator('[data-state="createdAt"]').waitFor({ timeout: 15_000 });
      return [(await page.locator('main p.zone').textContent())!.trim(), (await page.locator('[data-state="createdAt"] dd').textContent())!.trim()];
    };
    expect(await story('en')).toEqual(['Times in China Standard Time (GMT+8)', new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: ZONE }).format(at('04:15'))]);
    expect(await story('zh-CN')).toEqual(['时间均为中国标准时间（GMT+8）', new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeStyle: 'short', timeZone: ZONE }).format(at('04:15'))]);
    await page.context().close();
  });
});

describe('The callbacks behind a number', () => {
  const listed = async (page: Page, measure: string, lang: string) => {
    await page.goto(`${dashboard.url}/reports/tickets?measure=${measure}&from=${day}&to=${nextDay}&lang=${lang}`);
    await page.locator('tbody tr').first().waitFor({ timeout: 15_000 });
    const head = (await page.locator('thead th').last().textContent())!.trim();
    const rows = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-item'), tr.querySelector('td.value')!.textContent!.replace(/\s+/g, ' ').trim()]));
    return { head, rows };
  };

  it('leave out the channel, priority and category a callback has none of, where each row showed three dashes; tickets keep them', async () => {
    const page = await signedIn('en');
    const columns = async (measure: string) => {
      await page.goto(`${dashboard.url}/reports/tickets?measure=${measure}&from=${day}&to=${nextDay}&lang=en`);
      await page.locator('tbody tr').first().waitFor({ timeout: 15_000 });
      return { head: await page.locator('thead th').allTextContents(), labels: await page.locator('tbody tr').first().locator('td').evaluateAll((tds) => tds.map((td) => td.dataset.label)) };
    };
    expect(await columns('callbacks.scheduled')).toEqual({ head: ['Ticket', 'Time', 'Team', 'Agent', 'Outcome'], labels: ['Time', 'Team', 'Agent', 'Outcome'] });
    expect((await columns('backlog.callbacksPending')).head).toEqual(['Ticket', 'Time', 'Team', 'Agent', 'Duration or score']);
    expect((await columns('tickets.created')).head).toEqual(['Ticket', 'Time', 'Team', 'Channel', 'Priority', 'Category', 'Agent', 'Duration or score']);
    // On a phone each callback is a block of its time, team, agent and outcome, each under its column's name.
    await page.setViewportSize({ width: 390, height: 844 });
    await columns('callbacks.scheduled');
    expect(await page.locator('tr[data-item="CB-8"]').innerText()).not.toMatch(/Channel|Priority|Category/);
    await page.context().close();
  });

  it('say what each came to, where the column read — for every one: on time or late, confirmed or not, connected or not, when due', async () => {
    const page = await signedIn('en');
    expect(await listed(page, 'callbacks.completed', 'en')).toEqual({
      head: 'Outcome',
      rows: [
        ['CB-8', 'on time · not confirmed'],
        ['CB-9', 'late · confirmed']
      ]
    });
    expect((await listed(page, 'callbacks.attempts', 'en')).rows).toEqual([['CB-7', 'not connected']]);
    expect(await page.locator('tr[data-item="CB-7"] .outcome.missed').count()).toBe(1);
    const pending = await listed(page, 'backlog.callbacksPending', 'en');
    expect(pending.head).toBe('Duration or score');
    expect(pending.rows).toEqual([['CB-7', expect.stringMatching(/ due .*, 4:00 PM$/)]]);
    expect(await listed(page, 'callbacks.completed', 'zh-CN')).toEqual({
      head: '结果',
      rows: [
        ['CB-8', '按时 · 未确认'],
        ['CB-9', '逾期 · 已确认']
      ]
    });
    expect((await listed(page, 'backlog.callbacksPending', 'zh-CN')).rows).toEqual([['CB-7', expect.stringMatching(/ 到期 .*16:00$/)]]);
    await page.context().close();
  });

  it("shows the centre's times, never the browser's first, when the live feed is slow to say the centre's zone", async () => {
    const page = await slowZonePage();
    // The browser's own zone would write CB-7's due (16:00 in Shanghai) 1:00 AM, and T-9's reply (12:17) 9:17 PM.
    const { rows } = await listed(page, 'backlog.callbacksPending', 'en');
    expect(rows).toEqual([['CB-7', expect.stringMatching(/ due .*, 4:00 PM$/)]]);
    await page.goto(`${dashboard.url}/reports/tickets?measure=firstResponse.count&from=${day}&to=${nextDay}&lang=en`);
    await page.locator('tbody tr').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('tr[data-item="T-9"] td').first().textContent()).toMatch(/12:17/);
    await page.context().close();
  });
});

describe('A centre in Los Angeles, read from a browser in Shanghai', () => {
  // The centre's clocks change (PDT, GMT-7, in summer; PST, GMT-8, in winter). Both the story and the file name the
  // zone by its generic name, "Pacific Time" / "北美太平洋时间", the same all year as on /reports; the story adds the
  // offset its own times were at, the file none (its rows could be either side of a change).
  const LA = 'America/Los_Angeles';
  const la = useDashboard({
    env: { KPI_TIMEZONE: LA },
    users: { maria: 'manager' },
    seed: (la) =>
      la.send([
        // 09:00 in Los Angeles on a summer day (16:00Z, PDT) and on a winter day (17:00Z, PST).
        { id: 's1', type: 'ticket.created', at: '2026-07-15T16:00:00Z', ticket: 'T-SUMMER', channel: 'chat', team: 'wallet' },
        { id: 's2', type: 'ticket.replied', at: '2026-07-15T16:05:00Z', ticket: 'T-SUMMER', agent: 'ann' },
        { id: 'w1', type: 'ticket.created', at: '2026-01-15T17:00:00Z', ticket: 'T-WINTER', channel: 'chat', team: 'wallet' },
        { id: 'w2', type: 'ticket.replied', at: '2026-01-15T17:05:00Z', ticket: 'T-WINTER', agent: 'ann' }
      ])
  });

  it("names the zone in a story by its name and the offset of the story's own times, summer and winter, en and zh-CN", async () => {
    const page = await signedInElsewhere(la, 'Asia/Shanghai');
    const story = async (id: string, lang: string) => {
      await page.goto(`${la.url}/reports/ticket?id=${id}&lang=${lang}`);
      await page.locator('[data-state="createdAt"]').waitFor({ timeout: 15_000 });
      return [(await page.locator('main p.zone').textContent())!.trim(), (await page.locator('[data-state="createdAt"] dd').textContent())!.trim()];
    };
    // 9:00 AM both days, by the centre's clock; the browser's own (Shanghai) would say midnight and 1:00 AM.
    expect(await story('T-SUMMER', 'en')).toEqual(['Times in Pacific Time (GMT-7)', 'Jul 15, 2026, 9:00 AM']);
    expect(await story('T-WINTER', 'en')).toEqual(['Times in Pacific Time (GMT-8)', 'Jan 15, 2026, 9:00 AM']);
    expect(await story('T-SUMMER', 'zh-CN')).toEqual(['时间均为北美太平洋时间（GMT-7）', '2026年7月15日 09:00']);
    expect(await story('T-WINTER', 'zh-CN')).toEqual(['时间均为北美太平洋时间（GMT-8）', '2026年1月15日 09:00']);
    await page.context().close();
  });

  it('names the zone in the downloaded file\'s time headings in words, with its id, the same in summer and winter', async () => {
    const page = await signedInElsewhere(la, 'Asia/Shanghai');
    const download = async (from: string, to: string, lang: string) => {
      await page.goto(`${la.url}/reports/tickets?measure=tickets.created&from=${from}&to=${to}&lang=${lang}`);
      await page.locator('tbody tr').first().waitFor({ timeout: 15_000 });
      const [file] = await Promise.all([page.waitForEvent('download'), page.click('a.download')]);
      const rows = readFileSync((await file.path())!, 'utf8').slice(1).split('\r\n').filter(Boolean).map(cellsOf);
      return [rows[0][3], rows[0][15], rows[1][3]];
    };
    expect(await download('2026-07-15', '2026-07-16', 'en')).toEqual(['Time (Pacific Time, America/Los_Angeles)', 'Due (Pacific Time, America/Los_Angeles)', '2026-07-15 09:00:00']);
    expect(await download('2026-01-15', '2026-01-16', 'en')).toEqual(['Time (Pacific Time, America/Los_Angeles)', 'Due (Pacific Time, America/Los_Angeles)', '2026-01-15 09:00:00']);
    expect(await download('2026-07-15', '2026-07-16', 'zh-CN')).toEqual(['时间（北美太平洋时间，America/Los_Angeles）', '到期时间（北美太平洋时间，America/Los_Angeles）', '2026-07-15 09:00:00']);
    expect(await download('2026-01-15', '2026-01-16', 'zh-CN')).toEqual(['时间（北美太平洋时间，America/Los_Angeles）', '到期时间（北美太平洋时间，America/Los_Angeles）', '2026-01-15 09:00:00']);
    await page.context().close();
  });
});
