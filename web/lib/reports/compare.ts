// A report's figure against the period just before, of the same length in the centre's days: which period that is,
// how much the figure moved (a percentage, or points for a rate), and whether that is better or worse by the KPI's
// direction (its target's higherIsBetter). Pure: the clock and the zone are passed in.
import { formatValue, getLocale, t, type ValueKind } from '../i18n';
import { MIN_SAMPLE } from '../kpi/agents';
import { daysOf, isToday, type DateRange } from './range';

export { previousRange } from './range';

/** The period before, in words: "the 7 days before", "the day before", "yesterday at this time". */
export function previousWords(range: DateRange, now: number, timeZone: string | null): string {
  if (isToday(range, now, timeZone)) return t('reports.compare.period.today');
  const days = daysOf(range);
  return days === 1 ? t('reports.compare.period.day') : t('reports.compare.period.days', { days });
}

/** The words of a report's period before (Report.previous), once it has been read; '' until then. */
export function periodOf(previous: { range: DateRange; now: number; timeZone: string | null } | null): string {
  return previous ? previousWords(previous.range, previous.now, previous.timeZone) : '';
}

export type Tone = 'better' | 'worse' | 'neutral';

export interface Comparison {
  previous: number | null;
  /** A percentage of the previous figure (counts, durations) or points (rates), rounded as shown; null when none can be said. */
  change: number | null;
  tone: Tone;
  /** The samples on each side (first responses, ratings, completed callbacks) when either is too few to compare. */
  tooFew: { before: number; now: number } | null;
}

export interface Sides {
  /** The KPI's direction, from its target; undefined when it has none (a count): the change is shown uncoloured. */
  higherIsBetter?: boolean;
  /** The samples behind a rate or a duration now and before. */
  sample?: { now: number; before: number };
}

/** A figure now against the same figure the period before. */
export function compareFigure(kind: ValueKind, now: number | null, previous: number | null, sides: Sides = {}): Comparison {
  const { sample, higherIsBetter } = sides;
  if (sample && (sample.now < MIN_SAMPLE || sample.before < MIN_SAMPLE)) return { previous, change: null, tone: 'neutral', tooFew: { ...sample } };
  let change: number | null = null;
  if (now !== null && previous !== null) {
    if (kind === 'pct') change = Math.round((now - previous) * 10) / 10;
    else if (previous !== 0) change = Math.round((100 * (now - previous)) / previous);
  }
  // -0 from a small fall rounded away reads as no change.
  if (change === 0) change = 0;
  const tone: Tone = change === null || change === 0 || higherIsBetter === undefined ? 'neutral' : change > 0 === higherIsBetter ? 'better' : 'worse';
  return { previous, change, tone, tooFew: null };
}

/** The change's size as the page's language writes it: "18%", "2.5 pts" (a rate's, in points). */
export function changeText(kind: ValueKind, change: number): string {
  const size = Math.abs(change);
  if (kind === 'pct') return t('reports.compare.points', { value: new Intl.NumberFormat(getLocale(), { maximumFractionDigits: 1 }).format(size) });
  return new Intl.NumberFormat(getLocale(), { style: 'percent', maximumFractionDigits: 0 }).format(size / 100);
}

export const changeArrow = (change: number | null) => (change === null ? '' : change > 0 ? '▲' : change < 0 ? '▼' : '=');

/** What a screen reader hears of a figure and its change: "4m 12s, 18% longer than the 7 days before: 3m 34s". */
export function changeSentence(kind: ValueKind, now: number | null, c: Comparison, period: string): string {
  const params = { value: formatValue(kind, now), previous: formatValue(kind, c.previous), period };
  if (c.tooFew) return t('reports.compare.say.tooFew', { ...params, before: c.tooFew.before, now: c.tooFew.now });
  if (c.change === null) return t('reports.compare.say.unknown', params);
  if (c.change === 0) return t('reports.compare.say.same', params);
  const way = c.change > 0 ? 'up' : 'down';
  return t(`reports.compare.say.${way}.${kind}`, { ...params, change: changeText(kind, c.change) });
}
