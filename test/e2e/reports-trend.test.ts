// The reports' trend chart in Chromium: the range day by day (hour by hour for today) for the centre, a team or an
// agent, its figures those of GET /api/trend; an empty range said in words; both languages, and a phone's width.
import { readFileSync } from 'node:fs';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { presetRange } from '../../web/lib/reports/range';
import { useDashboard } from '../helpers/dashboard';
import { middayZone } from '../helpers/server';
import { pixelsOf as pixelsOfCanvas } from '../helpers/canvas';

const zone = middayZone();
const DAY = 86_400_000;
const MIN = 60_000;

const dashboard = useDashboard({
  env: { KPI_TIMEZONE: zone },
  users: { maria: 'manager' },
  seed: async (dashboard) => {
    const now = Date.now();
    // Alice has a name; carol is known by her id alone.
    const events: Record<string, unknown>[] = [{ id: 's-alice', type: 'agent.status', at: now - 12 * DAY, agent: 'alice', name: 'Alice Chen', team: 'payments', status: 'available' }];
    // Each of the last four days (and today), 1 + d tickets for payments and one for wallet, answered after 2 + d minutes.
    for (let d = 0; d < 5; d++) {
      const at = now - d * DAY - 90 * MIN;
      for (let i = 0; i <= d + 1; i++) {
        const ticket = `T-${d}-${i}`;
        const team = i === 0 ? 'wallet' : 'payments';
        events.push({ id: `c-${ticket}`, type: 'ticket.created', at: at + i * MIN, ticket, channel: 'chat', team });
        events.push({ id: `r-${ticket}`, type: 'ticket.replied', at: at + i * MIN + (2 + d) * MIN, ticket, agent: team === 'wallet' ? 'carol' : 'alice' });
        if (i % 2 === 0) events.push({ id: `d-${ticket}`, type: 'ticket.resolved', at: at + i * MIN + 20 * MIN, ticket, agent: 'alice' });
      }
    }
    // Ten days ago, outside the last 7: three phone tickets, the only ones not on chat.
    for (let i = 0; i < 3; i++)
      events.push({ id: `c-P-${i}`, type: 'ticket.created', at: now - 10 * DAY + i * MIN, ticket: `P-${i}`, channel: 'phone', priority: 'high', team: 'payments' });
    // 35 and 34 days ago, past the last 30: urgent chats (two, then one), beside a normal chat and an urgent call.
    const old = (ticket: string, at: number, channel: string, priority: string, answeredIn: number | null) => {
      events.push({ id: `c-${ticket}`, type: 'ticket.created', at, ticket, channel, priority, team: 'payments' });
      if (answeredIn !== null) events.push({ id: `r-${ticket}`, type: 'ticket.replied', at: at + answeredIn * MIN, ticket, agent: 'alice' });
    };
    old('U-0', now - 35 * DAY, 'chat', 'urgent', 3);
    old('U-1', now - 35 * DAY + 5 * MIN, 'chat', 'urgent', 7);
    old('N-0', now - 35 * DAY, 'chat', 'normal', 1);
    old('PU-0', now - 35 * DAY, 'phone', 'urgent', 2);
    old('U-2', now - 34 * DAY, 'chat', 'urgent', 4);
    await dashboard.send(events);
  }
});

const signedIn = (lang = 'en', viewport = { width: 1920, height: 1080 }, device: BrowserContextOptions = {}) => dashboard.signedInAs('maria', lang, viewport, device);

const api = (page: Page, path: string) => page.evaluate(async (p) => (await fetch(p)).json(), path);
/** The hidden list's items, what a screen reader reads for the canvas: [its words, created, resolved]. */
const rows = (page: Page) =>
  page.locator('.trend ol li').evaluateAll((items) => items.map((li) => [li.textContent!.trim(), (li as HTMLElement).dataset.created!, (li as HTMLElement).dataset.resolved!]));
const range = (preset: 'today' | 'last7' | 'last30') => presetRange(preset, Date.now(), zone);
const dayFormat = (timeZone: string) => new Intl.DateTimeFormat('en', { weekday: 'short', month: 'short', day: 'numeric', timeZone });
/** A bucket's day (an instant, ISO) as the summary names it, in the centre's zone: "Mon, Dec 7". */
const dayOf = (at: string) => dayFormat(zone).format(Date.parse(at));
/** A calendar date of the address ("2026-12-07"), `plus` days on, named the same way. */
const dateOf = (date: string, plus = 0) => dayFormat('UTC').format(Date.parse(`${date}T12:00:00Z`) + plus * DAY);
/** The chart's tooltip, when shown: its lines. */
const tip = (page: Page) => page.locator('.trend .chart .trend-tip');
const tipLines = (page: Page) => tip(page).evaluate((el) => (el as HTMLElement).innerText.split('\n').map((l) => l.trim()).filter(Boolean));
/** The chart's canvas along a line 14 % down it, across every day, high over most bars and lines: where a chosen day is shaded. */
const shadeLine = async (page: Page) => {
  await page.evaluate(() => new Promise(requestAnimationFrame));
  return page.locator('.trend .chart canvas').evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, Math.round(c.height * 0.14), c.width, 1).data));
};
/** How many of two lines' pixel values differ. */
const differing = (a: number[], b: number[]) => a.filter((v, i) => v !== b[i]).length;
/** A first response as the page writes it, for the seeded ones (minutes under an hour) or none. */
const formatDuration = (sec: number | null) => (sec === null ? '—' : `${Math.floor(sec / 60)}m ${String(Math.floor(sec % 60)).padStart(2, '0')}s`);
/** What the tooltip should say of bucket `i` of GET /api/trend's answer, the hidden list's words naming its day. */
function expectedTip(trend: any, shown: string[][], i: number): string[] {
  const b = trend.buckets[i];
  return [
    shown[i][0].slice(0, shown[i][0].indexOf(': ')),
    `Created: ${b.tickets.created}`,
    `Resolved: ${b.tickets.resolved}`,
    `First response p50: ${formatDuration(b.firstResponse.p50Sec)}${b.firstResponse.p50Sec === null ? '' : ', within target (≤ 10m)'}`,
    `First response p90: ${formatDuration(b.firstResponse.p90Sec)}${b.firstResponse.p90Sec === null ? '' : ', within target (≤ 30m)'}`
  ];
}

describe('The trend on the reports page', () => {
  it('shows the last 7 days day by day, each day as the API counts it, and one team when it is chosen', async () => {
    const page = await signedIn();
    const { from, to } = range('last7');
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&lang=en`);
    const chart = page.locator('.trend .chart[data-trend="day"]');
    await chart.waitFor({ timeout: 20_000 });
    expect(await page.locator('#trend-title').textContent()).toBe('Day by day');
    expect(await chart.locator('canvas').count()).toBe(1);
    const trend = await api(page, `/api/trend?from=${from}&to=${to}`);
    const shown = await rows(page);
    expect(shown).toHaveLength(7);
    expect(shown.map((r) => Number(r[1]))).toEqual(trend.buckets.map((b: any) => b.tickets.created));
    expect(shown.map((r) => Number(r[2]))).toEqual(trend.buckets.map((b: any) => b.tickets.resolved));
    // The five days seeded, newest last: 6, 5, 4, 3, 2 tickets created.
    expect(shown.slice(2).map((r) => Number(r[1]))).toEqual([6, 5, 4, 3, 2]);
    // Today's first responses took 2 minutes, as the page writes a duration.
    expect(shown.at(-1)![0]).toMatch(/: 2 created, 1 resolved; first response p50 2m 00s, p90 2m 00s$/);
    // What a screen reader reads for the canvas (its accessible name): sentences naming the centre's days, not "most created on".
    const spoken = await chart.ariaSnapshot();
    const [first, last, busiest] = [trend.buckets[0], trend.buckets.at(-1), trend.buckets[2]].map((b: any) => dayOf(b.from));
    expect(spoken).toMatch(new RegExp(`^- '?img "Day by day, ${first} to ${last}: 20 tickets created and \\d+ resolved\\. The most were created on ${busiest}: 6 tickets\\. First response p90 was longest on [^"]+\\.`));

    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&team=wallet&lang=en`);
    await page.locator('tr[data-agent="carol"]').waitFor({ timeout: 20_000 });
    await page.locator('.trend .chart').waitFor();
    await expect.poll(async () => (await rows(page)).slice(2).map((r) => Number(r[1]))).toEqual([1, 1, 1, 1, 1]);
  });

  it('shows today hour by hour', async () => {
    const page = await signedIn();
    const { from, to } = range('today');
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&lang=en`);
    await page.locator('.trend .chart[data-trend="hour"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('#trend-title').textContent()).toBe('Hour by hour');
    const shown = await rows(page);
    expect(shown).toHaveLength(24);
    expect(shown[0][0]).toMatch(/^00:00: 0 created/);
    expect(shown.reduce((n, r) => n + Number(r[1]), 0)).toBe(2);
    // Its summary names the day, and the busiest hour by its start and end on the centre's clock, not "on 11:00".
    const spoken = await page.locator('.trend .chart').ariaSnapshot();
    const hours = spoken.match(new RegExp(`^- '?img "Hour by hour, ${dateOf(from)}: 2 tickets created and 1 resolved\\. The most were created from (\\d\\d):00 to (\\d\\d):00: [12] tickets?\\.`));
    expect(hours, spoken).not.toBeNull();
    expect(Number(hours![2])).toBe(Number(hours![1]) + 1);
  });

  it('says once that a range is empty: the page says it for the whole centre, the chart for a team alone', async () => {
    const page = await signedIn();
    await page.goto(`${dashboard.url}/reports?from=2024-01-01&to=2024-01-08&lang=en`);
    await page.locator('p.empty').waitFor({ timeout: 20_000 });
    expect(await page.locator('p.empty').textContent()).toContain('Nothing happened in this range');
    expect(await page.locator('.trend').count()).toBe(0);
    expect(await page.getByText('Nothing to chart').count()).toBe(0);

    // The centre had tickets in the last 7 days, a team of nobody's none: only the chart has anything to say.
    const { from, to } = range('last7');
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&team=nobody&lang=en`);
    const empty = page.locator('.trend [data-trend="empty"]');
    await empty.waitFor({ timeout: 20_000 });
    expect(await empty.textContent()).toBe(`Nothing to chart day by day, ${dateOf(from)} to ${dateOf(to, -1)}: no ticket was created or resolved, and no first response was given. Choose a wider range or another team above.`);
    expect(await page.locator('p.empty').count()).toBe(0);
    expect(await page.locator('.trend canvas').count()).toBe(0);
  });

  it('follows the page\'s channel, says so in its heading, and differs from the whole centre\'s', async () => {
    const page = await signedIn();
    const { from, to } = range('last30');
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&channel=chat&lang=en`);
    await page.locator('.trend .chart[data-trend="day"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('#trend-title').textContent()).toBe('Day by day · Chat');
    const chat = await api(page, `/api/trend?from=${from}&to=${to}&channel=chat`);
    const all = await api(page, `/api/trend?from=${from}&to=${to}`);
    const shown = await rows(page);
    expect(shown.map((r) => Number(r[1]))).toEqual(chat.buckets.map((b: any) => b.tickets.created));
    expect(shown.map((r) => Number(r[2]))).toEqual(chat.buckets.map((b: any) => b.tickets.resolved));
    // The three phone tickets of ten days ago are the whole centre's, not the chat chart's.
    expect(shown.map((r) => Number(r[1]))).not.toEqual(all.buckets.map((b: any) => b.tickets.created));
    expect(shown.reduce((n, r) => n + Number(r[1]), 0)).toBe(20);

    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&channel=chat&lang=zh-CN`);
    await page.locator('.trend .chart').waitFor({ timeout: 20_000 });
    expect(await page.locator('#trend-title').textContent()).toBe('按日趋势 · 在线聊天');
  });

  it('draws chat and urgent together, its figures those of GET /api/trend, its heading naming both', async () => {
    const page = await signedIn();
    const day = (n: number) => new Date(Date.parse(range('today').from) + n * DAY).toISOString().slice(0, 10);
    const [from, to] = [day(-36), day(-32)];
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&channel=chat&priority=urgent&lang=en`);
    const chart = page.locator('.trend .chart[data-trend="day"]');
    await chart.locator('canvas').waitFor({ timeout: 20_000 });
    expect(await page.locator('#trend-title').textContent()).toBe('Day by day · Chat · Urgent');
    const trend = await api(page, `/api/trend?from=${from}&to=${to}&channel=chat&priority=urgent`);
    const shown = await rows(page);
    expect(shown.map((r) => Number(r[1]))).toEqual(trend.buckets.map((b: any) => b.tickets.created));
    expect(shown.map((r) => Number(r[2]))).toEqual(trend.buckets.map((b: any) => b.tickets.resolved));
    // The urgent chats alone: not the normal chat nor the urgent call of the same day.
    expect(shown.map((r) => Number(r[1]))).toEqual([0, 2, 1, 0]);
    expect(shown[1][0]).toMatch(/: 2 created, 0 resolved; first response p50 3m 00s, p90 7m 00s$/);
    expect(await page.locator('.trend [data-trend="past-one"]').count()).toBe(0);

    // Three filters, in Chinese: the heading names each.
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&team=payments&channel=chat&priority=urgent&lang=zh-CN`);
    await page.locator('.trend .chart canvas').waitFor({ timeout: 20_000 });
    expect(await page.locator('#trend-title').textContent()).toBe('按日趋势 · 团队 payments · 在线聊天 · 紧急');
    expect((await rows(page)).map((r) => Number(r[1]))).toEqual([0, 2, 1, 0]);
  });

  it("shows the figures of the day under the pointer, and of the next day by keyboard, as GET /api/trend's", async () => {
    const page = await signedIn();
    const { from, to } = range('last7');
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&lang=en`);
    const chart = page.locator('.trend .chart[data-trend="day"]');
    await chart.locator('canvas').waitFor({ timeout: 20_000 });
    const trend = await api(page, `/api/trend?from=${from}&to=${to}`);
    const shown = await rows(page);
    const unshaded = await shadeLine(page);
    expect(await chart.getAttribute('tabindex')).toBe('0');
    expect(await page.locator(`#${await chart.getAttribute('aria-describedby')}`).textContent()).toContain('use ← and →');

    // Over the fifth of the seven days: the second seeded day before today, 3 created, answered in 5 minutes.
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * (4.5 / 7), box.y + box.height * 0.6);
    await tip(page).waitFor({ state: 'visible', timeout: 10_000 });
    const hovered = await tipLines(page);
    const i = shown.findIndex((r) => r[0].startsWith(`${hovered[0]}: `));
    expect(i).toBeGreaterThan(0);
    expect(i).toBeLessThan(6);
    expect(hovered).toEqual(expectedTip(trend, shown, i));
    expect(hovered.slice(1, 3)).toEqual([`Created: ${trend.buckets[i].tickets.created}`, `Resolved: ${trend.buckets[i].tickets.resolved}`]);

    // The keyboard goes on from the day hovered: → the next day, ← back, Escape hides the figures.
    await chart.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => tipLines(page)).toEqual(expectedTip(trend, shown, i + 1));
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => tipLines(page)).toEqual(expectedTip(trend, shown, i - 1));
    expect(await page.locator('.trend [aria-live="polite"]').textContent()).toBe(expectedTip(trend, shown, i - 1).join('; '));
    expect(differing(await shadeLine(page), unshaded)).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => tip(page).isVisible()).toBe(false);
    // And the day's shading with them: no day is left picked out.
    await expect.poll(async () => differing(await shadeLine(page), unshaded)).toBe(0);
  });

  it("dresses a day's figures in the page's own colours, and in a theme's when the page's change", async () => {
    const page = await signedIn();
    const { from, to } = range('last7');
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&lang=en`);
    const chart = page.locator('.trend .chart[data-trend="day"]');
    await chart.locator('canvas').waitFor({ timeout: 20_000 });
    const box = (await chart.boundingBox())!;
    /** The tooltip's background, border and text colours, over the day at `x` (a share of the chart's width). */
    const tipColours = async (x: number) => {
      await page.mouse.move(box.x + box.width * x, box.y + box.height * 0.6);
      await tip(page).waitFor({ state: 'visible', timeout: 10_000 });
      return tip(page).evaluate((el) => {
        const style = getComputedStyle(el);
        return [style.backgroundColor, style.borderTopColor, style.color];
      });
    };
    /** The page's colours of the same three, as its stylesheet's custom properties resolve now. */
    const pageColours = () =>
      page.evaluate(() => {
        const probe = document.createElement('div');
        probe.style.cssText = 'background-color: var(--bg); border: 1px solid var(--panel-edge); color: var(--text)';
        document.body.append(probe);
        const style = getComputedStyle(probe);
        const colours = [style.backgroundColor, style.borderTopColor, style.color];
        probe.remove();
        return colours;
      });
    // As shipped: the page's background, its panels' edge and its text (the background was a colour of its own, #0f1722).
    expect(await tipColours(0.5)).toEqual(await pageColours());
    // A theme that sets the page's colours sets the tooltip's with them: a light one here.
    await page.evaluate(() => {
      for (const [name, value] of [['--bg', '#fafbfc'], ['--panel-edge', '#c8d0da'], ['--text', '#17202b']]) document.documentElement.style.setProperty(name, value);
    });
    await page.mouse.move(box.x + box.width * 0.5, box.y - 40);
    await expect.poll(() => tip(page).isVisible()).toBe(false);
    expect(await tipColours(0.3)).toEqual(['rgb(250, 251, 252)', 'rgb(200, 208, 218)', 'rgb(23, 32, 43)']);
    expect(await tipColours(0.3)).toEqual(await pageColours());
  });

  it("shows a day's figures at a finger's tap on a phone, inside its width, and hides them at a tap elsewhere", async () => {
    const page = await signedIn('zh-CN', { width: 390, height: 844 }, { hasTouch: true, isMobile: true });
    const { from, to } = range('last7');
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&lang=zh-CN`);
    const chart = page.locator('.trend .chart[data-trend="day"]');
    await chart.locator('canvas').waitFor({ timeout: 20_000 });
    await chart.scrollIntoViewIfNeeded();
    const trend = await api(page, `/api/trend?from=${from}&to=${to}`);
    const shown = await rows(page);
    const scrolled = () => page.evaluate(() => [window.scrollX, window.scrollY]);
    const before = await scrolled();
    const unshaded = await shadeLine(page);
    // The last day, today, at the right, where a tooltip left to itself would run past the screen.
    const box = (await chart.boundingBox())!;
    await page.touchscreen.tap(box.x + box.width * 0.78, box.y + box.height * 0.6);
    await tip(page).waitFor({ state: 'visible', timeout: 10_000 });
    const lines = await tipLines(page);
    expect(lines[0]).toBe(shown[6][0].slice(0, shown[6][0].indexOf('：')));
    expect(lines.slice(1, 3)).toEqual([`新建：${trend.buckets[6].tickets.created}`, `已解决：${trend.buckets[6].tickets.resolved}`]);
    expect(lines[4]).toMatch(/^首次响应 p90：2分00秒，未超出目标（≤ 30分钟）$/);
    const tipBox = (await tip(page).boundingBox())!;
    expect(tipBox.x).toBeGreaterThanOrEqual(0);
    expect(tipBox.x + tipBox.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    expect(differing(await shadeLine(page), unshaded)).toBeGreaterThan(0);
    // A tap reads a day: the page stays where it was.
    expect(await scrolled()).toEqual(before);

    // Another day's tap moves the figures to it; a tap outside the chart hides them, as the mouse's leaving it does (they
    // stayed over the chart until the page was left).
    await page.touchscreen.tap(box.x + box.width * 0.2, box.y + box.height * 0.6);
    await expect.poll(async () => (await tipLines(page))[0]).not.toBe(lines[0]);
    const heading = (await page.locator('#trend-title').boundingBox())!;
    await page.touchscreen.tap(heading.x + 10, heading.y + heading.height / 2);
    await expect.poll(() => tip(page).isVisible()).toBe(false);
    // Nor is the day tapped left shaded, as no day is once the mouse has left.
    await page.touchscreen.tap(box.x + box.width * 0.78, box.y + box.height * 0.6);
    await tip(page).waitFor({ state: 'visible', timeout: 10_000 });
    await page.touchscreen.tap(heading.x + 10, heading.y + heading.height / 2);
    await expect.poll(() => tip(page).isVisible()).toBe(false);
    await expect.poll(async () => differing(await shadeLine(page), unshaded)).toBe(0);
    await page.context().close();
  });

  it('scrolls the page at a swipe that starts on the chart, and shows no day it only passed over', async () => {
    const page = await signedIn('en', { width: 390, height: 844 }, { hasTouch: true, isMobile: true });
    const { from, to } = range('last7');
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&lang=en`);
    const chart = page.locator('.trend .chart[data-trend="day"]');
    await chart.locator('canvas').waitFor({ timeout: 20_000 });
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    const top = await page.evaluate(() => window.scrollY);
    const unshaded = await shadeLine(page);
    // A finger put down on the chart and drawn up 150 px, as a phone's reader scrolls on (Playwright taps, but does not swipe).
    const touch = await page.context().newCDPSession(page);
    const [x, y] = [box.x + box.width * 0.5, box.y + box.height * 0.7];
    await touch.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
    for (let i = 1; i <= 10; i++) await touch.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y: y - 15 * i }] });
    await touch.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(top + 50);
    // The day under the finger when it came down was not chosen: no figures are left over the chart (they stayed).
    await page.waitForTimeout(300);
    expect(await tip(page).isVisible()).toBe(false);
    expect(differing(await shadeLine(page), unshaded)).toBe(0);
    // A tap after it reads a day as ever.
    const after = (await chart.boundingBox())!;
    await page.touchscreen.tap(after.x + after.width * 0.78, after.y + after.height * 0.6);
    await tip(page).waitFor({ state: 'visible', timeout: 10_000 });
    expect((await tipLines(page)).slice(1, 3)).toEqual(['Created: 2', 'Resolved: 1']);
    await page.context().close();
  });

  it('names an agent by name in its heading beside a channel, one without a name by id', async () => {
    const page = await signedIn();
    const { from, to } = range('last30');
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&agent=alice&channel=chat&lang=en`);
    await page.locator('.trend .chart[data-trend="day"] canvas').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('#trend-title').textContent()).toBe('Day by day · Alice Chen · Chat');
    const trend = await api(page, `/api/trend?from=${from}&to=${to}&agent=alice&channel=chat`);
    expect((await rows(page)).map((r) => Number(r[2]))).toEqual(trend.buckets.map((b: any) => b.tickets.resolved));

    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&agent=carol&channel=chat&lang=en`);
    await page.locator('.trend .chart[data-trend="day"] canvas').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('#trend-title').textContent()).toBe('Day by day · carol · Chat');
  });

  it('speaks Chinese and fits a phone', async () => {
    const page = await signedIn('zh-CN', { width: 390, height: 844 });
    const { from, to } = range('last7');
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&lang=zh-CN`);
    const chart = page.locator('.trend .chart[data-trend="day"]');
    await chart.waitFor({ timeout: 20_000 });
    expect(await page.locator('#trend-title').textContent()).toBe('按日趋势');
    expect(await page.locator('.trend .legend').textContent()).toContain('首次响应 p90');
    const shown = await rows(page);
    expect(shown[0][0]).toMatch(/^\d{1,2}月\d{1,2}日/);
    expect(shown.at(-1)![0]).toMatch(/：新建 2 单，解决 1 单；首次响应 p50 2分00秒，p90 2分00秒$/);
    expect(await chart.ariaSnapshot()).toMatch(/^- '?img "按日趋势，\d{1,2}月\d{1,2}日周.至\d{1,2}月\d{1,2}日周.：共新建 20 单，解决 \d+ 单。新建最多的一天是\d{1,2}月\d{1,2}日周.，共 6 单。/);
    // Nothing wider than the phone: the page does not scroll sideways for the chart.
    const box = await chart.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  });

  it("leaves callbacks out of the teams' and the agents' files under a channel, as the page says they are left out", async () => {
    const page = await signedIn();
    const { from, to } = range('last7');
    /** The header row of the file the export button at `button` saves. */
    const exported = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      return readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').split('\r\n');
    };
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&lang=en`);
    await page.locator('tr[data-team="payments"]').waitFor({ timeout: 20_000 });
    expect((await exported('section[aria-labelledby="teams-title"] button.export'))[0]).toContain('Callbacks on time (%),callbacks completed on time,callbacks completed,callbacks scheduled');

    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&channel=chat&lang=en`);
    await page.locator('.filters').waitFor({ timeout: 20_000 });
    await page.locator('tr[data-team="payments"]').waitFor({ timeout: 20_000 });
    const teams = await exported('section[aria-labelledby="teams-title"] button.export');
    expect(teams[0]).not.toMatch(/callback/i);
    expect(teams[0]).toMatch(/,CSAT \(%\),ratings$/);
    expect(teams.find((r) => r.startsWith('payments,'))!.split(',')).toHaveLength(teams[0].split(',').length);

    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&team=payments&lang=en`);
    await page.locator('tr[data-agent="alice"]').waitFor({ timeout: 20_000 });
    expect((await exported('section[aria-labelledby="agents-title"] button.export'))[0]).toMatch(/,callbacks completed on time,callbacks completed,callbacks scheduled$/);
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&team=payments&channel=chat&lang=en`);
    await page.locator('.filters').waitFor({ timeout: 20_000 });
    await page.locator('tr[data-agent="alice"]').waitFor({ timeout: 20_000 });
    const agents = await exported('section[aria-labelledby="agents-title"] button.export');
    expect(agents[0]).toMatch(/^Agent,Agent id,Status now,/);
    expect(agents[0]).not.toMatch(/callback/i);
    const alice = agents.find((r) => r.startsWith('Alice Chen,alice,'))!;
    expect(alice.split(',')).toHaveLength(agents[0].split(',').length);
  });
});

describe("The trend's colours, the page's theme's, and a phone's hint", () => {
  const pixelsOf = (page: Page, colours: string[]) => pixelsOfCanvas(page, '.trend .chart canvas', colours);

  it("draws its bars and axis text in the page's colours, and in a theme's once the page's change", async () => {
    const page = await signedIn();
    const { from, to } = range('last7');
    await page.goto(`${dashboard.url}/reports?from=${from}&to=${to}&lang=en`);
    await page.locator('.trend .chart[data-trend="day"] canvas').waitFor({ timeout: 20_000 });
    // As shipped: web/app.css's accent blue (tickets created), its green (resolved), its muted grey (the axes' text), its
    // amber (the p90's target line) and its panels' edge (the grid, which app.css has no property of its own for); the
    // axis line its faint grey, which the theme below leaves as it is.
    const shipped = ['#4da3ff', '#3ecf8e', '#8a98a8', '#f5b83d', '#1e2935'];
    const light = ['#1f5fbf', '#17804f', '#5b6776', '#b7791f', '#c8d0da'];
    const kept = ['#55657a'];
    const before = await pixelsOf(page, [...shipped, ...light, ...kept]);
    expect(before.filter((n) => n > 0)).toHaveLength(shipped.length + kept.length);
    expect(before.slice(shipped.length, shipped.length + light.length)).toEqual([0, 0, 0, 0, 0]);
    // A light theme sets the page's properties: the canvas follows them, bars, text, target line and grid alike, none of
    // the colours it drew before left; the property the theme leaves unset keeps its colour.
    await page.evaluate((colours) => {
      const root = document.documentElement.style;
      for (const [i, name] of ['--accent', '--ok', '--muted', '--warn', '--panel-edge'].entries()) root.setProperty(name, colours[i]);
      for (const [name, value] of [['--bg', '#fafbfc'], ['--panel', '#ffffff'], ['--text', '#17202b']]) root.setProperty(name, value);
    }, light);
    await expect.poll(() => pixelsOf(page, shipped)).toEqual([0, 0, 0, 0, 0]);
    expect((await pixelsOf(page, [...light, ...kept])).filter((n) => n > 0)).toHaveLength(light.length + kept.length);
    // The legend's marks beside it with them.
    expect(await page.locator('.trend .legend i.bar').first().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(31, 95, 191)');
  });

  it("says under the chart on a phone that a tap shows a day's figures, in both languages, and not on a desktop", async () => {
    const hint = (page: Page) => page.locator('.trend p.tap');
    const week = range('last7');
    for (const [lang, text] of [['en', 'Tap a day to see its figures.'], ['zh-CN', '轻点某一天，查看当天的数据。']]) {
      const page = await signedIn(lang, { width: 390, height: 844 }, { hasTouch: true, isMobile: true });
      await page.goto(`${dashboard.url}/reports?from=${week.from}&to=${week.to}&lang=${lang}`);
      const chart = page.locator('.trend .chart[data-trend="day"]');
      await chart.locator('canvas').waitFor({ timeout: 20_000 });
      await expect.poll(() => hint(page).count()).toBe(1);
      await hint(page).scrollIntoViewIfNeeded();
      expect(await hint(page).isVisible()).toBe(true);
      expect(await hint(page).textContent()).toBe(text);
      // Under the chart, inside the phone's width.
      const [box, under] = [(await chart.boundingBox())!, (await hint(page).boundingBox())!];
      expect(under.y).toBeGreaterThanOrEqual(box.y + box.height);
      expect(under.x + under.width).toBeLessThanOrEqual(390);
      await page.context().close();
    }
    // Today, hour by hour: an hour is tapped.
    const today = range('today');
    const phone = await signedIn('zh-CN', { width: 390, height: 844 }, { hasTouch: true, isMobile: true });
    await phone.goto(`${dashboard.url}/reports?from=${today.from}&to=${today.to}&lang=zh-CN`);
    await phone.locator('.trend .chart[data-trend="hour"] canvas').waitFor({ timeout: 20_000 });
    expect(await hint(phone).textContent()).toBe('轻点某个小时，查看该小时的数据。');
    await phone.context().close();

    // A desktop's pointer shows the figures as it passes: no such line there.
    const page = await signedIn();
    await page.goto(`${dashboard.url}/reports?from=${week.from}&to=${week.to}&lang=en`);
    await page.locator('.trend .chart[data-trend="day"] canvas').waitFor({ timeout: 20_000 });
    expect(await hint(page).count()).toBe(0);
    expect(await page.locator('.trend').textContent()).not.toContain('Tap');
    await page.context().close();
  });
});
