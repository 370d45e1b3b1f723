// The reports' trend chart: its buckets named in the centre's zone and the page's language, its lines against their
// targets, and what it says to a screen reader.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_KPI_TARGETS } from '../../api/kpi/targets';
import { setLocale } from '../../web/lib/i18n';
import { bucketLabel, filterWords, isQuiet, stepOfDays, targetLabel, targetsOf, trendOption, trendSummary, trendTip, type Trend, type TrendBucket } from '../../web/lib/reports/trend';

afterEach(() => setLocale('en'));

function bucket(from: string, to: string, created: number, resolved: number, p90: number | null, p50: number | null = p90 === null ? null : p90 / 2): TrendBucket {
  return {
    from,
    to,
    tickets: { created, resolved, reopened: 0, escalated: 0, abandoned: 0 },
    firstResponse: { count: p90 === null ? 0 : 3, avgSec: p50, p50Sec: p50, p90Sec: p90, withinTarget: 0, breached: 0 }
  };
}
// New York's three days around the clocks going back (1 November 2026 is 25 hours long).
const days: Trend = {
  from: '2026-10-31T04:00:00.000Z',
  to: '2026-11-03T05:00:00.000Z',
  step: 'day',
  timezone: 'America/New_York',
  buckets: [
    bucket('2026-10-31T04:00:00.000Z', '2026-11-01T04:00:00.000Z', 4, 3, 240),
    bucket('2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 12, 9, 2400),
    bucket('2026-11-02T05:00:00.000Z', '2026-11-03T05:00:00.000Z', 0, 1, null)
  ]
};
const targets = targetsOf(DEFAULT_KPI_TARGETS);

describe('bucket labels', () => {
  it("are the centre's days, as the locale writes them, whatever the browser's zone", () => {
    // 04:00 UTC is still 30 October in Los Angeles, 31 October in New York.
    expect(days.buckets.map((b) => bucketLabel(b, days))).toEqual(['Oct 31', 'Nov 1', 'Nov 2']);
    setLocale('zh-CN');
    expect(days.buckets.map((b) => bucketLabel(b, days))).toEqual(['10月31日', '11月1日', '11月2日']);
  });

  it("are the centre's hours for one day, the repeated hour twice", () => {
    const hours: Trend = { ...days, step: 'hour', buckets: [4, 5, 6, 7].map((h) => bucket(`2026-11-01T0${h}:00:00.000Z`, `2026-11-01T0${h + 1}:00:00.000Z`, 1, 1, 60)) };
    expect(hours.buckets.map((b) => bucketLabel(b, hours))).toEqual(['00:00', '01:00', '01:00', '02:00']);
  });
});

describe('the step of a range of days', () => {
  it('is the hour for one day, the day for more, as GET /api/trend steps them', () => {
    expect(stepOfDays('2026-11-24', '2026-11-25')).toBe('hour');
    // The day New York's clocks go back is 25 hours there, but one day of the calendar.
    expect(stepOfDays('2026-11-01', '2026-11-02')).toBe('hour');
    expect(stepOfDays('2026-11-24', '2026-11-26')).toBe('day');
    expect(stepOfDays('2026-10-25', '2026-11-24')).toBe('day');
  });
});

describe('the chart', () => {
  it('draws bars of created and resolved, the p50 and p90 lines, and each target as a dashed line', () => {
    const option = trendOption(days, targets, false) as any;
    expect(option.xAxis.data).toEqual(['Oct 31', 'Nov 1', 'Nov 2']);
    const series = Object.fromEntries(option.series.map((s: any) => [s.id, s]));
    expect(series.created.data).toEqual([4, 12, 0]);
    expect(series.resolved.data).toEqual([3, 9, 1]);
    expect(series.p90.data).toEqual([240, 2400, null]);
    expect(series.p50.data).toEqual([120, 1200, null]);
    expect(series.p90.markLine.data).toEqual([{ yAxis: DEFAULT_KPI_TARGETS['firstResponse.p90Sec'].warn }]);
    expect(series.p50.markLine.data).toEqual([{ yAxis: DEFAULT_KPI_TARGETS['firstResponse.p50Sec'].warn }]);
    expect(targetLabel('p90', targets)).toBe('p90 target ≤ 30m');
    expect(targetLabel('p90', {})).toBeNull();
    // The durations' axis reaches past the worst p90 and writes minutes as the page does.
    expect(option.yAxis[1].max).toBeGreaterThanOrEqual(2400);
    expect(option.yAxis[1].axisLabel.formatter(1800)).toBe('30m');
    setLocale('zh-CN');
    expect(option.yAxis[1].axisLabel.formatter(240)).toBe('4分钟');
  });

  it('draws no target line the admin has not got', () => {
    const option = trendOption(days, {}, false) as any;
    expect(option.series.find((s: any) => s.id === 'p90').markLine.data).toEqual([]);
  });

  it('is quiet when nothing was created, resolved or answered', () => {
    expect(isQuiet(days)).toBe(false);
    expect(isQuiet({ ...days, buckets: days.buckets.map((b) => bucket(b.from, b.to, 0, 0, null)) })).toBe(true);
  });
});

describe('the tooltip', () => {
  it("says a day's figures in the centre's zone, each first response against its target in words, in both languages", () => {
    // Nov 1: p50 20m (over the 10m target), p90 40m (over 30m); Oct 31: p50 2m and p90 4m, within both.
    expect(trendTip(days.buckets[1], days, targets)).toEqual([
      'Sun, Nov 1',
      'Created: 12',
      'Resolved: 9',
      'First response p50: 20m 00s, over target (≤ 10m)',
      'First response p90: 40m 00s, over target (≤ 30m)'
    ]);
    expect(trendTip(days.buckets[0], days, targets).slice(3)).toEqual(['First response p50: 2m 00s, within target (≤ 10m)', 'First response p90: 4m 00s, within target (≤ 30m)']);
    setLocale('zh-CN');
    expect(trendTip(days.buckets[1], days, targets)).toEqual([
      '11月1日周日',
      '新建：12',
      '已解决：9',
      '首次响应 p50：20分00秒，超出目标（≤ 10分钟）',
      '首次响应 p90：40分00秒，超出目标（≤ 30分钟）'
    ]);
  });

  it('says a bucket without first responses has none, and no target the admin has not got', () => {
    expect(trendTip(days.buckets[2], days, targets).slice(3)).toEqual(['First response p50: —', 'First response p90: —']);
    expect(trendTip(days.buckets[1], days, {}).slice(3)).toEqual(['First response p50: 20m 00s', 'First response p90: 40m 00s']);
  });

  it("names an hour's bucket by the centre's hour", () => {
    const hours: Trend = { ...days, step: 'hour', buckets: [bucket('2026-11-01T05:00:00.000Z', '2026-11-01T06:00:00.000Z', 3, 1, 60)] };
    expect(trendTip(hours.buckets[0], hours, targets)[0]).toBe('01:00');
  });

  it('is the chart\'s, for the bucket under the pointer, its words written as text', () => {
    const option = trendOption(days, targets, false) as any;
    expect(option.tooltip.trigger).toBe('axis');
    expect(option.tooltip.confine).toBe(true);
    expect(option.tooltip.formatter([{ dataIndex: 1 }, { dataIndex: 1 }])).toBe(
      '<strong>Sun, Nov 1</strong><br>Created: 12<br>Resolved: 9<br>First response p50: 20m 00s, over target (≤ 10m)<br>First response p90: 40m 00s, over target (≤ 30m)'
    );
    setLocale('zh-CN');
    expect(option.tooltip.formatter([{ dataIndex: 0 }])).toContain('<strong>10月31日周六</strong><br>新建：4<br>');
  });
});

describe('in words', () => {
  // Read for the canvas: sentences naming the range in the centre's days (its hours as a span, not "on 11:00"),
  // the totals, the busiest day or hour and the longest p90 against its target, in the page's language.
  it('says a range of days: the days it covers, the totals, the busiest day and the longest p90 against its target', () => {
    expect(trendSummary(days, targets)).toBe(
      'Day by day, Sat, Oct 31 to Mon, Nov 2: 16 tickets created and 13 resolved. The most were created on Sun, Nov 1: 12 tickets. ' +
        'First response p90 was longest on Sun, Nov 1, at 40m 00s. It was over its target of 30m on 1 day.'
    );
    setLocale('zh-CN');
    expect(trendSummary(days, targets)).toBe(
      '按日趋势，10月31日周六至11月2日周一：共新建 16 单，解决 13 单。新建最多的一天是11月1日周日，共 12 单。首次响应 p90 最长的一天是11月1日周日，为 40分00秒。有 1 天超过目标 30分钟。'
    );
  });

  it("says one day hour by hour: the day, and the busiest hour as the centre's clock reads its start and end", () => {
    const hours: Trend = {
      ...days,
      step: 'hour',
      timezone: 'Asia/Shanghai',
      buckets: [2, 3, 4].map((h, i) => bucket(`2026-12-07T0${h}:00:00.000Z`, `2026-12-07T0${h + 1}:00:00.000Z`, [1, 1234, 0][i]!, 1, [60, 90, null][i]!))
    };
    expect(trendSummary(hours, targets)).toBe(
      'Hour by hour, Mon, Dec 7: 1,235 tickets created and 3 resolved. The most were created from 11:00 to 12:00: 1,234 tickets. ' +
        'First response p90 was longest from 11:00 to 12:00, at 1m 30s. It was within its target of 30m every hour.'
    );
    setLocale('zh-CN');
    expect(trendSummary(hours, targets)).toBe(
      '按小时趋势，12月7日周一：共新建 1,235 单，解决 3 单。新建最多的时段是11:00至12:00，共 1,234 单。首次响应 p90 最长的时段是11:00至12:00，为 1分30秒。每个小时都在目标 30分钟 以内。'
    );
  });

  it('says an empty range is empty, naming its days, and one ticket as one', () => {
    const quiet = { ...days, buckets: days.buckets.map((b) => bucket(b.from, b.to, 0, 0, null)) };
    expect(trendSummary(quiet, targets)).toBe('Nothing to chart day by day, Sat, Oct 31 to Mon, Nov 2: no ticket was created or resolved, and no first response was given.');
    const one = { ...days, buckets: [bucket(days.from, days.to, 1, 0, null)] };
    expect(trendSummary(one, targets)).toBe(
      'Day by day, Sat, Oct 31 to Sat, Oct 31: 1 ticket created and 0 resolved. The most were created on Sat, Oct 31: 1 ticket. No first response was given.'
    );
    setLocale('zh-CN');
    expect(trendSummary(quiet, targets)).toBe('按日趋势，10月31日周六至11月2日周一：没有可绘制的数据，没有新建或解决的工单，也没有首次响应。');
  });
});

describe('the filters it is drawn for', () => {
  const none = { team: null, agent: null, channel: null, priority: null, category: null };

  it('names every filter in the heading, the team and the agent too, in the page\'s language', () => {
    expect(filterWords(none)).toBe('');
    expect(filterWords({ ...none, team: 'wallet', channel: 'chat' })).toBe('Team wallet · Chat');
    expect(filterWords({ ...none, priority: 'high', category: 'refund' })).toBe('High · Refund');
    expect(filterWords({ ...none, team: 'wallet', agent: 'ann', channel: 'chat', priority: 'urgent', category: 'refund' })).toBe('Team wallet · ann · Chat · Urgent · Refund');
    setLocale('zh-CN');
    expect(filterWords({ ...none, team: 'wallet', channel: 'chat', priority: 'high' })).toBe('团队 wallet · 在线聊天 · 高');
  });

  it('names the agent by name where the page knows it, else by id', () => {
    const filters = { ...none, agent: 'ann', channel: 'chat' };
    expect(filterWords(filters, 'Ann Lee')).toBe('Ann Lee · Chat');
    expect(filterWords(filters)).toBe('ann · Chat');
  });
});
