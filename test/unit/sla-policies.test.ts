// SLA policy versions: which first-response target holds for a priority, a channel and a time.
import { describe, expect, it } from 'vitest';
import { effectiveFromOf, slaLookup } from '../../api/kpi/sla-policies';

const T = Date.parse('2026-11-24T12:00:00Z');
const MIN = 60_000;

describe('SLA policy lookup', () => {
  it("is SPEC's defaults before any version, and for a priority a version has no rule for", () => {
    const lookup = slaLookup([{ effectiveFrom: T, rules: [{ priority: 'urgent', channel: null, targetSec: 120 }] }]);
    expect(['urgent', 'high', 'normal', 'low'].map((p) => lookup(p, 'chat', T - 1))).toEqual([300, 1800, 7200, 28800]);
    expect(['urgent', 'high', 'normal', 'low'].map((p) => lookup(p, 'chat', T))).toEqual([120, 1800, 7200, 28800]);
  });

  it('takes the newest version in effect at the time, in whatever order they come', () => {
    const v = (at: number, sec: number) => ({ effectiveFrom: at, rules: [{ priority: 'high' as const, channel: null, targetSec: sec }] });
    const lookup = slaLookup([v(T + 20 * MIN, 600), v(T, 900), v(T + 10 * MIN, 1200)]);
    expect([T - 1, T, T + 10 * MIN - 1, T + 10 * MIN, T + 20 * MIN, T + 1e9].map((at) => lookup('high', 'email', at))).toEqual([1800, 900, 900, 1200, 600, 600]);
  });

  it("takes a channel's rule over the any-channel one, which holds on every other channel", () => {
    const lookup = slaLookup([
      {
        effectiveFrom: T,
        rules: [
          { priority: 'urgent', channel: 'chat', targetSec: 60 },
          { priority: 'urgent', channel: null, targetSec: 240 },
          { priority: 'low', channel: 'email', targetSec: 3600 }
        ]
      }
    ]);
    expect(lookup('urgent', 'chat', T)).toBe(60);
    expect(lookup('urgent', 'phone', T)).toBe(240);
    expect(lookup('low', 'email', T)).toBe(3600);
    expect(lookup('low', 'chat', T)).toBe(28800);
  });

  it('takes effect at the next whole minute strictly after the latest time an event stored now can bear (5 min ahead)', () => {
    expect(effectiveFromOf(T)).toBe(T + 6 * MIN);
    expect(effectiveFromOf(T + 1)).toBe(T + 6 * MIN);
    expect(effectiveFromOf(T + MIN - 1)).toBe(T + 6 * MIN);
    expect(effectiveFromOf(T + MIN)).toBe(T + 7 * MIN);
  });
});
