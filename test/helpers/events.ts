// Terse builders for raw events in tests. Times are minutes after T0 unless given as epoch ms.
import type { FloorEvent } from '../../api/events/schema';
import { validateEvents } from '../../api/events/parse';

export const T0 = Date.parse('2026-11-24T01:00:00Z');
export const min = (m: number) => T0 + m * 60_000;

let counter = 0;
export type Raw = Record<string, unknown> & { type: string };

export function ev(type: string, atMin: number, fields: Record<string, unknown> = {}, id?: string): Raw {
  return { id: id ?? `e${++counter}`, type, at: min(atMin), ...fields };
}

/** Validates raw events exactly as the API does, failing loudly if a builder made something invalid. */
export function valid(raw: Raw[], now = Date.parse('2030-01-01T00:00:00Z')): FloorEvent[] {
  const r = validateEvents(raw, now);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.events;
}

/**
 * Yesterday in `zone` (YYYY-MM-DD), the day after it (a report's `to`), and an instant of that day given in UTC:
 * `at('04:15')` is 12:15 in Shanghai, the same day.
 */
export function yesterdayIn(zone: string): { day: string; nextDay: string; at: (hhmm: string) => number } {
  const day = new Date(Date.now() - 86_400_000).toLocaleDateString('en-CA', { timeZone: zone });
  const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { day, nextDay, at: (hhmm) => Date.parse(`${day}T${hhmm}:00Z`) };
}

/**
 * For a browser test's seed: the minute, the instant an hour ago, and an event by id, instant and fields, so that the
 * seed's events fall within the last hour (and today, but in a run in the centre's first hour of the day).
 */
export function lastHour(): { min: number; t0: number; ev: (id: string, at: number, rest: Record<string, unknown>) => Record<string, unknown> } {
  const minute = 60_000;
  return { min: minute, t0: Date.now() - 60 * minute, ev: (id, at, rest) => ({ id, at, ...rest }) };
}
