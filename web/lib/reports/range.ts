// A report's window in the centre's days: dates alone (2026-11-24), which the API reads as midnight in KPI_TIMEZONE,
// `to` the day after the last one shown (windows are [from, to)).
import { offsetMs } from '../../../api/kpi/time';

export const PRESETS = ['today', 'yesterday', 'last7', 'last30', 'thisMonth'] as const;
export type Preset = (typeof PRESETS)[number];

export interface DateRange {
  from: string;
  to: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The calendar day `date` names, as epoch ms of its UTC midnight, or null for text that is not a day of the calendar. */
function dayOf(date: string): number | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  return new Date(ms).toISOString().slice(0, 10) === date ? ms : null;
}

export const isDate = (date: string | null | undefined): date is string => typeof date === 'string' && dayOf(date) !== null;

/** The day `days` after `date` (before, when negative), by the calendar alone: no zone's 23- or 25-hour day moves it. */
export function addDays(date: string, days: number): string {
  return new Date(dayOf(date)! + days * 86_400_000).toISOString().slice(0, 10);
}

/** A format in the centre's zone (`timeZone`; the browser's own when null or unknown). */
function formatIn(timeZone: string | null, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-CA', { ...options, timeZone: timeZone ?? undefined });
  } catch {
    return new Intl.DateTimeFormat('en-CA', options);
  }
}

/** The date it is at `now` on the centre's wall (`timeZone`; the browser's own when null or unknown). */
export function dateIn(now: number, timeZone: string | null): string {
  const p = Object.fromEntries(formatIn(timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now).map((part) => [part.type, part.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/** A preset's days, in the centre's calendar at `now`: "Last 7 days" is today and the six before it. */
export function presetRange(preset: Preset, now: number, timeZone: string | null): DateRange {
  const today = dateIn(now, timeZone);
  const tomorrow = addDays(today, 1);
  switch (preset) {
    case 'today':
      return { from: today, to: tomorrow };
    case 'yesterday':
      return { from: addDays(today, -1), to: today };
    case 'last7':
      return { from: addDays(today, -6), to: tomorrow };
    case 'last30':
      return { from: addDays(today, -29), to: tomorrow };
    case 'thisMonth':
      return { from: `${today.slice(0, 8)}01`, to: tomorrow };
  }
}

/** The preset a range is, at `now`, if any (the one to mark as chosen). */
export function presetOf(range: DateRange, now: number, timeZone: string | null): Preset | null {
  return PRESETS.find((p) => {
    const r = presetRange(p, now, timeZone);
    return r.from === range.from && r.to === range.to;
  }) ?? null;
}

/**
 * The range an address asks for: its `from` and `to` when both are days and `from` comes first; else today. A custom
 * range is typed as its first and last day, both shown: `to` in the address is the day after the last.
 */
export function rangeOf(from: string | null, to: string | null, now: number, timeZone: string | null): DateRange & { asked: boolean } {
  if (isDate(from) && isDate(to) && from < to) return { from, to, asked: true };
  return { ...presetRange('today', now, timeZone), asked: false };
}

/** The last day a range shows (its `to` is the day after). */
export const lastDay = (range: DateRange) => addDays(range.to, -1);

/** A custom range as typed (first and last day, both shown) in the address's terms; null when the last comes before the first. */
export function customRange(first: string, last: string): DateRange | null {
  if (!isDate(first) || !isDate(last) || last < first) return null;
  return { from: first, to: addDays(last, 1) };
}

const DAY_MS = 86_400_000;

/** How many of the centre's days a range covers. */
export const daysOf = (range: DateRange) => Math.round((Date.parse(range.to) - Date.parse(range.from)) / DAY_MS);

/** Whether a range is today alone, in the centre's calendar at `now`: then the period before is yesterday up to now's time of day. */
export const isToday = (range: DateRange, now: number, timeZone: string | null) => daysOf(range) === 1 && range.from === dateIn(now, timeZone);

/**
 * The period just before a range, the same number of the centre's days (the 7 days before the last 7), for today
 * yesterday up to the same time on the centre's clock (an instant, in ISO, as GET /api/kpis reads `to`).
 */
export function previousRange(range: DateRange, now: number, timeZone: string | null): DateRange {
  if (!isToday(range, now, timeZone)) return { from: addDays(range.from, -daysOf(range)), to: range.from };
  const wanted = wallClock(now, timeZone) - DAY_MS;
  // A day before by the clock on the wall, not 24 hours: a day the clocks changed had 23 or 25.
  let at = now - DAY_MS;
  at += wanted - wallClock(at, timeZone);
  return { from: addDays(range.from, -1), to: new Date(at).toISOString() };
}

/** `at` as the centre's wall clock reads it, written as if that were UTC (the browser's own zone when null or unknown). */
const wallClock = (at: number, timeZone: string | null) => at + offsetMs(at, formatIn(timeZone, {}).resolvedOptions().timeZone);
