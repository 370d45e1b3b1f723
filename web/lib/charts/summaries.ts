// What each wall chart shows, in words: the text a screen reader reads for the canvas, which it cannot read.
import type { KpiTarget } from '../../../api/kpi/targets';
import { formatCount, formatDuration, formatHourMinute, formatValue, t } from '../i18n';
import type { ChartContext } from './options';

/** The largest value of slots `first`..`last` and when its slot began; null when none has one. */
function peakSlot(values: (number | null)[], ctx: ChartContext): { value: number; at: number } | null {
  let best: { value: number; at: number } | null = null;
  for (let i = ctx.slots.first; i <= ctx.slots.last; i++) {
    const value = values[i];
    if (typeof value === 'number' && (!best || value > best.value)) best = { value, at: Date.parse(ctx.series.from) + i * (ctx.series.slotMs || 900_000) };
  }
  return best;
}

const sum = (values: number[]) => values.reduce((total, n) => total + n, 0);
const clock = (at: number, ctx: ChartContext) => formatHourMinute(at, ctx.timezone);

export function createdResolvedSummary(ctx: ChartContext): string {
  const peak = peakSlot(ctx.series.created, ctx);
  const totals = { created: formatCount(sum(ctx.series.created)), resolved: formatCount(sum(ctx.series.resolved)) };
  return !peak || peak.value === 0
    ? t('chart.createdResolvedAlt', totals)
    : `${t('chart.createdResolvedAlt', totals)}${t('chart.createdPeakAlt', { peak: formatCount(peak.value), time: clock(peak.at, ctx) })}`;
}

export function backlogSummary(ctx: ChartContext): string {
  const points = ctx.series.backlog.filter(([at]) => at >= ctx.slots.min);
  if (!points.length) return t('wall.noData');
  const peak = points.reduce((best, point) => (point[1] > best[1] ? point : best));
  const now = t('chart.backlogAlt', { open: formatCount(points[points.length - 1]![1]) });
  // Nothing open all day has no busiest moment: its first point would be named as one.
  return peak[1] === 0 ? now : `${now}${t('chart.backlogPeakAlt', { peak: formatCount(peak[1]), time: clock(peak[0], ctx) })}`;
}

export function firstResponseP90Summary(ctx: ChartContext, target: KpiTarget | undefined): string {
  const values = ctx.series.firstResponseP90Sec;
  let latest = -1;
  for (let i = ctx.slots.last; i >= ctx.slots.first && latest < 0; i--) if (typeof values[i] === 'number') latest = i;
  const peak = peakSlot(values, ctx);
  if (latest < 0 || !peak) return t('chart.frtP90NoneAlt');
  const slot = ctx.series.slotMs || 900_000;
  const text = t('chart.frtP90Alt', {
    value: formatDuration(values[latest]),
    time: clock(Date.parse(ctx.series.from) + latest * slot, ctx),
    peak: formatDuration(peak.value),
    peakTime: clock(peak.at, ctx)
  });
  return target ? `${text}${t('chart.targetAlt', { target: formatValue('duration', target.warn, true) })}` : text;
}
