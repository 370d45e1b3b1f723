// Instants as the spec has them: integer epoch milliseconds, or ISO-8601 with `Z` or an offset. One parser
// for event times (`at`, `due`) and for query windows (`from`, `to`), and a zod schema for each.
//
// Strict on purpose: JavaScript's Date.parse rolls 2026-02-30 over to 2 March and reads 24:00 as the next
// day, so a typo would be stored as another day's event. The calendar fields are checked before it runs.
import { z } from 'zod';

/** The largest distance from the epoch a JavaScript Date can hold, in ms. */
export const MAX_EPOCH_MS = 8.64e15;

export const INSTANT_EXPECTED = 'expected ISO-8601 with Z or an offset (e.g. 2026-11-24T09:30:00Z) or integer epoch milliseconds';

// An offset is ±hh:mm, ±hhmm or, in whole hours, ±hh; a fraction's decimal sign a point or a comma (ISO-8601 allows each).
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(?:Z|[+-](\d{2})(?::?(\d{2}))?)$/i;

/**
 * Days in a month of the proleptic Gregorian calendar (month 1–12). Date.UTC reads years 0–99 as 1900–1999
 * (1900 is no leap year, year 0 is); 400 years on, the calendar is the same.
 */
export const daysIn = (year: number, month: number) => new Date(Date.UTC(year + 400, month, 0)).getUTCDate();

/** The number written by `count` digits of `v` from `from`, or -1 if any of them is not a digit. */
function digits(v: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Epoch ms of `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.mmmZ` (what toISOString writes, and most senders),
 * a real date and time of day in years 1000–9999, read from its characters; null for anything else, which the
 * regular expression and Date.parse then read (or say what is wrong with). Every event has an `at`: this
 * was a tenth of the main thread's time per event of a batched POST.
 */
function canonicalUtc(v: string): number | null {
  const n = v.length;
  if ((n !== 20 && n !== 24) || v.charCodeAt(n - 1) !== 90 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 84) return null;
  if (v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58 || (n === 24 && v.charCodeAt(19) !== 46)) return null;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  const hour = digits(v, 11, 2);
  const minute = digits(v, 14, 2);
  const second = digits(v, 17, 2);
  const ms = n === 24 ? digits(v, 20, 3) : 0;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return null;
  if (day > 28 && day > daysIn(year, month)) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** Epoch ms of an instant, or what is wrong with it (a message for the sender). */
export function parseInstant(v: unknown): number | string {
  if (v === undefined || v === null) return `required: ${INSTANT_EXPECTED}`;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return `epoch milliseconds must be an integer, got ${v}`;
    if (Math.abs(v) > MAX_EPOCH_MS) return `epoch milliseconds must be within ±${MAX_EPOCH_MS}, got ${v}`;
    return v;
  }
  if (typeof v !== 'string') return INSTANT_EXPECTED;
  const canonical = canonicalUtc(v);
  if (canonical !== null) return canonical;
  const m = ISO.exec(v);
  if (!m) return INSTANT_EXPECTED;
  // Read field by field: every event has an `at`, and arrays made to destructure them were garbage each time.
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  const hour = +m[4];
  const minute = +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  const offH = m[7] === undefined ? 0 : +m[7];
  const offM = m[8] === undefined ? 0 : +m[8];
  if (month < 1 || month > 12) return `${v}: month ${month} does not exist`;
  if (day < 1 || (day > 28 && day > daysIn(year, month))) return `${v}: ${m[1]}-${m[2]} has no day ${day}`;
  if (hour > 23 || minute > 59 || second > 59) return `${v}: the time of day is out of range (00:00:00 to 23:59:59)`;
  if (offH > 23 || offM > 59) return `${v}: the offset is out of range`;
  // Date.parse reads neither a decimal comma nor an offset of hours alone: given it as a point, and +08 as +08:00.
  const point = v.replace(',', '.');
  const ms = Date.parse(m[7] !== undefined && m[8] === undefined ? `${point}:00` : point);
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_EPOCH_MS) return `${v}: outside the range of dates this server can hold`;
  return ms;
}

/** Reads what `input` accepts as an instant (epoch ms) with `parse`, every way it can be wrong reported by name. */
export function instantSchema<T>(input: z.ZodType<T>, parse: (v: T) => number | string) {
  return input.transform((v, ctx) => {
    const ms = parse(v);
    if (typeof ms === 'string') {
      ctx.addIssue({ code: 'custom', message: ms });
      return z.NEVER;
    }
    return ms;
  });
}

/** An event's `at` or `due`, as sent in JSON. */
export const instant = instantSchema(z.unknown(), parseInstant);
