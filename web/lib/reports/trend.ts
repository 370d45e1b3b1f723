// The reports' trend chart: the range day by day (hour by hour for one day) from GET /api/trend, as an ECharts
// option, its bucket labels in the centre's zone, and what it shows in words for a screen reader. Pure.
import type { KpiTarget } from '../../../api/kpi/targets';
import type { Trend, TrendBucket } from '../../../api/queries/getTrend';
import { axisDuration, durationAxis } from '../charts/options';
import type { ChartOption } from '../charts/echarts';
import { palette, type Palette } from '../charts/palette';
import { en, formatCount, formatDuration, formatHourMinute, formatValue, getLocale, t, type MessageKey } from '../i18n';
import { teamLabel } from '../teams/names.svelte';

export type { Trend, TrendBucket };

/**
 * The bars' and the lines' colours in a palette (the page's, or the copies where it has none): the wall's first-response
 * blue is the created bars' here, so the p50 takes the backlog's violet.
 */
export const trendColours = (colours: Palette = palette) => ({ created: colours.created, resolved: colours.resolved, p50: colours.backlog, p90: colours.text });

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** "Nov 24" / "11月24日": a bucket's day as the locale writes it, in the centre's zone. */
function dayText(at: number, timeZone: string, weekday = false): string {
  const key = `${getLocale()}|${timeZone}|${weekday}`;
  let format = dayFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', ...(weekday ? { weekday: 'short' } : {}) };
    try {
      format = new Intl.DateTimeFormat(getLocale(), { ...options, timeZone });
    } catch {
      format = new Intl.DateTimeFormat(getLocale(), options);
    }
    dayFormats.set(key, format);
  }
  return format.format(at);
}

/** A bucket's name on the axis: its day, or for one day's hours the hour it starts ("14:00"). */
export function bucketLabel(bucket: TrendBucket, trend: Pick<Trend, 'step' | 'timezone'>, long = false): string {
  const at = Date.parse(bucket.from);
  return trend.step === 'hour' ? formatHourMinute(at, trend.timezone) : dayText(at, trend.timezone, long);
}

/** The most days the chart draws: the API refuses a longer range (api/routes/trend.ts, which the web does not import). */
export const MAX_TREND_DAYS = 1100;

/** The calendar days from `from` to `to` (dates alone), whatever the zone's clocks did in between. */
export const daysOf = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/**
 * What GET /api/trend will answer for a range of the centre's days (`2026-11-24` to the day after its last): one day is
 * hour by hour, as its step of a window of at most 25 hours.
 */
export const stepOfDays = (from: string, to: string): Trend['step'] => (daysOf(from, to) <= 1 ? 'hour' : 'day');

/** The page's filters the chart is drawn for (GET /api/trend's): a team, an agent, a channel, a priority, a category. */
export interface TrendFilters {
  team: string | null;
  agent: string | null;
  channel: string | null;
  priority: string | null;
  category: string | null;
}

/** A filter's value in the page's language: "Chat", "紧急"; a category, or one the dictionary lacks, as it came. */
export function filterWord(kind: 'channel' | 'priority' | 'category', value: string): string {
  const key = `${kind}.${value}`;
  return key in en ? t(key as MessageKey) : value;
}

/**
 * Every filter the chart is drawn for, in words for its heading: ["Team wallet", "Alice Chen", "Chat", "Urgent",
 * "refund"], the agent by name where the page knows it, else by id.
 */
export function filterNames(filters: TrendFilters, agentName: string | null = null): string[] {
  return [
    filters.team ? t('reports.teamNamed', { team: teamLabel(filters.team) }) : null,
    filters.agent ? (agentName ?? filters.agent) : null,
    ...(['channel', 'priority', 'category'] as const).map((k) => (filters[k] ? filterWord(k, filters[k]!) : null))
  ].filter((w) => w !== null);
}

/** The same in one line: "Team wallet · Alice Chen · Chat · Urgent · refund". */
export const filterWords = (filters: TrendFilters, agentName: string | null = null): string => filterNames(filters, agentName).join(' · ');

/** Whether the chart would have nothing to draw: no ticket created or resolved and no first response in any bucket. */
export function isQuiet(trend: Trend): boolean {
  return trend.buckets.every((b) => b.tickets.created === 0 && b.tickets.resolved === 0 && b.firstResponse.count === 0);
}

export interface TrendTargets {
  p50?: KpiTarget;
  p90?: KpiTarget;
}

export const targetsOf = (targets: Record<string, KpiTarget>): TrendTargets => ({ p50: targets['firstResponse.p50Sec'], p90: targets['firstResponse.p90Sec'] });

/** A target line's name in the legend ("p90 target ≤ 30m"), or null when the admin's targets have none. */
export function targetLabel(which: 'p50' | 'p90', targets: TrendTargets): string | null {
  const target = targets[which];
  return target ? t(which === 'p50' ? 'trend.p50Target' : 'trend.p90Target', { target: formatValue('duration', target.warn, true) }) : null;
}

/** A first-response figure as the page writes it, against its target where the admin has one: "32m 00s, over target (≤ 30m)". */
function againstTarget(value: number | null, target: KpiTarget | undefined): string {
  const text = formatDuration(value);
  if (!target || value === null) return text;
  return t(value > target.warn ? 'trend.tip.over' : 'trend.tip.within', { value: text, target: formatValue('duration', target.warn, true) });
}

/**
 * What the tooltip says of one bucket, line by line: its day (or hour) in the centre's zone, tickets created and
 * resolved, and first-response p50 and p90 each against its target, "over target" in words and not by colour alone.
 */
export function trendTip(bucket: TrendBucket, trend: Pick<Trend, 'step' | 'timezone'>, targets: TrendTargets, withCreated = true): string[] {
  const line = (name: MessageKey, value: string) => t('trend.tip.line', { name: t(name), value });
  return [
    bucketLabel(bucket, trend, true),
    ...(withCreated ? [line('trend.created', formatCount(bucket.tickets.created))] : []),
    line('trend.resolved', formatCount(bucket.tickets.resolved)),
    line('trend.p50', againstTarget(bucket.firstResponse.p50Sec, targets.p50)),
    line('trend.p90', againstTarget(bucket.firstResponse.p90Sec, targets.p90))
  ];
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** ECharts writes a formatter's answer as HTML: the tooltip's words go in as text. */
const html = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c]);

/** The tooltip's colours: the page's background, its panels' edge and its text, as web/app.css's custom properties. */
const tipColours = { background: 'var(--bg)', border: 'var(--panel-edge)', text: 'var(--text)' } as const;

/** The target lines' colours: the p90's is the wall's amber warn line, the p50's a quieter grey. */
export const targetColours = (colours: Palette = palette) => ({ p50: colours.muted, p90: colours.warn });

/**
 * `withCreated` false: one agent's chart, whose created bars would always be 0 (no creation is credited to an agent).
 * Bars of tickets created and resolved on the left axis, first-response p50 and p90 lines on the right one, each
 * line with its target (the admin's warn figure) dashed across. `narrow`: a phone's width, smaller text and margins.
 * `colours`: the page's palette as its custom properties set it when the chart is drawn (the canvas cannot read them).
 */
export function trendOption(
  trend: Trend,
  targets: TrendTargets,
  narrow: boolean,
  fontFamily = 'sans-serif',
  colours: Palette = palette,
  withCreated = true
): ChartOption {
  const labels = trend.buckets.map((b) => bucketLabel(b, trend));
  const p50 = trend.buckets.map((b) => b.firstResponse.p50Sec);
  const p90 = trend.buckets.map((b) => b.firstResponse.p90Sec);
  const peak = Math.max(0, ...p90.map((v) => v ?? 0), ...p50.map((v) => v ?? 0));
  const floor = Math.max(targets.p50?.warn ?? 0, targets.p90?.warn ?? 0);
  const font = narrow ? 11 : 12;
  const label = { color: colours.muted, fontSize: font };
  const marks = trendColours(colours);
  const targetLines = targetColours(colours);
  const bar = { type: 'bar' as const, yAxisIndex: 0, barGap: '8%', barCategoryGap: trend.buckets.length > 40 ? '15%' : '30%', itemStyle: { borderRadius: [2, 2, 0, 0] } };
  const line = (id: 'p50' | 'p90', data: (number | null)[], target: KpiTarget | undefined) => ({
    id,
    type: 'line' as const,
    yAxisIndex: 1,
    name: t(id === 'p50' ? 'trend.p50' : 'trend.p90'),
    connectNulls: false,
    symbol: 'circle',
    symbolSize: narrow || data.length > 40 ? 4 : 6,
    lineStyle: { width: 2, color: marks[id] },
    itemStyle: { color: marks[id] },
    markLine: {
      silent: true,
      symbol: 'none',
      lineStyle: { type: 'dashed' as const, width: 1, color: targetLines[id] },
      // Named in the legend above: a label on the line sat over the bars and points at its end.
      label: { show: false },
      data: target ? [{ yAxis: target.warn }] : []
    },
    data
  });
  return {
    animation: false,
    textStyle: { fontFamily },
    grid: { left: 4, right: 4, top: 16, bottom: 4, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    // The bucket under the pointer (or the keyboard's, through showTip), kept inside the chart so a phone does not scroll sideways.
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      confine: true,
      className: 'trend-tip',
      // The tooltip is HTML, not canvas: it takes the page's own colours (web/app.css), and a theme's that sets them.
      backgroundColor: tipColours.background,
      borderColor: tipColours.border,
      textStyle: { fontFamily, fontSize: font + 1, color: tipColours.text },
      formatter: (params: unknown) => {
        const first = (Array.isArray(params) ? params[0] : params) as { dataIndex?: number } | undefined;
        const bucket = first?.dataIndex === undefined ? undefined : trend.buckets[first.dataIndex];
        if (!bucket) return '';
        const [when, ...rest] = trendTip(bucket, trend, targets, withCreated).map(html);
        return `<strong>${when}</strong><br>${rest.join('<br>')}`;
      }
    },
    xAxis: {
      type: 'category',
      data: labels,
      axisLabel: { ...label, hideOverlap: true },
      axisLine: { lineStyle: { color: colours.axis } },
      axisTick: { show: false }
    },
    yAxis: [
      { type: 'value', min: 0, minInterval: 1, splitNumber: 4, axisLabel: { ...label, formatter: (v: number) => formatCount(v) }, splitLine: { lineStyle: { color: colours.grid } } },
      { type: 'value', min: 0, ...durationAxis(peak, floor), axisLabel: { ...label, formatter: axisDuration }, splitLine: { show: false } }
    ],
    series: [
      ...(withCreated
        ? [{ ...bar, id: 'created', name: t('trend.created'), itemStyle: { ...bar.itemStyle, color: marks.created }, data: trend.buckets.map((b) => b.tickets.created) }]
        : []),
      { ...bar, id: 'resolved', name: t('trend.resolved'), itemStyle: { ...bar.itemStyle, color: marks.resolved }, data: trend.buckets.map((b) => b.tickets.resolved) },
      line('p50', p50, targets.p50),
      line('p90', p90, targets.p90)
    ]
  };
}

/** The bucket with the largest value, or null when every one is null (or 0). */
function busiest(trend: Trend, value: (b: TrendBucket) => number | null): TrendBucket | null {
  let best: TrendBucket | null = null;
  for (const b of trend.buckets) if ((value(b) ?? 0) > 0 && (!best || value(b)! > value(best)!)) best = b;
  return best;
}

/** A bucket in a sentence: its day with its weekday ("Sun, Nov 1"), or its hour from start to end ("11:00 to 12:00"). */
function bucketSpan(bucket: TrendBucket, trend: Pick<Trend, 'step' | 'timezone'>): string {
  if (trend.step === 'day') return bucketLabel(bucket, trend, true);
  return t('reports.trend.say.hours', { from: formatHourMinute(Date.parse(bucket.from), trend.timezone), to: formatHourMinute(Date.parse(bucket.to), trend.timezone) });
}

/**
 * What the chart shows, as sentences a screen reader reads for the canvas: the range it covers in the centre's days,
 * the totals, the busiest day (or hour), and the longest p90 against its target; an empty range says so.
 */
export function trendSummary(trend: Trend, targets: TrendTargets, withCreated = true): string {
  const sum = (f: (b: TrendBucket) => number) => trend.buckets.reduce((n, b) => n + f(b), 0);
  const unit = trend.step === 'hour' ? 'hour' : 'day';
  const first = trend.buckets[0];
  const last = trend.buckets.at(-1);
  const range = first && last ? { first: dayText(Date.parse(first.from), trend.timezone, true), last: dayText(Date.parse(last.from), trend.timezone, true) } : { first: '', last: '' };
  if (isQuiet(trend)) return t(`reports.trend.say.empty.${unit}`, range);
  const created = sum((b) => b.tickets.created);
  const resolved = sum((b) => b.tickets.resolved);
  const totals = { ...range, created: formatCount(created), resolved: formatCount(resolved) };
  const sentences = [withCreated ? t(`reports.trend.say.${unit}`, totals, created) : t(`reports.trend.say.resolvedOnly.${unit}`, totals, resolved)];
  const most = withCreated ? busiest(trend, (b) => b.tickets.created) : null;
  if (most) sentences.push(t(`reports.trend.say.busiest.${unit}`, { when: bucketSpan(most, trend), created: formatCount(most.tickets.created) }, most.tickets.created));
  const worst = busiest(trend, (b) => b.firstResponse.p90Sec);
  if (worst) {
    sentences.push(t(`reports.trend.say.longestP90.${unit}`, { when: bucketSpan(worst, trend), value: formatDuration(worst.firstResponse.p90Sec) }));
    if (targets.p90) {
      const over = trend.buckets.filter((b) => (b.firstResponse.p90Sec ?? 0) > targets.p90!.warn).length;
      const target = formatValue('duration', targets.p90.warn, true);
      sentences.push(over === 0 ? t(`reports.trend.say.withinTarget.${unit}`, { target }) : t(`reports.trend.say.overTarget.${unit}`, { target, count: formatCount(over) }, over));
    }
  } else sentences.push(t('reports.trend.say.noResponses'));
  return sentences.join(t('reports.trend.say.between'));
}
