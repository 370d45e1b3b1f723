// The agents board on a wall of 36 agents (three columns): every value and team median can be read whole, in
// English and in Chinese; a long name too, on two lines (test/e2e/wall-names.test.ts), never pushing the values out.
import { describe, expect, it } from 'vitest';
import { requireCjkFont } from '../helpers/browser';
import { useDashboard } from '../helpers/dashboard';
import { columnHeadings } from '../helpers/wall';

const MIN = 60_000;
const TEAMS = ['payments', 'wallet', 'risk'];
const STATUSES = ['available', 'busy', 'away', 'offline'] as const;

/**
 * The widest values each column shows: a time in status of 9 h 59 min ("9小时59分", the longest before whole
 * hours), a first response of about 9 min 30 s ("9m 30s", to the second below 10 minutes), a 100 % satisfaction, and an agent with 128 tickets
 * handled; and one name far too long for its column.
 */
function floor(now: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let a = 0; a < 36; a++) {
    const agent = `agent.${a}`;
    const team = TEAMS[a % TEAMS.length];
    const name = a === 0 ? 'Alexandria Montgomery-Featherstonehaugh' : `Agent Nr ${a}`;
    const since = now - (a % 3 === 0 ? 599 * MIN : a % 3 === 1 ? 96 * MIN : 5 * MIN);
    out.push({ id: `st-${a}`, type: 'agent.status', at: since, agent, name, team, status: STATUSES[a % STATUSES.length] });
    for (let k = 0; k < (a === 1 ? 128 : 2); k++) {
      const ticket = `T-${a}-${k}`;
      const t0 = now - 12 * MIN;
      out.push(
        { id: `${ticket}-c`, type: 'ticket.created', at: t0, ticket, channel: 'chat', team, category: 'refund' },
        { id: `${ticket}-a`, type: 'ticket.assigned', at: t0, ticket, agent, team },
        { id: `${ticket}-r`, type: 'ticket.replied', at: t0 + 9 * MIN + 30_000, ticket, agent },
        { id: `${ticket}-s`, type: 'ticket.resolved', at: now - MIN, ticket, agent },
        { id: `${ticket}-q`, type: 'ticket.rated', at: now - 30_000, ticket, score: 5 }
      );
    }
  }
  return out;
}

// Its events are minutes old: startDashboard's zone, where it is noon, has them today whenever it runs.
const dashboard = useDashboard({ seed: (dashboard) => dashboard.send(floor(Date.now())) });

/**
 * The board's headings, each coloured column's with its target under it (the defaults), and Handled with its rule
 * against the team, as each language writes them.
 */
const HEADINGS = {
  en: ['Agent', 'Status', 'Handled > ½ team median', 'FRT p50 target ≤ 10m', 'CSAT target ≥ 80%'],
  'zh-CN': ['坐席', '状态', '已处理 > ½ 团队\u200b中位数', '首响 p50 目标 ≤ 10分钟', '满意度 目标 ≥ 80%']
};

describe('agents board', () => {
  for (const size of [
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 }
  ])
    for (const lang of ['en', 'zh-CN'] as const) {
      it(`shows 36 agents at ${size.width}×${size.height} in ${lang} with every value, team median and heading whole`, async () => {
        if (lang === 'zh-CN') requireCjkFont();
        const page = await dashboard.browser.newPage({ viewport: size });
        const errors: string[] = [];
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        await page.goto(`${dashboard.url}/wall?token=${dashboard.wallToken}&page=agents&lang=${lang}`);
        await page.waitForFunction(() => document.querySelectorAll('.board .row[data-agent]').length === 36, null, { timeout: 15_000 });
        const seen = await page.evaluate(() => {
          const cut: string[] = [];
          const texts: string[] = [];
          let names = 0;
          for (const row of document.querySelectorAll('.board .row[data-agent]'))
            [...row.children].forEach((cell, i) => {
              for (const el of cell.children) {
                const e = el as HTMLElement;
                const whole = e.scrollWidth <= e.clientWidth + 1;
                if (i === 0) names += whole ? 0 : 1;
                else if (!whole) cut.push(e.textContent ?? '');
                texts.push(e.textContent ?? '');
              }
            });
          return { cut, names, texts: texts.join(' | ') };
        });
        expect(seen.cut).toEqual([]);
        // The seeded widest values are there to be measured, and the one long name is whole beside them, not pushing them out.
        expect(seen.texts).toMatch(lang === 'en' ? /\b9m \d\ds\b/ : /9分\d\d秒/);
        expect(seen.texts).toContain(lang === 'en' ? '9h 59m' : '9小时59分');
        expect(seen.texts).toContain('128');
        expect(seen.texts).toContain('100%');
        expect(seen.names).toBe(0);
        // Three columns of agents, each under headings whole, the targets' under their names: none cut, none an ellipsis.
        expect(await columnHeadings(page)).toEqual([...HEADINGS[lang], ...HEADINGS[lang], ...HEADINGS[lang]]);
        expect(errors).toEqual([]);
        await page.close();
      });
    }

  for (const lang of ['en', 'zh-CN'] as const)
    it(`shows the headings whole on a phone held upright (390×844) in ${lang}, the agents' names whole and as wide as without targets`, async () => {
      if (lang === 'zh-CN') requireCjkFont();
      const page = await dashboard.openWall(`page=agents&lang=${lang}`, { viewport: { width: 390, height: 844 } });
      await page.waitForFunction(() => document.querySelectorAll('.board .row[data-agent]').length === 36, null, { timeout: 15_000 });
      expect(await columnHeadings(page)).toEqual(HEADINGS[lang]);
      // The targets wrap in their columns rather than widen them: the names keep their share of the row, none cut, the long one too.
      const cutNames = await page.$$eval('.board .row[data-agent] .name', (all) => all.filter((name) => name.scrollWidth > name.clientWidth + 1).length);
      expect(cutNames).toBe(0);
      const nameShare = await page.evaluate(() => {
        const row = document.querySelector('.board .row[data-agent]') as HTMLElement;
        return (row.children[0] as HTMLElement).getBoundingClientRect().width / row.getBoundingClientRect().width;
      });
      expect(nameShare).toBeGreaterThan(0.25);
      await page.close();
    });

  it('spreads one team of 12 agents across the width, not crammed beside a wide name column', async () => {
    const page = await dashboard.openWall('page=agents&team=payments&lang=en');
    await page.waitForFunction(() => document.querySelectorAll('.board .row[data-agent]').length === 12, null, { timeout: 15_000 });
    const share = await page.evaluate(() => {
      const row = document.querySelector('.board .row[data-agent]') as HTMLElement;
      return (row.children[0] as HTMLElement).getBoundingClientRect().width / row.getBoundingClientRect().width;
    });
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.5);
    await page.close();
  });
});

describe('one long name on the agents board costs only its own row', () => {
  const LONG_NAME = 'Alexandra Montgomery-Whitfield';
  /** Two teams of 30 (three columns of 10, the columns' width sizing the text): the same short names, one of them long in "longer". */
  const crews = (now: number) =>
    ['plain', 'longer'].flatMap((team) =>
      Array.from({ length: 30 }, (_, i) => ({
        id: `${team}-st-${i}`,
        type: 'agent.status',
        at: now - 5 * MIN,
        agent: `${team}.${i}`,
        name: team === 'longer' && i === 0 ? LONG_NAME : `Crew ${i}`,
        team,
        status: 'available'
      }))
    );
  const nameSizes = (page: import('playwright-core').Page) =>
    page.$$eval('.board .row[data-agent] .name', (all) => Object.fromEntries(all.map((name) => [name.textContent!, parseFloat(getComputedStyle(name).fontSize)])));

  it("writes a long name's team as large as a short name's team", async () => {
    for (const size of [
      { width: 1920, height: 1080 },
      { width: 3840, height: 2160 }
    ])
      for (const lang of ['en', 'zh-CN'] as const) {
        if (lang === 'zh-CN') requireCjkFont();
        const page = await dashboard.openWall(`page=agents&lang=${lang}`, { viewport: size });
        await page.waitForFunction(() => document.querySelectorAll('.board .row[data-agent] .name').length === 36, null, { timeout: 15_000 });
        const teamSize = (agent: string) =>
          page.$eval(`.board .row[data-agent="${agent}"] .who small`, (small) => parseFloat(getComputedStyle(small).fontSize));
        // agent.0 is Alexandria Montgomery-Featherstonehaugh: its team was 0.66 of its smaller name, 12–13 px at 1080p.
        const long = await teamSize('agent.0');
        const short = await teamSize('agent.1');
        expect(long, `${size.width} ${lang}`).toBeGreaterThanOrEqual(short - 0.5);
        await page.close();
      }
  });

  it('draws the short names as large with a long name on the board as without, at 1080p and 4K, in en and zh-CN, the long one whole', async () => {
    await dashboard.send(crews(Date.now()));
    for (const size of [
      { width: 1920, height: 1080 },
      { width: 3840, height: 2160 }
    ])
      for (const lang of ['en', 'zh-CN'] as const) {
        if (lang === 'zh-CN') requireCjkFont();
        const sizes: Record<string, Record<string, number>> = {};
        for (const team of ['plain', 'longer']) {
          const page = await dashboard.openWall(`page=agents&lang=${lang}&team=${team}`, { viewport: size });
          await page.waitForFunction(() => document.querySelectorAll('.board .row[data-agent]').length === 30, null, { timeout: 15_000 });
          expect(await page.$$eval('.board .column', (all) => all.length)).toBe(3);
          sizes[team] = await nameSizes(page);
          if (team === 'longer') {
            // Whole: on two lines inside its cell and its row, nothing scrolled or cut.
            const cut = await page.$eval('.board .row[data-agent="longer.0"]', (row) => {
              const name = row.querySelector('.name')!;
              const range = document.createRange();
              range.selectNodeContents(name.parentElement!);
              const text = range.getBoundingClientRect();
              const cell = row.querySelector('.who')!.getBoundingClientRect();
              const box = row.getBoundingClientRect();
              const slack = parseFloat(getComputedStyle(name).fontSize) / 4;
              return text.left < cell.left - 0.5 || text.right > cell.right + 0.5 || text.top < box.top - slack || text.bottom > box.bottom + slack;
            });
            expect(cut, `${LONG_NAME} cut at ${size.width} in ${lang}`).toBe(false);
            // Readable across the room: a 1080p wall's names no smaller than 17 px (a 4K one's 34 px).
            expect(sizes.longer[LONG_NAME]).toBeGreaterThanOrEqual((17 * size.width) / 1920);
          }
          expect(await page.evaluate(() => document.scrollingElement!.scrollHeight > innerHeight)).toBe(false);
          await page.close();
        }
        // The board shrank all its text for the one name: 27.4 px without it, 23.6 px with it at 1080p.
        expect(sizes.longer['Crew 1'], `${size.width} ${lang}`).toBeCloseTo(sizes.plain['Crew 1'], 0);
      }
  });

});

describe('the agents board on a TV mounted upright', () => {
  it('draws a team of 30 in larger text than three narrow columns gave it, at 1080×1920 and 2160×3840, in en and zh-CN, all on one screen', async () => {
    // The "plain" and "longer" teams of 30 of the describe above ("longer" has Alexandra Montgomery-Whitfield).
    for (const [size, lang, team] of [
      [{ width: 1080, height: 1920 }, 'en', 'plain'],
      [{ width: 1080, height: 1920 }, 'zh-CN', 'longer'],
      [{ width: 2160, height: 3840 }, 'en', 'longer']
    ] as const) {
      if (lang === 'zh-CN') requireCjkFont();
      const page = await dashboard.openWall(`page=agents&lang=${lang}&team=${team}`, { viewport: size });
      await page.waitForFunction(() => document.querySelectorAll('.board .row[data-agent]').length === 30, null, { timeout: 15_000 });
      const seen = await page.evaluate(() => {
        const board = document.querySelector('.board')!.getBoundingClientRect();
        const rows = [...document.querySelectorAll('.board .row[data-agent]')].map((row) => row.getBoundingClientRect());
        const doc = document.scrollingElement!;
        return {
          short: Math.min(...[...document.querySelectorAll('.board .row[data-agent] .name')].filter((n) => n.textContent!.startsWith('Crew')).map((n) => parseFloat(getComputedStyle(n).fontSize))),
          scrolls: doc.scrollHeight > innerHeight || doc.scrollWidth > innerWidth,
          outside: rows.filter((row) => row.bottom > board.bottom + 0.5 || row.right > board.right + 0.5).length
        };
      });
      // Three columns of 10 in 1080 px drew them at 13.4 px, where the same wall on its side draws 27 px; the height
      // left half the board empty.
      expect(seen.short, `${size.width} ${lang}`).toBeGreaterThanOrEqual((20 * size.width) / 1080);
      expect({ scrolls: seen.scrolls, outside: seen.outside }).toEqual({ scrolls: false, outside: 0 });
      await page.close();
    }
  });
});
