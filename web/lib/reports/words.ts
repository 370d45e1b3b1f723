// What a report says of a target, a range and a drill-through link, in the page's language.
import { getLocale } from '../i18n';
import type { DateRange } from './range';
import { lastDay } from './range';

/** "target ≤ 10m", "target ≥ 90%": the wall's tiles' words. */
export { targetText } from '../wall/tile';

const dayMs = (date: string) => Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));

/** The days a range shows, first to last ("Nov 24 – 30, 2026"; one day alone), as the locale writes them. */
export function rangeText(range: DateRange): string {
  const format = new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeZone: 'UTC' });
  const last = lastDay(range);
  return last === range.from ? format.format(dayMs(range.from)) : format.formatRange(dayMs(range.from), dayMs(last));
}

/** The reports' address with `params` (null and empty left out), the page's language kept. */
export function reportHref(path: string, params: Record<string, string | null | undefined>, lang: string | null): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...params, lang })) if (v) q.set(k, v);
  return `${path}?${q}`;
}
