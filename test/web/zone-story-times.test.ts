// A story's times across a change of the clocks: each says its offset, so the two 01:30s of New York's fall-back
// night read as an hour apart; a story within one offset reads as before, the zone line above it saying the offset.
import { afterEach, describe, expect, it } from 'vitest';
import { formatTimeAmong, setLocale } from '../../web/lib/i18n';

afterEach(() => setLocale('en'));

const EDT = Date.parse('2026-11-01T05:30:00Z'); // 01:30, first time round
const EST = Date.parse('2026-11-01T06:30:00Z'); // 01:30 again, an hour later
const NY = 'America/New_York';

describe("a story's times in the centre's zone", () => {
  it("tells New York's two 01:30s apart on the night the clocks fall back, in English and in Chinese", () => {
    const story = [EDT, EST];
    expect(formatTimeAmong(EDT, NY, story)).toBe('Nov 1, 2026, 1:30 AM GMT-4');
    expect(formatTimeAmong(EST, NY, story)).toBe('Nov 1, 2026, 1:30 AM GMT-5');
    setLocale('zh-CN');
    expect(formatTimeAmong(EDT, NY, story)).not.toBe(formatTimeAmong(EST, NY, story));
    expect(formatTimeAmong(EST, NY, story)).toMatch(/^2026年11月1日 ?GMT-5 ?0?1:30$/);
  });

  it('writes a story within one offset as before: the clock alone', () => {
    expect(formatTimeAmong(EDT, NY, [EDT, EDT + 600_000])).toBe('Nov 1, 2026, 1:30 AM');
    const kolkata = Date.parse('2026-11-24T04:15:00Z');
    expect(formatTimeAmong(kolkata, 'Asia/Kolkata', [kolkata])).toBe('Nov 24, 2026, 9:45 AM');
  });
});
