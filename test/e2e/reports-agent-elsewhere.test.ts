// An agent's report under a team they have no figures for (a link kept from before they moved, an address typed): the
// page names them, says where they are now and links there; an agent no event names is said to be unknown. Where it
// showed their id over a row of noughts, as if they had done nothing.
import { describe, expect, it } from 'vitest';
import { presetRange } from '../../web/lib/reports/range';
import { openLastWeekReport, paymentsReportDashboard } from '../helpers/dashboard';
import { middayZone } from '../helpers/server';

const zone = middayZone();
const HOUR = 3_600_000;

const dashboard = paymentsReportDashboard(zone, (now) => [
  // Cao Yan is on risk, where she answered and resolved a ticket yesterday; she never worked for payments.
  { id: 's-cao', at: now - 5 * 24 * HOUR, type: 'agent.status', agent: 'cao.yan', name: 'Cao Yan', team: 'risk', status: 'available' },
  { id: 'r1-c', at: now - 24 * HOUR, type: 'ticket.created', ticket: 'R1', channel: 'chat', team: 'risk' },
  { id: 'r1-r', at: now - 24 * HOUR + 60_000, type: 'ticket.replied', ticket: 'R1', agent: 'cao.yan' },
  { id: 'r1-x', at: now - 24 * HOUR + 600_000, type: 'ticket.resolved', ticket: 'R1', agent: 'cao.yan' }
]);

const words = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

/** Maria's report of the last 7 days of `agent` under `team`. */
const openAgent = (agent: string, lang: 'en' | 'zh-CN', team = 'payments') => openLastWeekReport(dashboard, zone, `team=${team}&agent=${agent}&`, lang);

describe('an agent asked for under a team they have no figures for', () => {
  const said = {
    en: { elsewhere: 'Cao Yan is on Team risk now and has no figures for Team payments in this range. Cao Yan’s report for Team risk', crumb: 'Cao Yan' },
    'zh-CN': { elsewhere: 'Cao Yan 目前在团队 risk，此时间范围内在团队 payments 没有任何数据。 查看 Cao Yan 在团队 risk 的报表', crumb: 'Cao Yan' }
  };
  for (const lang of ['en', 'zh-CN'] as const) {
    it(`names them, says which team they are on now and links to their report there (${lang})`, async () => {
      const page = await openAgent('cao.yan', lang);
      const note = page.locator('[data-whereabouts="elsewhere"]');
      await note.waitFor({ timeout: 15_000 });
      expect(words(await note.textContent())).toBe(said[lang].elsewhere);
      expect(words(await page.locator('nav.crumbs [aria-current="page"]').textContent())).toBe(said[lang].crumb);
      // Her tiles are headed by her name too, with her status now, not by her id.
      expect(words(await page.locator('section.scope-tiles h2').textContent())).toMatch(/^Cao Yan · /);
      await note.locator('a').click();
      await page.waitForURL(/team=risk&agent=cao\.yan/);
      expect(new URL(page.url()).searchParams.get('from')).toBe(presetRange('last7', Date.now(), zone).from);
      // There, her own figures, and no note.
      await page.locator('[data-tile="resolved"] a', { hasText: '1' }).waitFor({ timeout: 15_000 });
      expect(await page.locator('[data-whereabouts]').count()).toBe(0);
      await page.context().close();
    });
  }

  it('says so of an agent no event names, where it showed the id over noughts', async () => {
    const page = await openAgent('cao.yna', 'en');
    const note = page.locator('[data-whereabouts="unknown"]');
    await note.waitFor({ timeout: 15_000 });
    expect(words(await note.textContent())).toBe('No event names an agent “cao.yna”: check the address, or choose an agent from the list below.');
    await page.context().close();
  });

  it('adds nothing for an agent of the team', async () => {
    const page = await openAgent('alice', 'en');
    await page.locator('section.scope-tiles').waitFor({ timeout: 15_000 });
    expect(words(await page.locator('nav.crumbs [aria-current="page"]').textContent())).toBe('Alice Chen');
    expect(await page.locator('[data-whereabouts]').count()).toBe(0);
    await page.context().close();
  });
});
