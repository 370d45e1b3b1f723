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
