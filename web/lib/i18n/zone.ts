// The centre's zone (KPI_TIMEZONE) in words, for a locale passed in: no page state, so the server's CSV for people
// names the zone exactly as the pages do.

const formats = new Map<string, Intl.DateTimeFormat | null>();

/** A format whose only part of interest is the zone's; null when this runtime does not know the zone. */
function zoneFormat(locale: string, timeZone: string, style: 'longGeneric' | 'shortOffset' | 'short'): Intl.DateTimeFormat | null {
  const key = `${locale}|${timeZone}|${style}`;
  let format = formats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: style });
    } catch {
      format = null;
    }
    formats.set(key, format);
  }
  return format;
}

const part = (format: Intl.DateTimeFormat | null, at: number) => format?.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? null;

/**
 * The zone's name in the locale's words, the same in summer and winter ("China Standard Time", "中国标准时间",
 * "Pacific Time", "北美太平洋时间"); where the locale has no words for it, the offset as it writes one ("GMT+03:00"),
 * and the zone's id where the runtime does not know the zone at all.
 */
export function zoneNameIn(locale: string, timeZone: string, at: number = Date.now()): string {
  return part(zoneFormat(locale, timeZone, 'longGeneric'), at) ?? timeZone;
}

/** The zone's short name at `at` as the locale writes it ("PST", "GMT+8"), or null for a zone the runtime does not know. */
export function zoneShortNameAt(locale: string, timeZone: string, at: number): string | null {
  return part(zoneFormat(locale, timeZone, 'short'), at);
}

/** The zone's offset from UTC at `at` ("GMT+8", "GMT-7", "GMT+5:30"), or null for a zone the runtime does not know. */
export function zoneOffsetAt(timeZone: string, at: number): string | null {
  return part(zoneFormat('en', timeZone, 'shortOffset'), at);
}

/** Whether a name already says the offset, so writing it again beside the name would say it twice ("GMT+03:00 (GMT+3)"). */
export const nameIsOffset = (name: string) => /^(GMT|UTC)([+\-−]|$)/.test(name);

/** The zone's offsets at these instants, each once, in the instants' order ("GMT-7", "GMT-8" for a story across November's change). */
export function zoneOffsetsAt(timeZone: string, instants: number[]): string[] {
  const offsets: string[] = [];
  for (const at of [...instants].sort((a, b) => a - b)) {
    const offset = zoneOffsetAt(timeZone, at);
    if (offset !== null && !offsets.includes(offset)) offsets.push(offset);
  }
  return offsets;
}

const DAY = 86_400_000;

/**
 * The one offset the zone keeps from a year before `from` to a year after `to`, or null when it has more than one
 * there (daylight saving) or is unknown. A file's times are all of that window or near it (a callback's due may
 * fall after it), so one offset written in its heading holds for every row; a zone that moves its clocks gets none,
 * as a single offset would be wrong for half its rows. Sampled weekly (every daylight-saving period, Morocco's
 * month of Ramadan included, lasts longer), at most 4,000 samples for a window of decades.
 */
export function steadyOffset(timeZone: string, from: number, to: number): string | null {
  const [start, end] = [from - 366 * DAY, to + 366 * DAY];
  const step = Math.max(7 * DAY, (end - start) / 4000);
  const first = zoneOffsetAt(timeZone, start);
  if (first === null) return null;
  for (let at = start + step; at < end + step; at += step) if (zoneOffsetAt(timeZone, Math.min(at, end)) !== first) return null;
  return first;
}
