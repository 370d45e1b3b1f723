// Locale-aware numbers, percentages, durations and clock times. Values come in as raw numbers and leave as
// display parts, so a tile can draw the digits large and the units small.
import { getLocale } from './locale.svelte';
import { t } from './translate';
import { nameIsOffset, zoneNameIn, zoneOffsetsAt, zoneShortNameAt } from './zone';

export interface Part {
  text: string;
  unit?: boolean;
}

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(id: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${getLocale()}|n|${id}`;
  let format = cache.get(key) as Intl.NumberFormat | undefined;
  if (!format) cache.set(key, (format = new Intl.NumberFormat(getLocale(), options)));
  return format;
}

/** A date format in `timeZone`; in the browser's own zone when it does not know that one (cached either way). */
function dateFormat(id: string, options: Intl.DateTimeFormatOptions, timeZone?: string): Intl.DateTimeFormat {
  const key = `${getLocale()}|d|${id}|${timeZone ?? ''}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(getLocale(), { ...options, timeZone });
    } catch {
      format = new Intl.DateTimeFormat(getLocale(), options);
    }
    cache.set(key, format);
  }
  return format;
}

const isNumber = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

export function partsText(parts: Part[]): string {
  return parts.map((part) => part.text).join('');
}

export function countParts(value: number | null | undefined): Part[] {
  return isNumber(value) ? [{ text: numberFormat('count', { maximumFractionDigits: 0 }).format(value) }] : [{ text: t('value.none') }];
}

/**
 * Percent as parts, to a tenth of a percent, a tenth of 0 written too ("87.0%" beside "94.1%": "87%" was drawn larger
 * than its neighbours, and a figure grew and shrank as it crossed a whole percent); `compact`, for a target, without it ("90%").
 */
export const pctParts = (value: number | null | undefined, compact = false): Part[] => pctToStep(value, 0.1, compact);

/**
 * Percent as parts to `step` (a tenth, or a whole percent). 99.96 % must not be shown as a rounded-up 100 %, which
 * would claim perfection; nor one abandoned call in 3,000 (0.03 %) as 0 %, which would claim none.
 */
function pctToStep(value: number | null | undefined, step: 0.1 | 1, compact = false): Part[] {
  if (!isNumber(value)) return [{ text: t('value.none') }];
  const digits = step === 1 ? 0 : 1;
  const minDigits = compact ? 0 : digits;
  if (value > 0 && value < step / 2) return [{ text: '<' }, ...pctOf(step, minDigits, digits)];
  if (value >= 100 - step / 2 && value < 100) return pctOf(100 - step, minDigits, digits);
  return pctOf(step === 1 ? Math.round(value) : value, minDigits, digits);
}

function pctOf(value: number, minDigits: number, maxDigits: number): Part[] {
  return numberFormat(`pct${minDigits}${maxDigits}`, { style: 'percent', minimumFractionDigits: minDigits, maximumFractionDigits: maxDigits })
    .formatToParts(value / 100)
    .map((part) => (part.type === 'percentSign' ? { text: part.value, unit: true } : { text: part.value }));
}

/**
 * "45s", "4m 12s", "2h 05m", "3d 04h" (zh-CN: "4分12秒", "2小时05分"): the two largest units, the second padded.
 * `compact` drops a zero second unit ("30m", "4h"; zh-CN "30分钟"), for thresholds rather than ticking values.
 */
export function durationParts(seconds: number | null | undefined, compact = false): Part[] {
  if (!isNumber(seconds)) return [{ text: t('value.none') }];
  const total = Math.max(0, Math.floor(seconds));
  const [big, bigUnit, small, smallUnit] =
    total < 60
      ? [total, 'unit.s', null, null]
      : total < 3600
        ? [Math.floor(total / 60), 'unit.m', total % 60, 'unit.s']
        : total < 86400
          ? [Math.floor(total / 3600), 'unit.h', Math.floor(total / 60) % 60, 'unit.m']
          : [Math.floor(total / 86400), 'unit.d', Math.floor(total / 3600) % 24, 'unit.h'];
  const showSmall = small !== null && smallUnit !== null && !(compact && small === 0);
  // Minutes with no seconds after them are 分钟 in Chinese: "30分" alone reads as 30 points (4分12秒 and 2小时05分 are right).
  const unit = bigUnit === 'unit.m' && !showSmall ? 'unit.mAlone' : bigUnit;
  const parts: Part[] = [{ text: numberFormat('int', { maximumFractionDigits: 0 }).format(big) }, { text: t(unit as 'unit.s'), unit: true }];
  if (showSmall) {
    const sep = t('unit.sep');
    if (sep) parts.push({ text: sep });
    parts.push({ text: numberFormat('pad2', { minimumIntegerDigits: 2, useGrouping: false }).format(small) });
    parts.push({ text: t(smallUnit as 'unit.s'), unit: true });
  }
  return parts;
}

export const formatCount = (value: number | null | undefined) => partsText(countParts(value));
export const formatPct = (value: number | null | undefined) => partsText(pctParts(value));
export const formatDuration = (seconds: number | null | undefined) => partsText(durationParts(seconds));
/** Whole minutes from `from` seconds up to an hour; otherwise as `durationParts`. */
const toTheMinuteFrom = (from: number) => (seconds: number | null | undefined) =>
  typeof seconds === 'number' && seconds >= from && seconds < 3600 ? durationParts(Math.floor(seconds / 60) * 60, true) : durationParts(seconds);
const sinceMinute = toTheMinuteFrom(60);
/**
 * Time in a state at a glance: seconds only in the first minute, then minutes, then hours and minutes, and
 * whole hours from 10 hours on ("16小时12分" was cut to "16小时1…" in an agent row).
 */
export const elapsedParts = (seconds: number | null | undefined) =>
  typeof seconds === 'number' && seconds >= 36_000 && seconds < 86_400 ? durationParts(Math.floor(seconds / 3600) * 3600, true) : sinceMinute(seconds);
/**
 * A duration in a dense board cell: to the second under 10 minutes, then whole minutes ("4m 54s", "15m",
 * "2h 05m"). "15分12秒" did not fit an agent row of the three-column wall and was cut to "15分1…".
 */
export const briefDurationParts = toTheMinuteFrom(600);
/** Whole percent as parts, for dense tables where a decimal would not fit ("77 %", never a rounded-up 100 %, nor 0 % for some). */
export const wholePctParts = (value: number | null | undefined): Part[] => pctToStep(value, 1);

/** hh:mm:ss in the given zone (the KPI day's, so the wall's clock agrees with its charts), else the browser's. */
export function formatClock(at: Date | number, timeZone?: string): string {
  return dateFormat('clock', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }, timeZone).format(at);
}

/**
 * The zone's short name at `at`, as the locale writes it ("PST", "GMT+8"): a wall's times are the KPI day's
 * zone, which need not be the zone of whoever reads them. Empty when the browser does not know the zone.
 */
export function formatZone(at: Date | number, timeZone?: string): string {
  return (timeZone && zoneShortNameAt(getLocale(), timeZone, +at)) || '';
}

/**
 * `at` as the clock on the wall of `timeZone` reads it, written as if that were UTC: the charts plot these, with
 * ECharts' UTC ticks, so ticks fall on the centre's round hours whatever the browser's zone (Kolkata's half
 * hour put them at 01:30, 03:30 of a Shanghai centre's day). The browser's own zone when it does not know that one.
 */
export function onWallClock(at: number, timeZone: string): number {
  const p: Record<string, number> = {};
  const clock = dateFormat('wallClock', { hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }, timeZone);
  for (const part of clock.formatToParts(at)) p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) + (((at % 1000) + 1000) % 1000);
}

/** hh:mm in the given zone (the KPI day's zone, for chart axes). */
export function formatHourMinute(at: number, timeZone?: string): string {
  return dateFormat('hm', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, timeZone).format(at);
}

export type ValueKind = 'count' | 'duration' | 'pct';

export function valueParts(kind: ValueKind, value: number | null | undefined, compact = false): Part[] {
  return kind === 'duration' ? durationParts(value, compact) : kind === 'pct' ? pctParts(value, compact) : countParts(value);
}

const plainPct = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1, useGrouping: false });

/**
 * `value` at the precision `valueParts` shows it to (a tenth of a percent; a second, or a minute past an hour, or an
 * hour past a day), rounded as shown (`nearest`: durations are cut down, the rest rounded), down or up. A rate that
 * is not zero is never rounded to 0 %, nor one short of 100 % up to it.
 */
export function roundedAsShown(kind: ValueKind, value: number, direction: 'nearest' | 'down' | 'up'): number {
  const round = direction === 'down' || (direction === 'nearest' && kind === 'duration') ? Math.floor : direction === 'up' ? Math.ceil : Math.round;
  if (kind === 'pct') {
    // Nearest by the very rounding the tile's Intl format does (5.05 % is "5%", 79.95 % "80%"); down and up with a
    // nudge that keeps float noise (0.7 * 10 = 7.000000000000001) from moving a figure that is exact already.
    const shown =
      direction === 'nearest'
        ? Number(plainPct.format(value / 100).replace('%', ''))
        : round(value * 10 + (direction === 'up' ? -1e-9 : 1e-9)) / 10;
    return (shown === 0 && value > 0) || (shown >= 100 && value < 100) ? value : shown;
  }
  const step = kind === 'count' || value < 3600 ? 1 : value < 86400 ? 60 : 3600;
  return round(value / step) * step;
}

export const formatValue = (kind: ValueKind, value: number | null | undefined, compact = false) =>
  partsText(valueParts(kind, value, compact));

/** A time of day as the locale writes it ("10:06 PM", "22:06"), in the given zone, else the browser's. */
export function formatTimeOfDay(at: Date | number, timeZone?: string): string {
  return dateFormat('timeOfDay', { hour: 'numeric', minute: '2-digit' }, timeZone).format(at);
}

/** A date and time of day as the locale writes them, in the given zone, else the browser's. */
export function formatDateTime(at: Date | number, timeZone?: string): string {
  return dateFormat('dateTime', { dateStyle: 'medium', timeStyle: 'short' }, timeZone).format(at);
}

/**
 * A time shown among `instants` (a story's, a list's) as the centre's clock reads it. Where they are at more than one
 * offset (the clocks changed among them), each says its own: on the night New York falls back, 01:30 comes twice.
 */
export function formatTimeAmong(at: number, timeZone: string, instants: number[]): string {
  if (zoneOffsetsAt(timeZone, instants).length < 2) return formatDateTime(at, timeZone);
  return dateFormat('dateTimeOffset', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'shortOffset' }, timeZone).format(at);
}

const DAY_PARTS = {
  full: { dateStyle: 'medium' },
  monthDay: { month: 'short', day: 'numeric' },
  day: { day: 'numeric' },
  year: { year: 'numeric' }
} satisfies Record<string, Intl.DateTimeFormatOptions>;

/**
 * A calendar day ("2026-12-01": a day of the centre's, not an instant, so no zone moves it), or part of it, as the
 * locale writes it: `full` "Dec 1, 2026" / "2026年12月1日", `monthDay` "Dec 1" / "12月1日", `day` "1" / "1日",
 * `year` "2026" / "2026年". A range is put together from these by the dictionary: the browser's own range format
 * writes a Chinese range as "2026/12/1 – 2026/12/7".
 */
export function formatDay(date: string, part: keyof typeof DAY_PARTS = 'full'): string {
  return dateFormat(`day-${part}`, DAY_PARTS[part], 'UTC').format(Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)));
}

/** A zone by its name in the page's language ("China Standard Time", "中国标准时间"); its id when the browser does not know it. */
export function formatZoneName(timeZone: string, at: Date | number = Date.now()): string {
  return zoneNameIn(getLocale(), timeZone, +at);
}

/**
 * The zone a story's times are in, named as /reports names it, with its offsets at those times ("China Standard Time
 * (GMT+8)", "北美太平洋时间（GMT-7）"; "GMT-7 and GMT-8" across a change of the clocks), so a reader elsewhere can
 * tell the centre's clock from their own; the name alone where it already is an offset or the browser has no offset.
 */
export function formatStoryZone(timeZone: string, instants: number[]): string {
  const name = formatZoneName(timeZone, instants.reduce((a, b) => Math.min(a, b), Date.now()));
  const offsets = nameIsOffset(name) ? [] : zoneOffsetsAt(timeZone, instants.length ? instants : [Date.now()]);
  if (!offsets.length) return t('drill.zone.storyName', { name });
  return t('drill.zone.story', { name, offset: new Intl.ListFormat(getLocale(), { type: 'conjunction' }).format(offsets) });
}

/** A date as the locale writes it ("Dec 6, 2026", "2026年12月6日"), in the browser's zone. */
export function formatDate(at: Date | number): string {
  return dateFormat('date', { dateStyle: 'medium' }).format(at);
}
