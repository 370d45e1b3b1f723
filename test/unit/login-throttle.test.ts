// The hold on wrong passwords falls on the network a guesser holds, not on one address of it.
import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../api/auth/throttle';

const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('LoginThrottle', () => {
  it('holds a /64 of IPv6 as one address: a guesser given a /64 (as every home and server is) cannot take a new address at each try', () => {
    const throttle = new LoginThrottle();
    for (let i = 1; i <= 5; i++) throttle.wrong(`2001:db8:1:2::${i.toString(16)}`, 'admin', NOW);
    expect(throttle.heldFor('2001:db8:1:2:ffff:ffff:ffff:ffff', 'admin', NOW)).toBeGreaterThan(0);
    expect(throttle.heldFor('2001:0DB8:0001:0002:0:0:0:99', 'admin', NOW)).toBeGreaterThan(0);
    // Another network, and the same network's other names, are not held.
    expect(throttle.heldFor('2001:db8:1:3::1', 'admin', NOW)).toBe(0);
    expect(throttle.heldFor('2001:db8:1:2::1', 'mei', NOW)).toBe(0);
  });

  it('holds an IPv4 address as itself, however the socket writes it (::ffff:10.0.0.7 is 10.0.0.7), and no other', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 5; i++) throttle.wrong('::ffff:10.0.0.7', 'admin', NOW);
    expect(throttle.heldFor('10.0.0.7', 'admin', NOW)).toBeGreaterThan(0);
    expect(throttle.heldFor('10.0.0.8', 'admin', NOW)).toBe(0);
  });
});
