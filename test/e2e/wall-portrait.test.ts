// The wall on a phone or a tablet, held upright or on its side, as a manager checks the floor away from the TV: text
// that can be read, tiles and charts with room, nothing off the side of the screen, every page reachable.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireCjkFont } from '../helpers/browser';
import { useDashboard } from '../helpers/dashboard';

const MIN = 60_000;

beforeAll(requireCjkFont);
const dashboard = useDashboard({
  seed: async (dashboard) => {
    const now = Date.now();
    await dashboard.send([
      { id: 'p-st', type: 'agent.status', at: now - 30 * MIN, agent: 'li.wei', name: 'Li Wei', team: 'wallet', status: 'available' },
      { id: 'p-1', type: 'ticket.created', at: now - 20 * MIN, ticket: 'P-1', channel: 'chat', team: 'wallet' },
      { id: 'p-2', type: 'ticket.replied', at: now - 19 * MIN, ticket: 'P-1', agent: 'li.wei' },
      { id: 'p-cb', type: 'callback.scheduled', at: now - 10 * MIN, callback: 'PCB-1', reason: 'pre_approval', due: now + 30 * MIN, agent: 'li.wei', team: 'wallet' }
    ]);
  }
});

const px = (page: Page, selector: string) => page.$$eval(selector, (all) => all.map((el) => parseFloat(getComputedStyle(el).fontSize)));

/** A new page of `size` on the wall (`query` after its token), once it shows a tile. */
const open = (size: { width: number; height: number }, query: string): Promise<Page> => dashboard.openWall(query, { viewport: size, waitFor: '[data-kpi]' });

/** No tile's figure taller than the room its tile leaves it, which drew it over the lines under it. */
async function expectFiguresClear(page: Page): Promise<void> {
  const overflowing = await page.$$eval('article[data-kpi] .value', (all) =>
    all.filter((value) => value.scrollHeight > value.clientHeight + 1).map((value) => value.closest('article')!.dataset.kpi)
  );
  expect(overflowing).toEqual([]);
}

/** Whether any two of the boxes overlap. */
const overlapping = (boxes: { x: number; y: number; width: number; height: number }[]) =>
  boxes.some((a, i) => boxes.slice(i + 1).some((b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height));

describe('the wall on a phone or a tablet', () => {
  for (const size of [
    { width: 390, height: 844 },
    { width: 768, height: 1024 },
    // The phone turned on its side.
    { width: 844, height: 390 },
    // The tablet turned on its side: a fitted wall there had 9 px titles and 8.7 px small print.
    { width: 1024, height: 768 }
  ])
    for (const lang of ['en', 'zh-CN'])
      it(`at ${size.width}×${size.height} in ${lang}, shows text of a readable size, charts with room, and nothing off the side`, async () => {
        const page = await open(size, `lang=${lang}`);
        // The tiles' names and their small print, the tabs and the time: 12 px and 10 px at least (they were 4–5 px on a phone).
        for (const size of [...(await px(page, 'article[data-kpi] h2')), ...(await px(page, 'header nav a')), ...(await px(page, '[data-testid="as-of"]'))])
          expect(size).toBeGreaterThanOrEqual(12);
        for (const size of await px(page, 'article[data-kpi] footer')) expect(size).toBeGreaterThanOrEqual(10);
        // The header's brand, tabs and time side by side or on rows of their own, never over each other, all on screen.
        const header = await Promise.all(['header .name', 'header nav', 'header .as-of'].map((s) => page.locator(s).boundingBox()));
        expect(overlapping(header.map((b) => b!))).toBe(false);
        for (const box of header) expect(box!.x + box!.width).toBeLessThanOrEqual(size.width);
        // Each tile is on screen's width and tall enough for its figure; each chart has room to be read.
        const tiles = await page.$$eval('article[data-kpi]', (all) => all.map((t) => t.getBoundingClientRect().toJSON() as DOMRect));
        expect(tiles.length).toBeGreaterThanOrEqual(14);
        for (const tile of tiles) {
          expect(tile.x).toBeGreaterThanOrEqual(0);
          expect(tile.right).toBeLessThanOrEqual(size.width);
          expect(tile.height).toBeGreaterThanOrEqual(100);
        }
        expect(overlapping(tiles)).toBe(false);
        await expectFiguresClear(page);
        const charts = await page.$$eval('.chart', (all) => all.map((c) => c.getBoundingClientRect().toJSON() as DOMRect));
        expect(charts).toHaveLength(3);
        for (const chart of charts) {
          expect(chart.height).toBeGreaterThanOrEqual(200);
          expect(chart.width).toBeGreaterThanOrEqual(size.width * 0.8);
        }
        expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth)).toBe(true);

        // The agents board and the callbacks page, from the tabs: their rows as readable as the tiles.
        await page.click('header nav a[href*="page=agents"]');
        await page.waitForSelector('.row[data-agent="li.wei"]');
        for (const size of await px(page, '.row[data-agent] .name')) expect(size).toBeGreaterThanOrEqual(12);
        // The count of each status and its name, each clear of the others.
        const counts = await page.$$eval('[data-kpi^="agents."] > span', (all) => all.map((span) => span.getBoundingClientRect().toJSON() as DOMRect));
        expect(overlapping(counts)).toBe(false);
        const bar = await page.locator('.agents .bar').boundingBox();
        for (const count of counts) expect(count.bottom).toBeLessThanOrEqual(bar!.y);
        const row = await page.locator('.row[data-agent="li.wei"]').boundingBox();
        expect(row!.x + row!.width).toBeLessThanOrEqual(size.width);
        // A list shorter than the screen: the status tile, the board right under it, and the board down to the foot of
        // the screen, as on the wall (at 1024×768 it ended a row below Li Wei, over an empty half screen).
        const [view, status, board] = await Promise.all(['main', '.agents > .status', '.agents > .panel'].map((s) => page.locator(s).boundingBox()));
        expect(board!.y - (status!.y + status!.height)).toBeLessThanOrEqual(12);
        expect(board!.y + board!.height).toBeGreaterThanOrEqual(view!.y + view!.height - 1);
        await page.click('header nav a[href*="page=callbacks"]');
        await page.waitForSelector('.line[data-agent="li.wei"]');
        for (const size of await px(page, '.line[data-agent]')) expect(size).toBeGreaterThanOrEqual(12);
        await expectFiguresClear(page);
        expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth)).toBe(true);
        await page.close();
      });

  for (const lang of ['en', 'zh-CN'])
    it(`shows every heading and figure of the callbacks board whole on a phone held upright (390×844) in ${lang}`, async () => {
      // The widest figures: ten of everything, all on time (100%).
      const now = Date.now();
      const done = Array.from({ length: 10 }, (_, n) => [
        { id: `w-s-${n}`, type: 'callback.scheduled', at: now - 20 * MIN, callback: `WCB-${n}`, reason: 'other', due: now + 30 * MIN, agent: 'wu.fang', team: 'wallet' },
        { id: `w-a-${n}`, type: 'callback.attempted', at: now - 5 * MIN, callback: `WCB-${n}`, agent: 'wu.fang', result: 'connected' },
        { id: `w-c-${n}`, type: 'callback.completed', at: now - 4 * MIN, callback: `WCB-${n}`, outcome: 'confirmed', agent: 'wu.fang' }
      ]).flat();
      await dashboard.send(done);
      const page = await open({ width: 390, height: 844 }, `lang=${lang}&page=callbacks`);
      await page.waitForSelector('.line[data-agent="wu.fang"]', { timeout: 15_000 });
      // Each heading's and each figure's text inside its own box, and that box inside its table's: "Sche…", "On ti…" and "10…" were cut.
      const cut = await page.$$eval('[role=table] [role=columnheader], [role=table] [role=cell]:not(.name)', (all) => {
        const range = document.createRange();
        return all
          .filter((el) => {
            range.selectNodeContents(el);
            const text = range.getBoundingClientRect();
            const box = el.getBoundingClientRect();
            const table = el.closest('[role=table]')!.getBoundingClientRect();
            return text.left < box.left - 0.5 || text.right > box.right + 0.5 || box.left < table.left - 0.5 || box.right > table.right + 0.5;
          })
          .map((el) => el.textContent);
      });
      expect(cut).toEqual([]);
      expect(await page.locator('[role=table] [role=columnheader]').count()).toBe(7);
      for (const size of await px(page, '[role=table] [role=columnheader]')) expect(size).toBeGreaterThanOrEqual(10);
      expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth)).toBe(true);
      await page.close();
    });

  // A TV's shape (16:9) is a wall's at any size: a small one (signage at 960×540 CSS pixels) keeps the fitted wall.
  it('keeps the fitted wall, all in view without scrolling, on a small 16:9 screen (960×540)', async () => {
    const page = await open({ width: 960, height: 540 }, 'lang=en');
    const boxes = await page.$$eval('article[data-kpi], .chart', (all) => all.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes.length).toBeGreaterThanOrEqual(17);
    for (const box of boxes) expect(box.bottom).toBeLessThanOrEqual(540);
    await page.close();
  });

  // A TV mounted upright is read from across the room and never scrolled: its text grows with its screen, as a wall's.
  it('gives a 4K TV mounted upright (2160×3840) text as large as a TV on its side, all in view without scrolling', async () => {
    const landscape = await open({ width: 1920, height: 1080 }, 'lang=en');
    const wide = Math.min(...(await px(landscape, 'article[data-kpi] h2')));
    await landscape.close();
    const page = await open({ width: 2160, height: 3840 }, 'lang=en');
    for (const size of await px(page, 'article[data-kpi] h2')) expect(size).toBeGreaterThanOrEqual(wide);
    const boxes = await page.$$eval('article[data-kpi], .chart', (all) => all.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes.length).toBeGreaterThanOrEqual(17);
    for (const box of boxes) expect(box.bottom).toBeLessThanOrEqual(3840);
    await page.close();
  });

  // Last: its agents would be on the boards the tests above read.
  it('lists every agent of a floor of 36 on a phone, one to a row, in text as readable as a small floor\'s', async () => {
    const now = Date.now();
    const statuses = ['available', 'busy', 'away', 'offline'];
    const floor = Array.from({ length: 36 }, (_, a) => ({
      id: `big-${a}`,
      type: 'agent.status',
      at: now - (a + 1) * MIN,
      agent: `big.${a}`,
      name: `Agent Nr ${a}`,
      team: 'big',
      status: statuses[a % 4]
    }));
    await dashboard.send(floor);
    const page = await dashboard.openWall('lang=en&team=big&page=agents', { viewport: { width: 390, height: 844 } });
    await page.waitForSelector('.row[data-agent]', { timeout: 15_000 });
    // Three columns of twelve on a TV; on a phone those were 5 px text in columns 110 px wide.
    expect(await page.locator('.row[data-agent]').count()).toBe(36);
    expect(await page.locator('.more').count()).toBe(0);
    for (const size of await px(page, '.row[data-agent] .name')) expect(size).toBeGreaterThanOrEqual(12);
    const rows = await page.$$eval('.row[data-agent]', (all) => all.map((row) => row.getBoundingClientRect().toJSON() as DOMRect));
    for (const row of rows) {
      expect(row.width).toBeGreaterThanOrEqual(300);
      expect(row.height).toBeGreaterThanOrEqual(30);
    }
    expect(overlapping(rows)).toBe(false);
    // The last is reached by scrolling.
    await page.locator('.row[data-agent]').last().scrollIntoViewIfNeeded();
    const last = await page.locator('.row[data-agent]').last().boundingBox();
    expect(last!.y + last!.height).toBeLessThanOrEqual(844);
    expect(last!.y).toBeGreaterThanOrEqual(0);
    await page.close();
  });
});

describe("the overview on a TV mounted upright", () => {
  for (const lang of ['en', 'zh-CN'] as const)
    it(`lays out its tiles and charts for the screen's height at 1080×1920 in ${lang}: text as large as on the TV on its side, nothing cut or scrolled`, async () => {
      const page = await open({ width: 1080, height: 1920 }, `lang=${lang}`);
      await page.waitForSelector('.chart canvas', { timeout: 15_000 });
      const seen = await page.evaluate(() => {
        const article = (kpi: string) => document.querySelector(`article[data-kpi="${kpi}"]`)!;
        const small = [...document.querySelectorAll('article[data-kpi] *')]
          .filter((el) => el.children.length === 0 && el.textContent!.trim())
          .map((el) => parseFloat(getComputedStyle(el).fontSize));
        const titles = [...document.querySelectorAll('article[data-kpi] h2, article[data-kpi] .frame-title')].filter((el) => el.scrollWidth > el.clientWidth + 1).length;
        const charts = [...document.querySelectorAll('.chart canvas')].map((c) => c.getBoundingClientRect().height);
        const doc = document.scrollingElement!;
        return {
          smallest: Math.min(...small),
          cutTitles: titles,
          shortestChart: Math.min(...charts),
          tileWidth: article('backlog.open').getBoundingClientRect().width,
          scrolls: doc.scrollHeight > innerHeight || doc.scrollWidth > innerWidth
        };
      });
      // Eight tiles across 1080 px (130 px each) in a 1080 px wide screen's unit: their small print was 9 px, where the
      // same wall on its side draws 16 px.
      expect(seen.smallest).toBeGreaterThanOrEqual(14);
      expect(seen.tileWidth).toBeGreaterThanOrEqual(200);
      expect(seen.cutTitles).toBe(0);
      expect(seen.shortestChart).toBeGreaterThanOrEqual(160);
      expect(seen.scrolls).toBe(false);
      await expectFiguresClear(page);
      await page.close();
    });
});

describe("the overview's charts on a TV mounted upright", () => {
  it('gives each chart the height the screen has at 1080×1920, its tiles whole above them', async () => {
    const page = await open({ width: 1080, height: 1920 }, 'lang=en');
    await page.waitForSelector('.chart canvas', { timeout: 15_000 });
    const seen = await page.evaluate(() => {
      const box = (el: Element) => el.getBoundingClientRect();
      const clipped = (el: Element) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
      return {
        charts: [...document.querySelectorAll('.chart')].map((chart) => ({ width: box(chart).width, height: box(chart).height })),
        // A chart's title and legend inside its panel, and each tile's small print and title whole and clear of its figure.
        headings: [...document.querySelectorAll('.chart')].filter((chart) => {
          const panel = box(chart.parentElement!);
          return [...chart.parentElement!.querySelectorAll('header *')].some((el) => box(el).right > panel.right + 0.5 || box(el).bottom > box(chart).top + 0.5);
        }).length,
        tiles: [...document.querySelectorAll<HTMLElement>('article[data-kpi]')]
          .filter((tile) => {
            const [title, value, footer] = ['h2', '.value', 'footer'].map((s) => tile.querySelector(s));
            return (footer && clipped(footer)) || (value && box(title!).bottom > box(value).top + 0.5) || box(tile).bottom > box(tile.closest('.overview')!).bottom + 0.5;
          })
          .map((tile) => tile.dataset.kpi),
        scrolls: document.scrollingElement!.scrollHeight > innerHeight
      };
    });
    // One chart a row, 1012 px wide: they were 169 px tall (6:1), strips under tiles with room to spare above their figures.
    expect(seen.charts).toHaveLength(3);
    for (const chart of seen.charts) expect(chart.height).toBeGreaterThanOrEqual(chart.width / 4.5);
    expect(seen.headings).toBe(0);
    expect(seen.tiles).toEqual([]);
    expect(seen.scrolls).toBe(false);
    await expectFiguresClear(page);
    await page.close();
  });
});

describe('the callbacks page on a TV mounted upright', () => {
  for (const lang of ['en', 'zh-CN'] as const)
    it(`draws its board and tiles in the unit of the screen's height at 1080×1920 in ${lang}, nothing cut or scrolled`, async () => {
      const page = await open({ width: 1080, height: 1920 }, `lang=${lang}&page=callbacks`);
      await page.waitForSelector('.line[data-agent]', { timeout: 15_000 });
      const seen = await page.evaluate(() => {
        const doc = document.scrollingElement!;
        const cells = [...document.querySelectorAll('.line span, article[data-kpi] .frame-title')];
        return {
          board: parseFloat(getComputedStyle(document.querySelector('.line[data-agent] .name')!).fontSize),
          smallest: Math.min(...[...document.querySelectorAll('article[data-kpi] *')].filter((el) => el.children.length === 0 && el.textContent!.trim()).map((el) => parseFloat(getComputedStyle(el).fontSize))),
          cut: cells.filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent),
          scrolls: doc.scrollHeight > innerHeight || doc.scrollWidth > innerWidth
        };
      });
      // The board's names were 12 px and the tiles' small print 9 px, in a 1080 px wide screen's unit.
      expect(seen.board).toBeGreaterThanOrEqual(20);
      expect(seen.smallest).toBeGreaterThanOrEqual(14);
      expect(seen.cut).toEqual([]);
      expect(seen.scrolls).toBe(false);
      await expectFiguresClear(page);
      await page.close();
    });
});

describe("the wall's header on a TV mounted upright", () => {
  for (const lang of ['en', 'zh-CN'] as const)
    it(`says the age of its figures in larger text than a 1080 px wide screen's, at 1080×1920 in ${lang}, the header whole`, async () => {
      const page = await open({ width: 1080, height: 1920 }, `lang=${lang}&team=wallet`);
      const seen = await page.evaluate(() => {
        const header = document.querySelector('.as-of')!.parentElement!;
        const parts = [...header.children].map((el) => el.getBoundingClientRect());
        return {
          asOf: parseFloat(getComputedStyle(document.querySelector('.as-of')!).fontSize),
          overlap: parts.some((a, i) => parts.slice(i + 1).some((b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom && b.top < a.bottom)),
          outside: parts.some((r) => r.left < 0 || r.right > innerWidth + 0.5),
          cut: [...header.querySelectorAll('*')].filter((el) => el.children.length === 0 && el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent),
          scrolls: document.scrollingElement!.scrollWidth > innerWidth || document.scrollingElement!.scrollHeight > innerHeight
        };
      });
      // "as of 15:42:18" was 15 px on a 1080 px wide screen, 27 px on the TV on its side.
      expect(seen.asOf).toBeGreaterThanOrEqual(20);
      expect(seen).toMatchObject({ overlap: false, outside: false, scrolls: false, cut: [] });
      await page.close();
    });
});

// Last: its agents are in the callback funnel of their own team, which the boards above do not filter by.
describe('the callbacks board on a TV mounted upright', () => {
  it('lists as many agents a table as its height holds at 1080×1920 (all 20 of a funnel, more than 8 a table), every row whole, its text as large', async () => {
    const now = Date.now();
    const funnel = Array.from({ length: 20 }, (_, a) => [
      { id: `f-st-${a}`, type: 'agent.status', at: now - 40 * MIN, agent: `funnel.${a}`, name: `Funnel Agent ${a}`, team: 'funnel', status: 'available' },
      { id: `f-s-${a}`, type: 'callback.scheduled', at: now - 30 * MIN, callback: `FCB-${a}`, reason: 'other', due: now + 30 * MIN, agent: `funnel.${a}`, team: 'funnel' },
      { id: `f-a-${a}`, type: 'callback.attempted', at: now - (20 - a / 2) * MIN, callback: `FCB-${a}`, agent: `funnel.${a}`, result: 'connected' }
    ]).flat();
    await dashboard.send(funnel);
    const page = await open({ width: 1080, height: 1920 }, 'lang=en&team=funnel&page=callbacks');
    await expect.poll(() => page.locator('.line[data-agent]').count(), { timeout: 15_000 }).toBeGreaterThan(8);
    const seen = await page.evaluate(() => {
      const panel = document.querySelector('.tables')!.closest('section')!.getBoundingClientRect();
      const font = parseFloat(getComputedStyle(document.querySelector('.line[data-agent] .name')!).fontSize);
      const lines = [...document.querySelectorAll<HTMLElement>('.line[data-agent]')];
      const cut = lines
        .filter((line) => {
          const box = line.getBoundingClientRect();
          const table = line.closest('[role=table]')!.getBoundingClientRect();
          const clipped = [...line.children].some((cell) => cell.scrollWidth > cell.clientWidth + 1 || cell.scrollHeight > cell.clientHeight + 1);
          return clipped || box.bottom > table.bottom + 0.5 || box.bottom > panel.bottom + 0.5 || box.height < font * 1.3;
        })
        .map((line) => line.dataset.agent);
      return {
        font,
        perTable: [...document.querySelectorAll('[role=table]')].map((table) => table.querySelectorAll('.line[data-agent]').length),
        more: document.querySelector('.more')?.textContent ?? null,
        cut,
        scrolls: document.scrollingElement!.scrollHeight > innerHeight
      };
    });
    // Eight a table were 16 of the 20, in rows 45 px tall over a board with room for more.
    expect(Math.max(...seen.perTable)).toBeGreaterThan(8);
    expect(seen.perTable.reduce((a, b) => a + b, 0)).toBe(20);
    expect(seen.more).toBeNull();
    expect(seen.cut).toEqual([]);
    expect(seen.font).toBeGreaterThanOrEqual(20);
    expect(seen.scrolls).toBe(false);
    await page.close();
  });
});
