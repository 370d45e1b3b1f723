// One agent's report as a person sees it: their name heads their tiles, apart from the day-by-day chart above it.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../helpers/dashboard';
import { addUser, signedInAs } from '../helpers/people';
import { postEvents, type RunningServer } from '../helpers/server';

let browser: Browser;
let server: RunningServer;

beforeAll(async () => {
  ({ browser, server } = await startDashboard());
  const t0 = Date.now() - 30 * 60_000;
  const events = [
    { id: 's-a', at: t0, type: 'agent.status', agent: 'alice', name: 'Alice Chen', team: 'payments', status: 'available' },
    { id: 'c1', at: t0 + 60_000, type: 'ticket.created', ticket: 'T-1', channel: 'chat', priority: 'normal', team: 'payments' },
    { id: 'r1', at: t0 + 120_000, type: 'ticket.replied', ticket: 'T-1', agent: 'alice' }
  ];
  expect((await postEvents(server.url, events)).status).toBe(200);
  await addUser(server.url, 'maria', 'manager');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGTERM');
});

describe('One agent\'s report', () => {
  for (const [lang, width] of [['en', 1920], ['zh-CN', 390]] as const) {
    it(`sets the agent's name apart from the chart above it (${lang}, ${width} px)`, async () => {
      const page = await signedInAs(browser, server.url, 'maria', lang, { width, height: 900 });
      await page.goto(`${server.url}/reports?team=payments&agent=alice&lang=${lang}`);
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
    const page = await signedInAs(browser, server.url, 'maria', 'en', { width: 1920, height: 900 });
    await page.goto(`${server.url}/reports?team=payments&lang=en`);
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
});
