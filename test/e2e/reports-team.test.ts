// A team's report sums the team up as an agent's does them: tiles of the team's own figures (not the centre's) above
// its agents, each against the period before, in both languages; the server's failure said as the page says it.
import { describe, expect, it } from 'vitest';
import { binOf, binValue } from '../../api/kpi/histogram';
import { presetRange, previousRange } from '../../web/lib/reports/range';
import { paymentsReportDashboard } from '../helpers/dashboard';
import { middayZone } from '../helpers/server';

const zone = middayZone();
const HOUR = 3_600_000;

/** `count` chat tickets of `team` ending at `end`, an hour apart, each first answered by alice `frtSec` in and resolved. */
const answered = (prefix: string, team: string, end: number, count: number, frtSec: number) =>
  Array.from({ length: count }, (_, i) => {
    const t0 = end - (i + 1) * HOUR;
    const ticket = `${prefix}-${i}`;
    return [
      { id: `${ticket}-c`, at: t0, type: 'ticket.created', ticket, channel: 'chat', priority: 'normal', team },
      { id: `${ticket}-r`, at: t0 + frtSec * 1000, type: 'ticket.replied', ticket, agent: 'alice' },
      { id: `${ticket}-x`, at: t0 + 600_000, type: 'ticket.resolved', ticket, agent: 'alice' }
    ];
  }).flat();

const dashboard = paymentsReportDashboard(zone, (now) => [
  // The last 7 days: six of the team's tickets, each answered in 2 minutes; risk's two are the centre's, not the team's.
  ...answered('now', 'payments', now, 6, 120),
  ...answered('risk', 'risk', now, 2, 30),
  // Eight days ago, in the 7 days before: three, answered in a minute.
  ...answered('before', 'payments', now - 8 * 24 * HOUR, 3, 60)
]);

const frt = { now: binValue(binOf(120)), before: binValue(binOf(60)) };
const title = { en: 'Team payments', 'zh-CN': '团队 payments' } as const;
const created = { en: '▲ 100% · the 7 days before: 3', 'zh-CN': '▲ 100% · 之前 7 天：3' } as const;

describe("a team's tiles", () => {
  for (const lang of ['en', 'zh-CN'] as const) {
    it(`sums the team up above its agents, each figure against the 7 days before (${lang})`, async () => {
      const range = presetRange('last7', Date.now(), zone);
      const before = previousRange(range, Date.now(), zone);
      const page = await dashboard.signedInAs('maria', lang, { width: 1366, height: 768 });
      const asked: string[] = [];
      page.on('request', (r) => void asked.push(decodeURIComponent(new URL(r.url()).pathname + new URL(r.url()).search)));
      await page.goto(`${dashboard.url}/reports?team=payments&from=${range.from}&to=${range.to}&lang=${lang}`);
      const tiles = page.locator('section.scope-tiles[data-scope="team"]');
      await tiles.locator('.tile[data-tile="created"] .change').waitFor({ timeout: 20_000 });

      expect(await tiles.locator('h2').textContent()).toBe(title[lang]);
      const createdTile = tiles.locator('.tile[data-tile="created"]');
      expect(await createdTile.locator('a[data-measure="tickets.created"]').textContent()).toBe('6');
      expect(await createdTile.locator('.change').getAttribute('data-tone')).toBe('neutral');
      expect(await createdTile.locator('.change [aria-hidden="true"]').textContent()).toBe(created[lang]);
      expect(await tiles.locator('.tile[data-tile="resolved"] a').textContent()).toBe('6');
      // The median first response, 2 minutes against 1: slower, in red.
      const frtTile = tiles.locator('.tile[data-tile="frtP50"]');
      expect(await frtTile.locator('.figure').getAttribute('data-value')).toBe(String(frt.now));
      expect(await frtTile.locator('.change').getAttribute('data-tone')).toBe('worse');
      expect(await frtTile.locator('.change').getAttribute('data-previous')).toBe(String(frt.before));
      // The team's drill links keep the team.
      expect(await createdTile.locator('a').getAttribute('href')).toContain('team=payments');

      // Above the agents' table; the range's and the period before's figures read once each, narrowed to the team.
      const y = async (selector: string) => (await page.locator(selector).boundingBox())!.y;
      expect(await y('section.scope-tiles')).toBeLessThan(await y('table.agents'));
      const teamReads = (from: string) => asked.filter((q) => q.startsWith(`/api/kpis?from=${from}&`) && /[?&]team=payments(&|$)/.test(q) && !q.includes('agent='));
      expect(teamReads(range.from)).toHaveLength(1);
      expect(teamReads(before.from)).toHaveLength(1);
      await page.context().close();
    });
  }

  it("says the server could not answer when the team's figures fail, and shows no tiles", async () => {
    const page = await dashboard.signedInAs('maria', 'zh-CN', { width: 1366, height: 768 });
    await page.route(/\/api\/kpis\?.*team=payments/, (route) => route.fulfill({ status: 500, body: '{}' }));
    await page.goto(`${dashboard.url}/reports?team=payments&lang=zh-CN`);
    await page.locator('p.error[role="alert"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('p.error').textContent()).toContain('服务器无法响应');
    expect(await page.locator('section.scope-tiles').count()).toBe(0);
    await page.context().close();
  });
});

describe("a team's report kept in view", () => {
  it('shows the name an admin gives the team within a minute, with no return to the tab; a hidden page reads none', async () => {
    const admin = await dashboard.adminPage('en');
    const rename = (en: string) =>
      admin.evaluate(async (en) => (await fetch('/api/team-names/payments', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ names: { en, 'zh-CN': '支付团队' } }) })).status, en);
    expect(await rename('Payments')).toBe(200);
    const page = await dashboard.signedInAs('maria', 'en', { width: 1366, height: 768 });
    await page.clock.install();
    const reads: string[] = [];
    page.on('request', (r) => void (new URL(r.url()).pathname === '/api/team-names' && reads.push(r.url())));
    await page.goto(`${dashboard.url}/reports?team=payments&lang=en`);
    const title = page.locator('section.scope-tiles h2');
    await expect.poll(() => title.textContent(), { timeout: 20_000 }).toBe('Team Payments');
    await expect.poll(() => reads.length, { timeout: 10_000 }).toBe(1);

    expect(await rename('Card payments')).toBe(200);
    // Hidden (another tab in front, say) for a minute and more: no read, the old name kept.
    await page.evaluate(() => Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' }));
    await page.clock.runFor(61_000);
    await page.waitForTimeout(500);
    expect(reads).toHaveLength(1);
    expect(await title.textContent()).toBe('Team Payments');

    // In view again, with no visibilitychange or focus event: the next minute reads the new name, once.
    await page.evaluate(() => Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' }));
    await page.clock.runFor(61_000);
    await expect.poll(() => title.textContent(), { timeout: 10_000 }).toBe('Team Card payments');
    expect(await page.locator('nav.crumbs li').allTextContents()).toContain('Team Card payments');
    expect(reads).toHaveLength(2);
    await page.context().close();
    await admin.context().close();
  });
});
