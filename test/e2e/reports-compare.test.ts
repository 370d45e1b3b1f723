// An agent's tiles against the period just before: the change as an arrow and a percentage, coloured by the KPI's
// direction, the figure then, and a sentence for a screen reader; uncoloured over too few, saying how many. The
// range's own figures show first, the comparison when it arrives.
import { describe, expect, it } from 'vitest';
import { binOf, binValue } from '../../api/kpi/histogram';
import { previousRange } from '../../web/lib/reports/range';
import { presetRange } from '../../web/lib/reports/range';
import { paymentsReportDashboard } from '../helpers/dashboard';
import { middayZone } from '../helpers/server';

const zone = middayZone();
const HOUR = 3_600_000;

/**
 * Three of alice's tickets, each first answered `frtSec` after it came in, `resolved` of them resolved 10 minutes in,
 * then rated `scores`.
 */
function tickets(prefix: string, end: number, frtSec: number, resolved: number, scores: number[]) {
  return [1, 2, 3].flatMap((n) => {
    const t0 = end - n * HOUR;
    return [
      { id: `${prefix}-c${n}`, at: t0, type: 'ticket.created', ticket: `${prefix}-${n}`, channel: 'chat', priority: 'normal', team: 'payments' },
      { id: `${prefix}-r${n}`, at: t0 + frtSec * 1000, type: 'ticket.replied', ticket: `${prefix}-${n}`, agent: 'alice' },
      ...(n <= resolved ? [{ id: `${prefix}-x${n}`, at: t0 + 600_000, type: 'ticket.resolved', ticket: `${prefix}-${n}`, agent: 'alice' }] : []),
      { id: `${prefix}-s${n}`, at: t0 + 900_000, type: 'ticket.rated', ticket: `${prefix}-${n}`, score: scores[n - 1] }
    ];
  });
}

const dashboard = paymentsReportDashboard(zone, (now) => [
  // The last 7 days (today, about noon in the test centre's zone): a median first response of 252 s, three resolved.
  ...tickets('now', now, 252, 3, [5, 5, 3]),
  // Eight days ago, in the 7 days before: 214 s, and one resolution, too few to compare.
  ...tickets('before', now - 8 * 24 * HOUR, 214, 1, [5, 5, 5])
]);

// The medians as the rollups' histogram keeps them (within 2 %): 252 s reads 256.2 s, 214 s 215.7 s, 19 % longer.
const median = { now: binValue(binOf(252)), before: binValue(binOf(214)) };
const words = {
  en: { frt: '4m 16s, 19% longer than the 7 days before: 3m 35s', seen: '▲ 19% · the 7 days before: 3m 35s', tooFew: 'too few to compare: 1 before, 3 now' },
  'zh-CN': { frt: '4分16秒，比之前 7 天（3分35秒）长 19%', seen: '▲ 19% · 之前 7 天：3分35秒', tooFew: '样本太少，无法比较：之前 1，现在 3' }
} as const;

/** The reports page opened on the last 7 days, the period before's figures held back until `release` is called. */
async function openHeld(lang: string, query: string) {
  const range = presetRange('last7', Date.now(), zone);
  const before = previousRange(range, Date.now(), zone);
  const page = await dashboard.signedInAs('maria', lang, { width: 1280, height: 900 });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const asked: string[] = [];
  await page.route('**/api/kpis?**', async (route) => {
    const from = new URL(route.request().url()).searchParams.get('from');
    asked.push(from!);
    if (from === before.from) await held;
    await route.continue();
  });
  await page.goto(`${dashboard.url}/reports?${query}&from=${range.from}&to=${range.to}&lang=${lang}`);
  return { page, before, asked, release };
}

describe("an agent's tiles against the period before", () => {
  for (const lang of ['en', 'zh-CN'] as const) {
    it(`shows each figure's change against the 7 days before, worse in red, too few uncoloured (${lang})`, async () => {
      // The period before's figures held back: the range's must show without them.
      const { page, before, asked, release } = await openHeld(lang, 'team=payments&agent=alice');
      const tile = page.locator('.tile[data-tile="frtP50"]');
      await tile.locator('.figure').waitFor({ timeout: 20_000 });
      expect(await tile.locator('.figure').getAttribute('data-value')).toBe(String(median.now));
      expect(await tile.locator('.change').count()).toBe(0);

      release();
      const change = tile.locator('.change');
      await change.waitFor({ timeout: 10_000 });
      expect(asked).toContain(before.from);
      expect(await change.getAttribute('data-tone')).toBe('worse');
      expect(await change.getAttribute('data-change')).toBe('19');
      expect(await change.getAttribute('data-previous')).toBe(String(median.before));
      expect(await change.locator('[aria-hidden="true"]').textContent()).toBe(words[lang].seen);
      expect(await change.locator('.visually-hidden').textContent()).toBe(words[lang].frt);
      const colours = await page.evaluate(() => {
        const style = getComputedStyle(document.documentElement);
        return { critical: style.getPropertyValue('--critical').trim(), move: getComputedStyle(document.querySelector('.tile[data-tile="frtP50"] .move')!).color };
      });
      expect(colours.move).toBe(hexToRgb(colours.critical));

      // Resolutions: three now, one before: no change said, uncoloured, and how many each side had.
      const resolution = page.locator('.tile[data-tile="resP50"] .change');
      expect(await resolution.getAttribute('data-tone')).toBe('neutral');
      expect(await resolution.getAttribute('data-change')).toBe('');
      expect(await resolution.textContent()).toContain(words[lang].tooFew);
      await page.context().close();
    });
  }
});

describe("the teams' table against the period before", () => {
  for (const lang of ['en', 'zh-CN'] as const) {
    it(`puts each figure's change under it, the table no wider at 1280 px (${lang})`, async () => {
      const { page, release } = await openHeld(lang, 'x=');
      const table = page.locator('table.teams');
      await table.locator('tr[data-team="payments"] td[data-col="frtP50"] .figure').waitFor({ timeout: 20_000 });
      const width = () => table.evaluate((t) => ({ table: t.getBoundingClientRect().width, scroll: t.parentElement!.scrollWidth, room: t.parentElement!.clientWidth }));
      const bare = await width();
      expect(await table.locator('.change').count()).toBe(0);

      release();
      for (const team of ['payments', '']) {
        const change = table.locator(`tr[data-team="${team}"] td[data-col="frtP50"] .change`);
        await change.waitFor({ timeout: 10_000 });
        expect(await change.getAttribute('data-tone')).toBe('worse');
        expect(await change.locator('[aria-hidden="true"]').textContent()).toBe('▲ 19%');
        expect(await change.locator('.visually-hidden').textContent()).toBe(words[lang].frt);
      }
      // CSAT from 100% to 66.7%: the widest change a rate has, in points.
      const csat = table.locator('tr[data-team="payments"] td[data-col="csat"] .change');
      expect(await csat.getAttribute('data-tone')).toBe('worse');
      expect(await csat.getAttribute('data-change')).toBe('-33.3');
      const compared = await width();
      expect(compared.table).toBeLessThanOrEqual(bare.table + 0.5);
      expect(compared.scroll).toBeLessThanOrEqual(compared.room);
      await page.context().close();
    });
  }
});

function hexToRgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}
