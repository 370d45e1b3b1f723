// The wall's agents page, read from across the room: every agent's name is shown whole (nobody can touch a wall
// to read the rest of "Alexandra Montgomery-W…", and two names that begin alike could not be told apart), in three
// columns on a TV at 1080p and 4K, in English and Chinese, and the page still fits the screen.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { requireCjkFont } from '../helpers/browser';
import { useDashboard } from '../helpers/dashboard';

const MIN = 60_000;
const TEAMS = ['payments', 'wallet', 'risk'];
const STATUSES = ['available', 'busy', 'away', 'offline'] as const;
/** Long Latin names, two that begin alike, and short Chinese ones, among 40 agents: three columns on a TV. */
const LONG = ['Alexandra Montgomery-Whitfield', 'Alexandra Montgomery-Wilson', 'Maximiliano Castellanos-Villanueva', 'Bartholomew Fitzgerald-Oyelaran'];
const NAMES = [...LONG, '王芳', '欧阳娜娜', 'Li Wei', 'Sophia Yap', 'Rachel Goh'];

function floor(now: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let a = 0; a < 40; a++) {
    const agent = `agent.${a}`;
    const team = TEAMS[a % TEAMS.length];
    const name = NAMES[a] ?? `Agent Nr ${a}`;
    // "9h 59m" in status: the widest time the status column shows, next to the names.
    const since = now - (a % 2 === 0 ? 599 * MIN : 5 * MIN);
    out.push({ id: `st-${a}`, type: 'agent.status', at: since, agent, name, team, status: STATUSES[a % STATUSES.length] });
    const ticket = `T-${a}`;
    const t0 = now - 12 * MIN;
    out.push(
      { id: `${ticket}-c`, type: 'ticket.created', at: t0, ticket, channel: 'chat', team, category: 'refund' },
      { id: `${ticket}-a`, type: 'ticket.assigned', at: t0, ticket, agent, team },
      { id: `${ticket}-r`, type: 'ticket.replied', at: t0 + 9 * MIN + 30_000, ticket, agent },
      { id: `${ticket}-s`, type: 'ticket.resolved', at: now - MIN, ticket, agent }
    );
  }
  return out;
}

const dashboard = useDashboard({ seed: (dashboard) => dashboard.send(floor(Date.now())) });

/**
 * Each name as a person reads it, with "(cut)" after it where its text overflows its box (an ellipsis), or its
 * text, or its team's under it, runs outside its row (which clips it).
 */
const shownNames = (page: Page): Promise<string[]> =>
  page.$$eval('.board .row[data-agent]', (rows) => {
    const range = document.createRange();
    return rows.map((row) => {
      const name = row.querySelector('.name') as HTMLElement;
      const box = row.getBoundingClientRect();
      const cut = [...name.parentElement!.children].some((part) => {
        range.selectNodeContents(part);
        const text = range.getBoundingClientRect();
        const own = part.getBoundingClientRect();
        // A Chinese face's glyph boxes stand a little above and below its lines: a quarter of a line is no line lost.
        const slack = parseFloat(getComputedStyle(part).fontSize) / 4;
        return (
          part.scrollWidth > part.clientWidth + 1 ||
          part.scrollHeight > part.clientHeight + slack ||
          text.left < own.left - 0.5 ||
          text.right > own.right + 0.5 ||
          text.top < box.top - slack ||
          text.bottom > box.bottom + slack
        );
      });
      return `${name.textContent}${cut ? ' (cut)' : ''}`;
    });
  });

describe('the agents names on the wall', () => {
  for (const size of [
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 }
  ])
    for (const lang of ['en', 'zh-CN'] as const)
      it(`shows every name whole at ${size.width}×${size.height} in ${lang}, in three columns, without scrolling`, async () => {
        if (lang === 'zh-CN') requireCjkFont();
        const page = await dashboard.openWall(`page=agents&lang=${lang}`, { viewport: size });
        await page.waitForFunction(() => document.querySelectorAll('.board .row[data-agent]').length === 40, null, { timeout: 15_000 });
        expect(await page.$$eval('.board .column', (all) => all.length)).toBe(3);
        const names = await shownNames(page);
        expect(names.filter((name) => name.endsWith('(cut)'))).toEqual([]);
        expect(names).toEqual(expect.arrayContaining(NAMES));
        // The page fits the screen: nothing to scroll, and the last row of every column inside the board.
        const fits = await page.evaluate(() => {
          const doc = document.scrollingElement!;
          const board = document.querySelector('.board')!.getBoundingClientRect();
          const rows = [...document.querySelectorAll('.board .row[data-agent]')].map((row) => row.getBoundingClientRect());
          return {
            scrolls: doc.scrollHeight > innerHeight || doc.scrollWidth > innerWidth,
            outside: rows.filter((row) => row.bottom > board.bottom + 0.5 || row.right > board.right + 0.5).length
          };
        });
        expect(fits).toEqual({ scrolls: false, outside: 0 });
        await page.close();
      });
});

describe('the long names on the wall, read across the room', () => {
  for (const size of [
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 }
  ])
    for (const lang of ['en', 'zh-CN'] as const)
      it(`draws a name on two lines at ${size.width}×${size.height} in ${lang} at least 0.8 of the size of a name on one line, its team after it`, async () => {
        if (lang === 'zh-CN') requireCjkFont();
        const page = await dashboard.openWall(`page=agents&lang=${lang}`, { viewport: size });
        await page.waitForFunction(() => document.querySelectorAll('.board .row[data-agent]').length === 40, null, { timeout: 15_000 });
        const sizes = await page.$$eval('.board .row[data-agent] .name', (all) =>
          Object.fromEntries(all.map((name) => [name.textContent!, parseFloat(getComputedStyle(name).fontSize)]))
        );
        // "Li Wei" on one line; the long names on two, each beside its team: they were drawn at 0.6 of its size, 13.5 px at
        // 1080p, the team's own line under them leaving two lines too little of the row.
        const oneLine = sizes['Li Wei'];
        const smallest = Math.min(...LONG.map((name) => sizes[name]));
        expect(smallest / oneLine).toBeGreaterThanOrEqual(0.8);
        // A 1080p wall's names no smaller than 17 px (a 4K one's 34 px), and still whole, in three columns, on one screen.
        expect(smallest).toBeGreaterThanOrEqual((17 * size.width) / 1920);
        expect((await shownNames(page)).filter((name) => name.endsWith('(cut)'))).toEqual([]);
        expect(await page.$$eval('.board .column', (all) => all.length)).toBe(3);
        expect(await page.evaluate(() => document.scrollingElement!.scrollHeight > innerHeight)).toBe(false);
        await page.close();
      });
});

describe("the long names on a team's wall, where the board's width is what bounds its text", () => {
  it('draws a long name on two lines at 17 px or more at 1080p (34 at 4K) and at least 0.7 of a name on one line, in en and zh-CN', async () => {
    // A team of 30: three columns of 10 rows, tall enough that the columns' width, not the rows', sizes the board's text.
    const now = Date.now();
    const names = [...LONG, ...Array.from({ length: 26 }, (_, i) => `Crew ${i}`)];
    await dashboard.send(names.map((name, i) => ({ id: `crew-st-${i}`, type: 'agent.status', at: now - 5 * MIN, agent: `crew.${i}`, name, team: 'crew', status: 'available' })));
    for (const [size, lang] of [
      [{ width: 1920, height: 1080 }, 'en'],
      [{ width: 1920, height: 1080 }, 'zh-CN'],
      [{ width: 3840, height: 2160 }, 'en']
    ] as const) {
      const page = await dashboard.openWall(`page=agents&lang=${lang}&team=crew`, { viewport: size });
      await page.waitForFunction(() => document.querySelectorAll('.board .row[data-agent]').length === 30, null, { timeout: 15_000 });
      expect(await page.$$eval('.board .column', (all) => all.length)).toBe(3);
      const sizes = await page.$$eval('.board .row[data-agent] .name', (all) =>
        Object.fromEntries(all.map((name) => [name.textContent!, parseFloat(getComputedStyle(name).fontSize)]))
      );
      // They were drawn at about half the size of "Crew 1" (14 px against 27 at 1080p). A long name is sized in its own
      // row (agents-board.test.ts: the short names are not made smaller for it): 0.75 of "Crew 1" here, 20 px at 1080p,
      // and never below the wall's 17 px (34 px at 4K).
      expect(Math.min(...LONG.map((name) => sizes[name])) / sizes['Crew 1']).toBeGreaterThanOrEqual(0.7);
      expect(Math.min(...LONG.map((name) => sizes[name]))).toBeGreaterThanOrEqual((17 * size.width) / 1920);
      expect((await shownNames(page)).filter((name) => name.endsWith('(cut)'))).toEqual([]);
      expect(await page.evaluate(() => document.scrollingElement!.scrollHeight > innerHeight)).toBe(false);
      await page.close();
    }
  });
});
