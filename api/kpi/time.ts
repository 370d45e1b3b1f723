// Calendar arithmetic in an IANA timezone without a date library. Pure.

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric'
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a timezone. */
export function zonedParts(ms: number, tz: string) {
  const p: Record<string, number> = {};
  for (const { type, value } of formatter(tz).formatToParts(new Date(ms))) if (type !== 'literal') p[type] = Number(value);
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second };
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
export function offsetMs(ms: number, tz: string): number {
  const p = zonedParts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant a local wall-clock time occurs: the earlier one when a DST overlap repeats it, and the first
 * instant after it when a DST gap skips it (Santiago and Havana skip midnight itself: their day begins at 01:00).
 */
export function zonedTime(year: number, month: number, day: number, tz: string, hour = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  const DAY = 86_400_000;
  const before = offsetMs(wall - DAY, tz);
  const after = offsetMs(wall + DAY, tz);
  // No transition within a day of it (transitions are further apart than that): one offset, one instant.
  if (before === after) return wall - before;
  // Near one, each offset in force gives a candidate.
  const candidates = [wall - before, wall - after].sort((a, b) => a - b);
  const wallOf = (ms: number) => ms + offsetMs(ms, tz);
  return candidates.find((ms) => wallOf(ms) === wall) ?? candidates.find((ms) => wallOf(ms) > wall) ?? candidates[candidates.length - 1];
}

/** [start, end) of the local calendar day containing `ms`. */
export function dayWindow(ms: number, tz: string): { from: number; to: number } {
  const p = zonedParts(ms, tz);
  const from = zonedTime(p.year, p.month, p.day, tz);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  const to = zonedTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), tz);
  return { from, to };
}

export function isValidTimezone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The first instant after `ms` at which the zone's clock shows a whole hour. */
export function nextLocalHour(ms: number, tz: string): number {
  const HOUR = 3_600_000;
  const intoHour = (((ms + offsetMs(ms, tz)) % HOUR) + HOUR) % HOUR;
  return ms - intoHour + HOUR;
}

/**
 * [from, to) cut at the zone's midnights (`day`) or whole hours (`hour`): a day where the clocks change is 23 or 25
 * hours long, and its hours are those the clock shows. The first and last piece are cut short when from or to are.
 */
export function localBuckets(from: number, to: number, step: 'day' | 'hour', tz: string): { from: number; to: number }[] {
  const buckets: { from: number; to: number }[] = [];
  for (let at = from; at < to; ) {
    const next = Math.min(to, step === 'day' ? dayWindow(at, tz).to : nextLocalHour(at, tz));
    buckets.push({ from: at, to: next });
    at = next;
  }
  return buckets;
}
