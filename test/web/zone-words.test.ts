// A story's times are the centre's wall clock (KPI_TIMEZONE): the line above them names that zone as /reports does,
// in the page's language, with the offsets its times were at, so a manager elsewhere can tell it from their own clock.
import { afterEach, describe, expect, it } from 'vitest';
import { formatStoryZone, setLocale } from '../../web/lib/i18n';

afterEach(() => setLocale('en'));

const SUMMER = [Date.parse('2026-07-15T16:00:00Z'), Date.parse('2026-07-16T01:00:00Z')];
const WINTER = [Date.parse('2026-01-15T17:00:00Z')];
/** A story across November's change of the clocks in Los Angeles (Nov 1, 2026). */
const ACROSS = [Date.parse('2026-10-31T20:00:00Z'), Date.parse('2026-11-02T20:00:00Z')];

describe("a story's zone line", () => {
  it('names Shanghai in words with its offset, in English and in Chinese (it said "Asia/Shanghai")', () => {
    expect(formatStoryZone('Asia/Shanghai', WINTER)).toBe('Times in China Standard Time (GMT+8)');
    setLocale('zh-CN');
    expect(formatStoryZone('Asia/Shanghai', WINTER)).toBe('时间均为中国标准时间（GMT+8）');
  });

  it("names Los Angeles by its generic name summer and winter, with the offset the story's own times were at, not today's", () => {
    expect(formatStoryZone('America/Los_Angeles', SUMMER)).toBe('Times in Pacific Time (GMT-7)');
    expect(formatStoryZone('America/Los_Angeles', WINTER)).toBe('Times in Pacific Time (GMT-8)');
    expect(formatStoryZone('America/Los_Angeles', ACROSS)).toBe('Times in Pacific Time (GMT-7 and GMT-8)');
    setLocale('zh-CN');
    expect(formatStoryZone('America/Los_Angeles', SUMMER)).toBe('时间均为北美太平洋时间（GMT-7）');
    expect(formatStoryZone('America/Los_Angeles', WINTER)).toBe('时间均为北美太平洋时间（GMT-8）');
    expect(formatStoryZone('America/Los_Angeles', ACROSS)).toBe('时间均为北美太平洋时间（GMT-7和GMT-8）');
  });

  it('falls back to something readable for a zone without words: its offset once, an alias by its zone, else its id', () => {
    expect(formatStoryZone('Etc/GMT-3', WINTER)).toBe('Times in GMT+03:00');
    expect(formatStoryZone('America/Argentina/ComodRivadavia', WINTER)).toBe('Times in Argentina Standard Time (GMT-3)');
    expect(formatStoryZone('Mars/Olympus_Mons', WINTER)).toBe('Times in Mars/Olympus_Mons');
    setLocale('zh-CN');
    expect(formatStoryZone('Etc/GMT-3', WINTER)).toBe('时间均为GMT+03:00');
    expect(formatStoryZone('Mars/Olympus_Mons', WINTER)).toBe('时间均为Mars/Olympus_Mons');
  });
});
