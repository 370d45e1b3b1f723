// Which of today's 15-minute slots the wall's charts show. No runes or DOM here: the heap benchmark counts the
// points on screen with it too.
import type { TodaySeries } from '../../../api/live/protocol';

const HOUR_SLOTS = 4;
const MIN_SPAN_SLOTS = 16;

/** Slots `first`..`last` of the day, and the times they span (epoch ms) for the x axis. */
export interface SlotWindow {
  first: number;
  last: number;
  min: number;
  max: number;
}

/**
 * From an hour before the day got busy (a quarter of a typical slot's tickets, the median of those with any; the
 * overnight trickle is not worth the width) up to the slot that holds `at`, and never less than four hours. Not a
 * share of the peak: one quarter hour of an outage's flood made that the moment the day got busy, and the morning
 * before it left the charts.
 */
export function visibleSlots(series: TodaySeries, at: string): SlotWindow {
  const slot = series.slotMs || 900_000;
  const last = Math.max(0, Math.floor((Date.parse(at) - Date.parse(series.from)) / slot));
  const counts = series.created.slice(0, last + 1).filter((n) => n > 0).sort((a, b) => a - b);
  const typical = counts.length ? counts[Math.floor(counts.length / 2)]! : 0;
  let busy = series.created.findIndex((n) => n > 0 && n >= typical / 4);
  if (busy < 0 || busy > last) busy = last;
  busy = Math.max(0, busy - (busy % HOUR_SLOTS) - HOUR_SLOTS);
  return slotWindow(series, Math.max(0, Math.min(busy, last - MIN_SPAN_SLOTS + 1)), last);
}

export function slotWindow(series: TodaySeries, first: number, last: number): SlotWindow {
  const slot = series.slotMs || 900_000;
  const from = Date.parse(series.from);
  return { first, last, min: from + first * slot, max: from + (last + 1) * slot };
}

/**
 * A count per slot for a tile's sparkline: the slots on screen whose 15 minutes are over. The slot in progress
 * holds only its first minutes' count, and as the line's last point it read as a collapse every quarter hour.
 */
export function finishedSlots(counts: number[], window: SlotWindow): number[] {
  return counts.slice(window.first, window.last);
}
