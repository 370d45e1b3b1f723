// The reports' chart says a range is too long for it before asking, by the same bound the API refuses past.
import { describe, expect, it } from 'vitest';
import { MAX_TREND_DAYS as apiMax } from '../../api/routes/trend';
import { MAX_TREND_DAYS, daysOf } from '../../web/lib/reports/trend';

describe("the trend's longest range", () => {
  it('is the API\'s, counted in the calendar\'s days', () => {
    expect(MAX_TREND_DAYS).toBe(apiMax);
    expect(daysOf('2026-12-01', '2026-12-08')).toBe(7);
    // A spring-forward or fall-back day in between is a day all the same.
    expect(daysOf('2026-03-01', '2026-04-01')).toBe(31);
    expect(daysOf('2020-01-01', '2026-12-08')).toBe(2533);
  });
});
