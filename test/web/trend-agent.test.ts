// One agent's chart: no ticket's creation is credited to an agent (SPEC: a fact's agent is the credited one), so its
// "Created" bars were always 0 and its summary said "0 tickets created", which a manager read as an agent who did nothing.
// An agent's chart shows what they resolved and how fast they answered; the team's and the centre's keep created.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_KPI_TARGETS } from '../../api/kpi/targets';
import { setLocale } from '../../web/lib/i18n';
import { palette } from '../../web/lib/charts/palette';
import { targetsOf, trendOption, trendSummary, trendTip, type Trend } from '../../web/lib/reports/trend';

afterEach(() => setLocale('en'));

const bucket = (from: string, to: string, resolved: number, p90: number) => ({
  from,
  to,
  tickets: { created: 0, resolved, reopened: 0, escalated: 0, abandoned: 0 },
  firstResponse: { count: 3, avgSec: p90 / 2, p50Sec: p90 / 2, p90Sec: p90, withinTarget: 3, breached: 0 }
});
const trend: Trend = {
  from: '2026-12-01T16:00:00.000Z',
  to: '2026-12-03T16:00:00.000Z',
  step: 'day',
  timezone: 'Asia/Shanghai',
  buckets: [bucket('2026-12-01T16:00:00.000Z', '2026-12-02T16:00:00.000Z', 4, 240), bucket('2026-12-02T16:00:00.000Z', '2026-12-03T16:00:00.000Z', 6, 600)]
};
const targets = targetsOf(DEFAULT_KPI_TARGETS);
const seriesOf = (withCreated: boolean) => ((trendOption(trend, targets, false, 'sans-serif', palette, withCreated).series as { id: string }[]) ?? []).map((s) => s.id);

describe("one agent's trend", () => {
  it('draws no created bars, says no created in a day\'s figures nor in the summary, en and zh-CN', () => {
    expect(seriesOf(false)).toEqual(['resolved', 'p50', 'p90']);
    expect(trendTip(trend.buckets[0], trend, targets, false).join('; ')).not.toMatch(/Created/);
    expect(trendSummary(trend, targets, false)).toMatch(/^Day by day, Wed, Dec 2 to Thu, Dec 3: 10 tickets resolved\./);
    expect(trendSummary(trend, targets, false)).not.toMatch(/created/);
    setLocale('zh-CN');
    expect(trendSummary(trend, targets, false)).toMatch(/^按日趋势，12月2日周三至12月3日周四：共解决 10 单。/);
    expect(trendTip(trend.buckets[0], trend, targets, false).join('; ')).not.toMatch(/新建/);
  });

  it("keeps them for a team's or the centre's", () => {
    expect(seriesOf(true)).toEqual(['created', 'resolved', 'p50', 'p90']);
    expect(trendTip(trend.buckets[0], trend, targets).join('; ')).toMatch(/Created: 0/);
    expect(trendSummary(trend, targets)).toMatch(/^Day by day, Wed, Dec 2 to Thu, Dec 3: 0 tickets created and 10 resolved\./);
  });
});
