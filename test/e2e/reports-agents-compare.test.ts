// A team's agents' table against the period before: each agent's figures beside their own the 7 days before (one
// GET /api/agents for that period, read after the rows show), and an agent new since with no change at all.
import { describe, expect, it } from 'vitest';
import { previousRange, presetRange } from '../../web/lib/reports/range';
import { holdRequests } from '../helpers/browser';
import { paymentsReportDashboard } from '../helpers/dashboard';
import { middayZone } from '../helpers/server';

const zone = middayZone();
const HOUR = 3_600_000;

/** Three payments chats `agent` answered `frtSec` and resolved `resSec` after they came in, the hours before `end`, then rated `scores`. */
function handled(agent: string, end: number, frtSec: number, resSec: number, scores: number[]) {
  return scores.flatMap((score, i) => {
    const ticket = `${agent}-${end}-${i}`;
    const t0 = end - (i + 1) * HOUR;
    return [
      { id: `${ticket}-c`, at: t0, type: 'ticket.created', ticket, channel: 'chat', priority: 'normal', team: 'payments' },
      { id: `${ticket}-r`, at: t0 + frtSec * 1000, type: 'ticket.replied', ticket, agent },
      { id: `${ticket}-x`, at: t0 + resSec * 1000, type: 'ticket.resolved', ticket, agent },
      { id: `${ticket}-s`, at: t0 + resSec * 1000 + 60_000, type: 'ticket.rated', ticket, score }
    ];
  });
}

const weekBefore = (now: number) => now - 8 * 24 * HOUR;
const dashboard = paymentsReportDashboard(zone, (now) => [
  { id: 's-b', at: weekBefore(now) - HOUR, type: 'agent.status', agent: 'bob', name: 'Bob Diaz', team: 'payments', status: 'available' },
  // Carol joined today: she has no figure in the 7 days before.
  { id: 's-c', at: now - 5 * HOUR, type: 'agent.status', agent: 'carol', name: 'Carol Wu', team: 'payments', status: 'available' },
  // Alice: first answers of 252 s against 214 s before (19% longer), resolutions in 10 minutes against 20 (50% shorter).
  ...handled('alice', now, 252, 600, [5, 5, 3]),
  ...handled('alice', weekBefore(now), 214, 1200, [5, 5, 5]),
  // Bob: first answers of 100 s against 200 s before: his own change, not alice's or the team's.
  ...handled('bob', now, 100, 900, [5, 5, 5]),
  ...handled('bob', weekBefore(now), 200, 900, [5, 5, 5]),
  ...handled('carol', now, 300, 900, [4, 4, 4])
]);

const words = {
  en: { frt: '4m 16s, 19% longer than the 7 days before: 3m 35s', csat: '▼ 33.3 pts' },
  'zh-CN': { frt: '4分16秒，比之前 7 天（3分35秒）长 19%', csat: '▼ 33.3 个百分点' }
} as const;

describe("a team's agents' table against the period before", () => {
  for (const lang of ['en', 'zh-CN'] as const) {
    it(`shows each agent's change against their own 7 days before, and none for one new since (${lang})`, async () => {
      const range = presetRange('last7', Date.now(), zone);
      const before = previousRange(range, Date.now(), zone);
      const page = await dashboard.signedInAs('maria', lang, { width: 1280, height: 900 });
      // The period before's agents held back until the rows are seen: they must show without them.
      const release = await holdRequests(page, `**/api/agents?from=${before.from}&**`, 'continue');
      const asked: string[] = [];
      page.on('request', (r) => {
        const url = new URL(r.url());
        if (url.pathname === '/api/agents') asked.push(url.searchParams.get('from')!);
      });
      await page.goto(`${dashboard.url}/reports?team=payments&from=${range.from}&to=${range.to}&lang=${lang}`);
      const alice = page.locator('table.agents tr[data-agent="alice"]');
      await alice.locator('td[data-col="frtP50"] .figure').waitFor({ timeout: 20_000 });
      expect(await page.locator('table.agents .change').count()).toBe(0);

      release();
      const frt = alice.locator('td[data-col="frtP50"] .change');
      await frt.waitFor({ timeout: 10_000 });
      // One read of the team's agents for each period, never one per agent.
      expect(asked.filter((from) => from === range.from)).toHaveLength(1);
      expect(asked.filter((from) => from === before.from)).toHaveLength(1);
      expect(await frt.getAttribute('data-tone')).toBe('worse');
      expect(await frt.locator('[aria-hidden="true"]').textContent()).toBe('▲ 19%');
      expect(await frt.locator('.visually-hidden').textContent()).toBe(words[lang].frt);
      const resolution = alice.locator('td[data-col="resP50"] .change');
      expect(await resolution.getAttribute('data-tone')).toBe('better');
      expect(await resolution.locator('[aria-hidden="true"]').textContent()).toBe('▼ 50%');
      const csat = alice.locator('td[data-col="csat"] .change');
      expect(await csat.getAttribute('data-tone')).toBe('worse');
      expect(await csat.locator('[aria-hidden="true"]').textContent()).toBe(words[lang].csat);

      const bob = page.locator('table.agents tr[data-agent="bob"] td[data-col="frtP50"] .change');
      expect(await bob.getAttribute('data-tone')).toBe('better');
      expect(await bob.locator('[aria-hidden="true"]').textContent()).toBe('▼ 50%');

      // Carol's figures show, with no change beside any: she was not there the week before.
      const carol = page.locator('table.agents tr[data-agent="carol"]');
      expect(await carol.locator('td[data-col="frtP50"] .figure').getAttribute('data-value')).not.toBe('');
      expect(await carol.locator('.change').count()).toBe(0);
      await page.context().close();
    });
  }

  it("reads no agents for the period before where no agents' table shows (every team's report)", async () => {
    const range = presetRange('last7', Date.now(), zone);
    const before = previousRange(range, Date.now(), zone);
    const page = await dashboard.signedInAs('maria', 'en', { width: 1280, height: 900 });
    const asked: string[] = [];
    page.on('request', (r) => void asked.push(new URL(r.url()).pathname + new URL(r.url()).search));
    await page.goto(`${dashboard.url}/reports?from=${range.from}&to=${range.to}&lang=en`);
    // The teams' table's changes show once the period before is read: by then its agents would have been asked for.
    await page.locator('tr[data-team="payments"] td[data-col="frtP50"] .change').waitFor({ timeout: 20_000 });
    expect(asked.filter((u) => u.startsWith(`/api/kpis?from=${before.from}&`)).length).toBeGreaterThan(0);
    expect(asked.filter((u) => u.startsWith(`/api/agents?from=${before.from}&`))).toEqual([]);
    await page.context().close();
  });
});
