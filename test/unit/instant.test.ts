import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../api/events/instant';

describe('parseInstant', () => {
  it('reads toISOString-style instants exactly as Date.parse does, across years, months and leap days', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const from = Date.UTC(1000, 0, 1);
    const span = Date.UTC(9999, 11, 31, 23, 59, 59, 999) - from;
    const samples = [Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2000, 1, 29), Date.UTC(1970, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999)];
    for (let i = 0; i < 5000; i++) samples.push(from + Math.floor((next() / 2 ** 31) * span));
    for (const ms of samples) {
      const iso = new Date(ms).toISOString();
      expect(parseInstant(iso)).toBe(ms);
      expect(parseInstant(iso.replace(/\.\d{3}Z$/, 'Z'))).toBe(ms - (ms % 1000 + 1000) % 1000);
    }
  });

  it('still names what is wrong with a date or time that does not exist', () => {
    expect(parseInstant('2026-02-29T10:00:00Z')).toBe('2026-02-29T10:00:00Z: 2026-02 has no day 29');
    expect(parseInstant('2026-13-01T10:00:00.000Z')).toBe('2026-13-01T10:00:00.000Z: month 13 does not exist');
    expect(parseInstant('2026-04-31T10:00:00Z')).toBe('2026-04-31T10:00:00Z: 2026-04 has no day 31');
    expect(parseInstant('2026-11-24T24:00:00Z')).toMatch(/time of day is out of range/);
    expect(parseInstant('2026-11-24T09:60:00.000Z')).toMatch(/time of day is out of range/);
    expect(parseInstant('2026-11-24T09:30:00')).toMatch(/expected ISO-8601 with Z or an offset/);
    expect(parseInstant('2026-11-24T09:3a:00Z')).toMatch(/expected ISO-8601 with Z or an offset/);
  });

  it('reads the other forms the spec allows: offsets, lower case, other fractions, early years', () => {
    expect(parseInstant('2026-11-24T09:30:00+08:00')).toBe(Date.UTC(2026, 10, 24, 1, 30));
    expect(parseInstant('2026-11-24t09:30:00z')).toBe(Date.UTC(2026, 10, 24, 9, 30));
    expect(parseInstant('2026-11-24T09:30:00.5Z')).toBe(Date.UTC(2026, 10, 24, 9, 30, 0, 500));
    expect(parseInstant('2026-11-24T09:30Z')).toBe(Date.UTC(2026, 10, 24, 9, 30));
    expect(parseInstant('0050-01-01T00:00:00Z')).toBe(Date.parse('0050-01-01T00:00:00Z'));
  });
});
