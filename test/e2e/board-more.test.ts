// A board with more agents than fit: the count of those left out is written as the locale writes numbers
// ("+1,234 more"), as every other count on the wall is, not "+1234 more".
import { describe, expect, it } from 'vitest';
import { requireCjkFont } from '../helpers/browser';
import { useDashboard } from '../helpers/dashboard';

/** Three columns of 15 rows are shown at most: 1,279 agents on shift leave 1,234 out. */
const AGENTS = 1_279;

const dashboard = useDashboard({
  seed: async (dashboard) => {
    const at = Date.now() - 5 * 60_000;
    await dashboard.send(Array.from({ length: AGENTS }, (_, a) => ({ id: `st-${a}`, type: 'agent.status', at, agent: `agent.${a}`, team: 'payments', status: 'available' })));
  }
});

describe('the agents board, with more agents than fit', () => {
  for (const [lang, more] of [['en', '+1,234 more'], ['zh-CN', '另有 1,234 人']]) {
    it(`says how many are left out as ${lang} writes a number: ${more}`, async () => {
      if (lang === 'zh-CN') requireCjkFont();
      const page = await dashboard.openWall(`page=agents&lang=${lang}`);
      await page.waitForSelector('.board .more', { timeout: 15_000 });
      expect(await page.locator('.board .more').textContent()).toBe(more);
      await page.close();
    });
  }
});
