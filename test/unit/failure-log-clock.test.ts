// The log during a failure that refuses every batch (a full disk): a line a minute, across a clock set back too.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failureAnswer } from '../../api/answers';

afterEach(() => vi.restoreAllMocks());

describe('refusals in the log', () => {
  it('are written again a minute later after NTP sets the clock back, not once the clock has caught up', () => {
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let clock = Date.parse('2026-11-24T12:00:00Z');
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const refuse = () => expect(failureAnswer(full, 'POST /api/events (clock test)').status).toBe(503);
    refuse();
    clock += 1_000;
    refuse();
    expect(warnings).toHaveBeenCalledTimes(1);
    clock -= 3 * 3_600_000; // set back three hours
    for (let s = 0; s < 61; s++, clock += 1_000) refuse();
    expect(warnings.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(warnings.mock.calls.length).toBeLessThanOrEqual(3);
  });
});
