// What the server keeps in memory for months stays bounded however much passes through it: many cycles are
// driven through each structure and its size asserted.
import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../api/auth/throttle';
import { Lru } from '../../api/ingest/lru';
import { testApp } from '../helpers/app';

const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('memory over months', () => {
  it('the subjects and rollup rows kept in memory (Lru) hold at most twice their capacity, the latest used among them', () => {
    const lru = new Lru<number, number>(1_000);
    let largest = 0;
    for (let i = 0; i < 1_000_000; i++) {
      lru.set(i, i);
      if (i % 3 === 0) lru.get(7);
      largest = Math.max(largest, lru.size);
    }
    expect(largest).toBeLessThanOrEqual(2_000);
    expect(lru.get(7)).toBe(7);
    expect(lru.get(999_999)).toBe(999_999);
  });

  it('the sign-in throttle remembers at most 10,000 names and addresses, and still holds the latest guesser', () => {
    const throttle = new LoginThrottle();
    const size = () => (throttle as unknown as { tries: Map<string, unknown> }).tries.size;
    for (let i = 0; i < 50_000; i++) throttle.wrong(`10.0.${i >> 8}.${i & 255}`, 'admin', NOW + i);
    for (let i = 0; i < 5; i++) throttle.wrong('192.0.2.1', 'admin', NOW + 50_000 + i);
    expect(size()).toBeLessThanOrEqual(10_000);
    expect(throttle.heldFor('192.0.2.1', 'admin', NOW + 50_005)).toBeGreaterThan(0);
  });

  it('the subjects waiting for events stamped ahead of the clock are let go once replayed', async () => {
    let now = NOW;
    const t = testApp({ now: () => now });
    try {
      for (let b = 0; b < 20; b++) {
        const batch = Array.from({ length: 500 }, (_, i) => ({ id: `a${b}-${i}`, type: 'ticket.created', at: now + 60_000, ticket: `A${b}-${i}`, channel: 'chat' }));
        expect((await t.post(batch)).status).toBe(200);
      }
      now += 61_000;
      expect(t.rt.ingest.replayDue(now)).toBe(10_000);
      expect(t.rt.ingest.replayDue(now + 1_000)).toBe(0);
      expect((await t.kpis({})).backlog.open).toBe(10_000);
    } finally {
      t.close();
    }
  });
});
