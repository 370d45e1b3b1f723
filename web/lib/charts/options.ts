// The three wall charts as ECharts options, built from each live message's `series`. Every builder returns the
// same series ids, so a merge replaces data in place.
import { prefersReducedMotion } from 'svelte/motion';
import type { KpiTarget } from '../../../api/kpi/targets';
import type { TodaySeries } from '../../../api/live/protocol';
import { durationParts, formatCount, formatHourMinute, onWallClock, partsText, t } from '../i18n';
import type { ChartOption } from './echarts';
import type { Palette } from './palette';
import type { SlotWindow } from './slots';

export { slotWindow, visibleSlots, type SlotWindow } from './slots';

export interface ChartContext {
  series: TodaySeries;
  /** The slots on screen (see visibleSlots): passed in, so a message that changes only `at` changes no chart. */
  slots: SlotWindow;
  timezone: string;
  /** Pixels per layout unit of the wall, so text on the canvas scales with the screen like the CSS does. */
  u: number;
  /** The page's colours as its custom properties now set them (PagePalette): a canvas cannot read them itself. */
  colours: Palette;
  /** The smallest text the page draws, in pixels (the wall's --text-floor): labels at 1.05 --u go no smaller. */
  textFloor?: number;
}

/**
 * The x axis is the time since the day began, counted from the centre's clock at its start (written as UTC, so
 * ticks fall on its round hours): the same as each instant's wall-clock time on an ordinary day, but on a day the
 * clocks change an hour repeated is plotted twice, side by side, and an hour skipped leaves no gap. Labels read
 * each tick back as an instant, in the centre's zone. So x = instant + shift, one shift for the whole day (taken
 * once a chart: onWallClock formats a date).
 */
function shiftOf(ctx: ChartContext): number {
  const from = Date.parse(ctx.series.from);
  return onWallClock(from, ctx.timezone) - from;
}

function slotPoints<T>(values: T[], ctx: ChartContext, fill: T): [number, T][] {
  const { first, last } = ctx.slots;
  const slot = ctx.series.slotMs || 900_000;
  const from = Date.parse(ctx.series.from);
  const shift = shiftOf(ctx);
  const points: [number, T][] = [];
  for (let i = first; i <= last; i++) points.push([from + i * slot + slot / 2 + shift, values[i] ?? fill]);
  return points;
}

const DURATION_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** A y-axis for durations with round steps (5m, 10m, 30m, 1h…) that always shows the warn threshold. */
export function durationAxis(peak: number, floor: number): { max: number; interval: number } {
  const top = Math.max(peak, floor, 60) * 1.1;
  // Past 4 days, whole days (a ticket first answered weeks late, alone in its slot, made one line a day).
  const interval = DURATION_STEPS.find((step) => top / step <= 4) ?? Math.ceil(top / 4 / 86400) * 86400;
  return { max: Math.ceil(top / interval) * interval, interval };
}

/** An axis label as the wall writes durations elsewhere: 0, 30m, 1h, 1h 30m, 2h (not 90m between 1h and 2h). */
export function axisDuration(sec: number): string {
  return sec === 0 ? formatCount(0) : partsText(durationParts(sec, true));
}

/**
 * The hour steps ECharts' time axis takes (1, 2, 4, 6, 12 h), each with an approximate interval that it reads as that
 * step (getHourInterval in echarts/lib/scale/Time.js takes 2 h for over 2 h up to 3.5 h, 4 h up to 6, 6 h up to 12).
 */
const HOUR_STEPS: [step: number, approx: number][] = [[1, 1], [2, 3], [4, 5], [6, 9], [12, 13]];
/** The most hour labels a chart a third of the wall wide can hold with room between them: "00:00" is about 2.8 × its font. */
const MAX_HOUR_LABELS = 6;

function frame(ctx: ChartContext, yLabel: (value: number) => string, minInterval = 1): ChartOption {
  const { min, max } = ctx.slots;
  // A step that leaves each label room, whatever the pixels: ECharts' hideOverlap kept every other hour at 1080p, and at
  // 4K, where the same labels fall a hair apart in twice the pixels, kept them all, touching ("00:0001:00").
  // Under three hours, ECharts' own steps of minutes stand.
  const hours = (max - min) / 3_600_000;
  const approxHours = hours <= 3 ? undefined : (HOUR_STEPS.find(([step]) => hours / step <= MAX_HOUR_LABELS) ?? HOUR_STEPS.at(-1)!)[1];
  const shift = shiftOf(ctx);
  const font = Math.max(ctx.textFloor ?? 0, Math.round(ctx.u * 1.05));
  const label = { color: ctx.colours.muted, fontSize: font };
  return {
    // The x values are wall-clock times written as UTC (shiftOf): ticks are placed in UTC.
    useUTC: true,
    // Bars that grow and lines that slide at every update are motion a viewer can ask their system to spare them.
    animation: !prefersReducedMotion.current,
    animationDurationUpdate: 400,
    // Canvas text cannot inherit CSS; an invalid family like 'inherit' silently falls back to 10px sans-serif.
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    grid: { left: ctx.u * 0.4, right: ctx.u * 1.2, top: ctx.u * 0.8, bottom: ctx.u * 0.2, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: {
      type: 'time',
      min: min + shift,
      max: max + shift,
      splitNumber: 6,
      minInterval: approxHours && approxHours * 3_600_000,
      axisLabel: { ...label, hideOverlap: true, formatter: (value: number) => formatHourMinute(value - shift, ctx.timezone) },
      axisLine: { lineStyle: { color: ctx.colours.axis } },
      axisTick: { show: false },
      splitLine: { show: false }
    },
    yAxis: {
      type: 'value',
      min: 0,
      minInterval,
      splitNumber: 3,
      axisLabel: { ...label, formatter: yLabel },
      splitLine: { lineStyle: { color: ctx.colours.grid } }
    }
  };
}

export function createdResolvedOption(ctx: ChartContext): ChartOption {
  const bar = { type: 'bar' as const, barGap: '8%', barCategoryGap: '25%', animationDurationUpdate: 400 };
  return {
    ...frame(ctx, (v) => formatCount(v)),
    series: [
      { ...bar, id: 'created', name: t('chart.created'), itemStyle: { color: ctx.colours.created, borderRadius: [3, 3, 0, 0] }, data: slotPoints(ctx.series.created, ctx, 0) },
      { ...bar, id: 'resolved', name: t('chart.resolved'), itemStyle: { color: ctx.colours.resolved, borderRadius: [3, 3, 0, 0] }, data: slotPoints(ctx.series.resolved, ctx, 0) }
    ]
  };
}

export function backlogOption(ctx: ChartContext): ChartOption {
  const shift = shiftOf(ctx);
  const data = ctx.series.backlog.filter(([at]) => at >= ctx.slots.min).map(([at, n]): [number, number] => [at + shift, n]);
  return {
    ...frame(ctx, (v) => formatCount(v)),
    series: [
      {
        id: 'backlog',
        type: 'line',
        name: t('chart.backlog'),
        showSymbol: false,
        lineStyle: { color: ctx.colours.backlog, width: Math.max(2, ctx.u * 0.15) },
        itemStyle: { color: ctx.colours.backlog },
        areaStyle: { color: ctx.colours.backlog, opacity: 0.18 },
        data
      }
    ]
  };
}

/** The p90 line turns amber and red where it crosses the target's thresholds, with the warn line drawn for scale. */
export function firstResponseP90Option(ctx: ChartContext, target: KpiTarget | undefined): ChartOption {
  const data = slotPoints<number | null>(ctx.series.firstResponseP90Sec, ctx, null);
  const peak = Math.max(0, ...data.map(([, v]) => v ?? 0));
  const lines: { yAxis: number; lineStyle: { color: string } }[] = target ? [{ yAxis: target.warn, lineStyle: { color: ctx.colours.warn } }] : [];
  if (target && peak > target.warn) lines.push({ yAxis: target.critical, lineStyle: { color: ctx.colours.critical } });
  const option = frame(ctx, axisDuration);
  return {
    ...option,
    yAxis: { ...(option.yAxis as object), ...durationAxis(peak, target?.warn ?? 0) },
    visualMap: target
      ? {
          type: 'piecewise',
          show: false,
          dimension: 1,
          seriesIndex: 0,
          pieces: [
            // As the tiles (levelFor): on target at exactly the target, amber exactly on the critical line.
            { lte: target.warn, color: ctx.colours.frt },
            { gt: target.warn, lte: target.critical, color: ctx.colours.warn },
            { gt: target.critical, color: ctx.colours.critical }
          ]
        }
      : [],
    series: [
      {
        id: 'frtP90',
        type: 'line',
        name: t('chart.frtP90'),
        connectNulls: false,
        symbol: 'circle',
        symbolSize: Math.max(4, ctx.u * 0.35),
        lineStyle: { width: Math.max(2, ctx.u * 0.15) },
        itemStyle: { color: ctx.colours.frt },
        markLine: {
          silent: true,
          symbol: 'none',
          label: { show: false },
          lineStyle: { type: 'dashed', width: Math.max(1, ctx.u * 0.08) },
          data: lines
        },
        data
      }
    ]
  };
}
