// One agent's report as a person sees it: their name heads their tiles, apart from the day-by-day chart above it; and a
// team's agents, whose headings sort, on a desktop and on a phone.
import { describe, expect, it } from 'vitest';
import { useDashboard } from '../helpers/dashboard';

const dashboard = useDashboard({
  users: { maria: 'manager' },
  seed: async (dashboard) => {
    const t0 = Date.now() - 30 * 60_000;
    await dashboard.send([
      { id: 's-a', at: t0, type: 'agent.status', agent: 'alice', name: 'Alice Chen', team: 'payments', status: 'available' },
      { id: 'c1', at: t0 + 60_000, type: 'ticket.created', ticket: 'T-1', channel: 'chat', priority: 'normal', team: 'payments' },
      { id: 'r1', at: t0 + 120_000, type: 'ticket.replied', ticket: 'T-1', agent: 'alice' },
      // Bob answered slower: first by first response p50 when its slowest come first.
      { id: 's-b', at: t0, type: 'agent.status', agent: 'bob', name: 'Bob Li', team: 'payments', status: 'busy' },
      { id: 'c2', at: t0 + 60_000, type: 'ticket.created', ticket: 'T-2', channel: 'chat', priority: 'normal', team: 'payments' },
      { id: 'r2', at: t0 + 600_000, type: 'ticket.replied', ticket: 'T-2', agent: 'bob' }
    ]);
  }
});

describe('One agent\'s report', () => {
  for (const [lang, width] of [['en', 1920], ['zh-CN', 390]] as const) {
    it(`sets the agent's name apart from the chart above it (${lang}, ${width} px)`, async () => {
      const page = await dashboard.signedInAs('maria', lang, { width, height: 900 });
      await page.goto(`${dashboard.url}/reports?team=payments&agent=alice&lang=${lang}`);
      const title = page.locator('#agent-title');
      await page.locator('.tile[data-tile="firstResponses"]').waitFor({ timeout: 20_000 });
      expect((await title.textContent())!).toContain('Alice Chen');
      const chart = (await page.locator('section.trend').boundingBox())!;
      const heading = (await title.boundingBox())!;
      // It read as the chart's caption, its letters on the chart's border; the tables' headings stand 24 px clear.
      expect(heading.y - (chart.y + chart.height)).toBeGreaterThanOrEqual(16);
      await page.context().close();
    });
  }

  it("stands each sortable heading of a team's agents over its column's figures (en, 1920 px)", async () => {
    const page = await dashboard.signedInAs('maria', 'en', { width: 1920, height: 900 });
    await page.goto(`${dashboard.url}/reports?team=payments&lang=en`);
    await page.locator('table.agents tbody tr').first().waitFor({ timeout: 20_000 });
    const edges = await page.evaluate(() => {
      const table = document.querySelector('table.agents')!;
      const heads = [...table.querySelectorAll('thead th button.sort')].map((b) => b.getBoundingClientRect());
      const cells = [...table.querySelectorAll('tbody tr:first-child > *')].map((c) => c.getBoundingClientRect());
      return heads.map((h, i) => ({ head: [h.left, h.right], cell: [cells[i].left, cells[i].right] }));
    });
    expect(edges.length).toBeGreaterThan(5);
    // The names' and statuses' columns read from the left and every figure's from the right: each heading's words end where its
    // column's figures do (they stood at the column's left, up to 70 px from their figures).
    for (const { head, cell } of edges.slice(0, 2)) expect(Math.abs(head[0] - cell[0])).toBeLessThan(12);
    for (const { head, cell } of edges.slice(2)) expect(Math.abs(cell[1] - head[1])).toBeLessThan(12);
    await page.context().close();
  });

  // What a phone shows of a sortable heading: the arrow on the sorted one, a mark on the others, and words saying they sort.
  const phoneHeads = {
    en: { hint: 'Tap a heading to sort by it, and again to reverse.' },
    'zh-CN': { hint: '点按标题即按该列排序，再点一次反向排序。' }
  } as const;
  for (const lang of ['en', 'zh-CN'] as const) {
    it(`says on a phone that the agents' headings sort, which one does and which way, each a thumb's size (${lang}, 390 px)`, async () => {
      const page = await dashboard.signedInAs('maria', lang, { width: 390, height: 844 }, { hasTouch: true, isMobile: true });
      await page.goto(`${dashboard.url}/reports?team=payments&lang=${lang}`);
      await page.locator('table.agents tbody tr').nth(1).waitFor({ timeout: 20_000 });
      const order = () => page.locator('table.agents tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-agent')));
      /** Each heading's sort, the mark drawn after its words, and its button's height. */
      const heads = () =>
        page.locator('table.agents thead th').evaluateAll((ths) =>
          ths.map((th) => {
            const button = th.querySelector('button.sort')!;
            return { key: button.getAttribute('data-sort') ?? button.textContent, sort: th.getAttribute('aria-sort'), mark: getComputedStyle(button, '::after').content, height: button.getBoundingClientRect().height };
          })
        );
      const hint = page.locator('section[aria-labelledby="agents-title"] .sort-hint');
      expect(await hint.isVisible()).toBe(true);
      expect(await hint.textContent()).toBe(phoneHeads[lang].hint);

      const first = await heads();
      expect(first.length).toBeGreaterThan(5);
      // A thumb's target: 44 px tall at least (they were a line of 0.8rem words, 19 px).
      for (const h of first) expect(h.height, String(h.key)).toBeGreaterThanOrEqual(44);
      // Sorted by name, A to Z: its arrow points up; every other heading shows it sorts too, by a mark of its own.
      expect(first[0].sort).toBe('ascending');
      expect(first[0].mark).toContain('▲');
      for (const h of first.slice(1)) {
        expect(h.sort, String(h.key)).toBeNull();
        expect(h.mark, String(h.key)).toContain('↕');
      }
      expect(await order()).toEqual(['alice', 'bob']);

      // A tap on first response p50 sorts by it, slowest first (lower is better): its arrow points down, the name's is a mark.
      await page.locator('button[data-sort="frtP50"]').tap();
      await expect.poll(order).toEqual(['bob', 'alice']);
      const tapped = await heads();
      const p50 = tapped.find((h) => h.key === 'frtP50')!;
      expect([p50.sort, p50.mark.includes('▼')]).toEqual(['descending', true]);
      expect([tapped[0].sort, tapped[0].mark.includes('↕')]).toEqual([null, true]);
      await page.locator('button[data-sort="frtP50"]').tap();
      await expect.poll(order).toEqual(['alice', 'bob']);
      expect((await heads()).find((h) => h.key === 'frtP50')!.mark).toContain('▲');
      // The headings fit the phone: the page does not scroll sideways for them.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
      await page.context().close();
    });
  }

  it("keeps a desktop's sortable headings as they were: no phone's words, no phone's marks", async () => {
    const page = await dashboard.signedInAs('maria', 'en', { width: 1920, height: 900 });
    await page.goto(`${dashboard.url}/reports?team=payments&lang=en`);
    await page.locator('table.agents tbody tr').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('section[aria-labelledby="agents-title"] .sort-hint').isVisible()).toBe(false);
    const marks = await page.locator('table.agents thead button.sort').evaluateAll((bs) => bs.map((b) => getComputedStyle(b, '::after').content));
    expect(marks[0]).toContain('▲');
    expect(marks.slice(1).every((m) => m === 'none')).toBe(true);
    await page.context().close();
  });
});
