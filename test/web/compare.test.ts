// A report's figure against the period just before: which period, how much it moved, better or worse by the KPI's
// direction, and what a screen reader hears, in en and zh-CN.
import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../../web/lib/i18n';
import { changeSentence, changeText, compareFigure, previousRange, previousWords } from '../../web/lib/reports/compare';

afterEach(() => setLocale('en'));

describe('the period before a report\'s range', () => {
  // 10:15 in Shanghai on 7 December 2026.
  const now = Date.UTC(2026, 11, 7, 2, 15);

  it('is the same number of the centre\'s days just before', () => {
    expect(previousRange({ from: '2026-12-01', to: '2026-12-08' }, now, 'Asia/Shanghai')).toEqual({ from: '2026-11-24', to: '2026-12-01' });
    expect(previousRange({ from: '2026-11-01', to: '2026-12-01' }, now, 'Asia/Shanghai')).toEqual({ from: '2026-10-02', to: '2026-11-01' });
    expect(previousRange({ from: '2026-12-06', to: '2026-12-07' }, now, 'Asia/Shanghai')).toEqual({ from: '2026-12-05', to: '2026-12-06' });
    expect(previousWords({ from: '2026-12-01', to: '2026-12-08' }, now, 'Asia/Shanghai')).toBe('the 7 days before');
    expect(previousWords({ from: '2026-12-06', to: '2026-12-07' }, now, 'Asia/Shanghai')).toBe('the day before');
  });

  it('is, for today, yesterday up to the same time on the centre\'s clock', () => {
    expect(previousRange({ from: '2026-12-07', to: '2026-12-08' }, now, 'Asia/Shanghai')).toEqual({ from: '2026-12-06', to: '2026-12-06T02:15:00.000Z' });
    expect(previousWords({ from: '2026-12-07', to: '2026-12-08' }, now, 'Asia/Shanghai')).toBe('yesterday at this time');
    setLocale('zh-CN');
    expect(previousWords({ from: '2026-12-07', to: '2026-12-08' }, now, 'Asia/Shanghai')).toBe('昨天同一时刻');
  });

  it('counts a day the clocks changed by the clock on the wall, not 24 hours', () => {
    // 09:00 in New York on 8 March 2026, the day the clocks sprang forward: yesterday's 09:00 was 23 hours before.
    const after = Date.UTC(2026, 2, 8, 13);
    expect(previousRange({ from: '2026-03-08', to: '2026-03-09' }, after, 'America/New_York')).toEqual({ from: '2026-03-07', to: '2026-03-07T14:00:00.000Z' });
  });
});

describe('a figure against the period before', () => {
  it('says a duration\'s change as a percentage, worse when longer for a KPI where lower is better', () => {
    const c = compareFigure('duration', 252, 214, { higherIsBetter: false, sample: { now: 40, before: 35 } });
    expect(c).toEqual({ previous: 214, change: 18, tone: 'worse', tooFew: null });
    expect(changeSentence('duration', 252, c, 'the 7 days before')).toBe('4m 12s, 18% longer than the 7 days before: 3m 34s');
    setLocale('zh-CN');
    expect(changeSentence('duration', 252, c, '之前 7 天')).toBe('4分12秒，比之前 7 天（3分34秒）长 18%');
  });

  it('says a rate\'s change in points, better when higher for a KPI where higher is better', () => {
    const c = compareFigure('pct', 92.5, 90, { higherIsBetter: true, sample: { now: 40, before: 40 } });
    expect(c).toMatchObject({ change: 2.5, tone: 'better' });
    expect(changeText('pct', c.change!)).toBe('2.5 pts');
    expect(changeSentence('pct', 92.5, c, 'the day before')).toBe('92.5%, 2.5 pts higher than the day before: 90.0%');
    expect(compareFigure('pct', 85, 90, { higherIsBetter: true }).tone).toBe('worse');
    setLocale('zh-CN');
    expect(changeText('pct', -2.5)).toBe('2.5 个百分点');
  });

  it('leaves a change uncoloured when the KPI has no direction, or none moved as shown', () => {
    expect(compareFigure('count', 12, 10)).toEqual({ previous: 10, change: 20, tone: 'neutral', tooFew: null });
    expect(compareFigure('duration', 100, 100.2, { higherIsBetter: false }).change).toBe(0);
    expect(compareFigure('duration', 100, 100.2, { higherIsBetter: false }).tone).toBe('neutral');
    expect(changeSentence('count', 10, compareFigure('count', 10, 10), 'the day before')).toBe('10, the same as the day before: 10');
  });

  it('says no percentage of nothing, nor of a figure missing on either side', () => {
    expect(compareFigure('count', 5, 0).change).toBeNull();
    expect(compareFigure('duration', 60, null, { higherIsBetter: false }).change).toBeNull();
    expect(changeSentence('count', 5, compareFigure('count', 5, 0), 'the day before')).toBe('5; the day before: 0');
  });

  it('is neutral over too few on either side, and says how many', () => {
    const c = compareFigure('duration', 300, 60, { higherIsBetter: false, sample: { now: 10, before: 2 } });
    expect(c).toEqual({ previous: 60, change: null, tone: 'neutral', tooFew: { before: 2, now: 10 } });
    expect(changeSentence('duration', 300, c, 'the 7 days before')).toBe('5m 00s; the 7 days before: 1m 00s, too few to compare (2 before, 10 now)');
  });
});
