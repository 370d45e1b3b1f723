// The wall on a small TV (1280×720) or at 150 % browser zoom on a 1080p one (the same 1280×720 CSS pixels): no text
// smaller than the smallest a 1080p wall draws (14 px), which a supervisor reads across the room, nothing cut.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { requireCjkFont } from '../helpers/browser';
import { useDashboard } from '../helpers/dashboard';

const MIN = 60_000;
/** The smallest text on the wall at 1080p: the agents board's small print (14.6 px with fifteen rows a column; 15.6 px with 13). */
const FLOOR = 14;

const dashboard = useDashboard({
  seed: async (dashboard) => {
    const now = Date.now();
    const events = Array.from({ length: 6 }, (_, a) => {
      const agent = `legible.${a}`;
      const team = a % 2 ? 'wallet' : 'payments';
      const ticket = `L-${a}`;
      const callback = `LCB-${a}`;
      return [
        { id: `l-st-${a}`, type: 'agent.status', at: now - 50 * MIN, agent, name: `Agent Nr ${a}`, team, status: ['available', 'busy', 'away'][a % 3] },
        { id: `l-c-${a}`, type: 'ticket.created', at: now - 40 * MIN, ticket, channel: 'chat', team },
        { id: `l-a-${a}`, type: 'ticket.assigned', at: now - 40 * MIN, ticket, agent, team },
        { id: `l-r-${a}`, type: 'ticket.replied', at: now - (38 - a) * MIN, ticket, agent },
        { id: `l-s-${a}`, type: 'ticket.resolved', at: now - 20 * MIN, ticket, agent },
        { id: `l-q-${a}`, type: 'ticket.rated', at: now - 10 * MIN, ticket, score: 3 + (a % 3) },
        { id: `l-cs-${a}`, type: 'callback.scheduled', at: now - 30 * MIN, callback, reason: 'other', due: now - 5 * MIN, agent, team },
        { id: `l-ca-${a}`, type: 'callback.attempted', at: now - 15 * MIN, callback, agent, result: 'connected' },
        { id: `l-cc-${a}`, type: 'callback.completed', at: now - 14 * MIN, callback, outcome: 'confirmed', agent }
      ];
    }).flat();
    await dashboard.send(events);
  }
});

/** The visible text smaller than FLOOR on the page, each as "size text", and what is cut or scrolls. */
const measure = (page: Page) =>
  page.evaluate((floor) => {
    const texts = [...document.querySelectorAll<HTMLElement>('body *')].filter((el) => {
      if (![...el.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent!.trim())) return false;
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility === 'visible';
    });
    const size = (el: Element) => parseFloat(getComputedStyle(el).fontSize);
    return {
      small: texts.filter((el) => size(el) < floor - 0.05).map((el) => `${size(el).toFixed(1)} ${el.textContent!.trim().slice(0, 24)}`),
      // Text a box ends with an ellipsis, or leaves out of its tile or panel.
      cut: texts
        .filter((el) => {
          const frame = el.closest('.frame')?.getBoundingClientRect();
          const box = el.getBoundingClientRect();
          const ellipsis = getComputedStyle(el).textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1;
          return ellipsis || (frame && (box.bottom > frame.bottom + 0.5 || box.right > frame.right + 0.5));
        })
        .map((el) => el.textContent!.trim().slice(0, 24)),
      // A tile's figure taller than the room its tile leaves it, as the tiles' small print takes more.
      figures: [...document.querySelectorAll<HTMLElement>('article[data-kpi]')]
        .filter((tile) => {
          const value = tile.querySelector('.value')!;
          return value.scrollHeight > value.clientHeight + 1;
        })
        .map((tile) => `${tile.dataset.kpi} ${tile.querySelector('.value')!.scrollHeight}/${tile.querySelector('.value')!.clientHeight}`),
      scrolls: document.scrollingElement!.scrollHeight > innerHeight || document.scrollingElement!.scrollWidth > innerWidth
    };
  }, FLOOR);

const PAGES = [
  ['overview', '.chart canvas'],
  ['agents', '.row[data-agent]'],
  ['callbacks', '.line[data-agent]']
] as const;

describe('the wall at 1280×720 (a small TV, or 150 % zoom on a 1080p one)', () => {
  for (const lang of ['en', 'zh-CN'])
    for (const [name, ready] of PAGES)
      it(`draws no text of its ${name} page under ${FLOOR} px in ${lang}, none of it cut and nothing scrolled`, async () => {
        if (lang === 'zh-CN') requireCjkFont();
        const page = await dashboard.openWall(`lang=${lang}&page=${name}`, { viewport: { width: 1280, height: 720 }, waitFor: ready });
        const seen = await measure(page);
        // The tiles' small print, the tabs, the legends and the boards' headings and team medians were 10.4–13.4 px.
        expect(seen.small).toEqual([]);
        expect(seen.cut).toEqual([]);
        expect(seen.figures).toEqual([]);
        expect(seen.scrolls).toBe(false);
        await page.close();
      });

  it(`takes its floor from the wall at 1080p, which draws nothing under ${FLOOR} px`, async () => {
    for (const [name, ready] of PAGES) {
      const page = await dashboard.openWall(`lang=en&page=${name}`, { waitFor: ready });
      expect((await measure(page)).small).toEqual([]);
      await page.close();
    }
  });
});
