// What a report says of a target, a range and a drill-through link, in the page's language.
import { en, formatCount, formatDay, getLocale, t, type MessageKey } from '../i18n';
import type { DateRange, Preset } from './range';
import { lastDay } from './range';

/** "target ≤ 10m", "target ≥ 90%": the wall's tiles' words. */
export { targetText } from '../wall/tile';

/**
 * The days a range shows, first to last, as the page's language writes them ("Nov 24 – 30, 2026", "2026年11月24日 至
 * 11月30日"; one day alone): the year said once unless the range crosses one, and a month once in English.
 */
export function rangeText(range: DateRange): string {
  const [first, last] = [range.from, lastDay(range)];
  if (last === first) return formatDay(first);
  const key = first.slice(0, 4) !== last.slice(0, 4) ? 'reports.days.years' : first.slice(0, 7) !== last.slice(0, 7) ? 'reports.days.months' : 'reports.days.sameMonth';
  return t(key, {
    first: formatDay(first),
    last: formatDay(last),
    firstMonthDay: formatDay(first, 'monthDay'),
    lastMonthDay: formatDay(last, 'monthDay'),
    lastDay: formatDay(last, 'day'),
    year: formatDay(last, 'year')
  });
}

/** What a report's address says of the days and filters its drill links carry (a ReportAddress). */
export interface LinkScope {
  range: DateRange | null;
  chosenPreset: Preset | null;
  filterWords: string;
}

/**
 * A count's drill link named as a sentence saying what its list holds, for a screen reader ("15 rated tickets of
 * cao.yan, last 7 days", "cao.yan，最近 7 天的已评分工单，共 15 张"): whose (`whom`, the row's name), which days (a
 * preset's words, or the range's), and under which filters. A measure with no sentence of its own reads its name.
 */
export function countLinkName(measure: string, count: number, whom: string, scope: LinkScope): string {
  const when = scope.chosenPreset ? t(`reports.link.when.${scope.chosenPreset}`) : scope.range ? rangeText(scope.range) : '';
  const key = `reports.link.${measure}`;
  const sentence =
    key in en ? t(key as MessageKey, { count: formatCount(count), whom, when }, count) : `${whom}, ${t(`measure.${measure}` as MessageKey)}: ${formatCount(count)}`;
  return scope.filterWords ? t('reports.link.filtered', { sentence, filters: scope.filterWords }) : sentence;
}

/** The reports' address with `params` (null and empty left out), the page's language kept. */
export function reportHref(path: string, params: Record<string, string | null | undefined>, lang: string | null): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...params, lang })) if (v) q.set(k, v);
  return `${path}?${q}`;
}

/** The categories the dictionary has words for: this centre's (api/sim/centre.ts), the ones its helpdesk sends. */
export const KNOWN_CATEGORIES = Object.keys(en)
  .filter((key) => key.startsWith('category.'))
  .map((key) => key.slice('category.'.length));

/** A category as the page's language says it ("未确认付款", "Unconfirmed payment"); one the dictionary lacks as it was sent. */
export const categoryWord = (code: string): string => (KNOWN_CATEGORIES.includes(code) ? t(`category.${code}` as MessageKey) : code);

/** A suggestion of the category filter: its word with its code ("未确认付款 (unconfirmed_payment)"), or the code alone. */
export const categorySuggestion = (code: string): string => (categoryWord(code) === code ? code : `${categoryWord(code)} (${code})`);

/**
 * What was typed in the category filter, as the code the address carries: a category seen in the range as it is; a
 * known category's word in the page's language (in any capitals) or its suggestion, its code; anything else as typed.
 */
export function categoryCode(typed: string, seen: readonly string[] = []): string {
  const text = typed.trim();
  if (!text || seen.includes(text)) return text;
  const lower = text.toLocaleLowerCase(getLocale());
  return KNOWN_CATEGORIES.find((code) => text === categorySuggestion(code) || lower === categoryWord(code).toLocaleLowerCase(getLocale())) ?? text;
}
