import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TodaySeries } from '../../api/live/protocol';
import { DEFAULT_KPI_TARGETS, levelFor } from '../../api/kpi/targets';
import { backlogOption, createdResolvedOption, firstResponseP90Option, slotWindow, type ChartContext } from '../../web/lib/charts/options';
import { palette } from '../../web/lib/charts/palette';
import { finishedSlots, visibleSlots } from '../../web/lib/charts/slots';
import { setLocale } from '../../web/lib/i18n';

// The option builders read the page's font; the test has no page.
beforeAll(() => {
  vi.stubGlobal('document', { body: {}, documentElement: {} });
  vi.stubGlobal('getComputedStyle', () => ({ fontFamily: 'sans-serif' }));
  setLocale('en');
});
afterAll(() => vi.unstubAllGlobals());

const SLOT = 900_000;
function context(from: string, slots: number, first: number, last: number, timezone: string): ChartContext {
  const start = Date.parse(from);
  const created = Array.from({ length: slots }, (_, i) => i + 1);
  const backlog = Array.from({ length: last + 1 }, (_, i): [number, number] => [start + i * SLOT, i]);
  const series: TodaySeries = { slotMs: SLOT, from, created, resolved: created, firstResponseP90Sec: [], backlog };
  return { series, slots: slotWindow(series, first, last), timezone, u: 20, colours: palette };
}
const xs = (data: unknown) => (data as [number, number][]).map(([x]) => x);
const increasing = (v: number[]) => v.every((x, i) => i === 0 || x > v[i - 1]);
type Axis = { min: number; max: number; axisLabel: { formatter: (v: number) => string } };

describe('wall charts on a day the clocks change', () => {
  // New York, 2026-11-01: 01:00–02:00 happens twice (EDT, then EST); the day has 25 hours, 100 slots.
  const fallBack = context('2026-11-01T04:00:00.000Z', 100, 0, 15, 'America/New_York');
  it('give the repeated hour its own place: no slot drawn over another, the backlog never runs back', () => {
    const bars = createdResolvedOption(fallBack).series as { data: unknown }[];
    expect(increasing(xs(bars[0].data))).toBe(true);
    expect(new Set(xs(bars[0].data)).size).toBe(16);
    const line = backlogOption(fallBack).series as { data: unknown }[];
    expect(increasing(xs(line[0].data))).toBe(true);
  });
  it('label each hour as the centre’s clocks read it: 00:00, 01:00, 01:00 again, 02:00', () => {
    const axis = createdResolvedOption(fallBack).xAxis as Axis;
    expect(axis.max - axis.min).toBe(4 * 3_600_000);
    expect([0, 1, 2, 3].map((h) => axis.axisLabel.formatter(axis.min + h * 3_600_000))).toEqual(['00:00', '01:00', '01:00', '02:00']);
  });
  it('leave no empty hour where the clocks skip one (2026-03-08, 23 hours)', () => {
    const spring = context('2026-03-08T05:00:00.000Z', 92, 0, 15, 'America/New_York');
    const axis = createdResolvedOption(spring).xAxis as Axis;
    expect(axis.max - axis.min).toBe(4 * 3_600_000);
    expect([0, 1, 2, 3].map((h) => axis.axisLabel.formatter(axis.min + h * 3_600_000))).toEqual(['00:00', '01:00', '03:00', '04:00']);
  });
  it('still put ticks on the centre’s round hours on an ordinary day, in a half-hour zone', () => {
    const kolkata = context('2026-12-04T18:30:00.000Z', 96, 36, 51, 'Asia/Kolkata');
    const axis = createdResolvedOption(kolkata).xAxis as Axis;
    expect(axis.min).toBe(Date.UTC(2026, 11, 5, 9));
    expect(axis.axisLabel.formatter(axis.min)).toBe('09:00');
  });
});

describe('the tickets-today sparkline', () => {
  it('ends with the last quarter hour that is over, not the first minute of the one in progress', () => {
    // Five tickets every 15 minutes since 08:00; at 12:31 the slot in progress has one so far.
    const created = Array.from({ length: 96 }, (_, i) => (i < 32 ? 0 : i < 50 ? 5 : i === 50 ? 1 : 0));
    const series: TodaySeries = { slotMs: SLOT, from: '2026-11-24T00:00:00.000Z', created, resolved: created, firstResponseP90Sec: [], backlog: [] };
    const window = visibleSlots(series, '2026-11-24T12:31:00.000Z');
    const spark = finishedSlots(series.created, window);
    expect(spark.at(-1)).toBe(5);
    expect(spark).toHaveLength(window.last - window.first);
  });
});

describe('the first-response p90 chart', () => {
  type Piece = { lt?: number; lte?: number; gt?: number; gte?: number; color: string };
  const colourOf = (pieces: Piece[], v: number) =>
    pieces.find((p) => (p.lt === undefined || v < p.lt) && (p.lte === undefined || v <= p.lte) && (p.gt === undefined || v > p.gt) && (p.gte === undefined || v >= p.gte))?.color;
  it('colours a slot as its tile would: on target at exactly the target, amber exactly on the critical line', () => {
    const target = DEFAULT_KPI_TARGETS['firstResponse.p90Sec'];
    const ctx = context('2026-11-24T00:00:00.000Z', 96, 32, 47, 'UTC');
    const pieces = (firstResponseP90Option(ctx, target).visualMap as { pieces: Piece[] }).pieces;
    const colour = { ok: colourOf(pieces, target.warn - 60), warn: colourOf(pieces, target.warn + 60), critical: colourOf(pieces, target.critical + 60) };
    expect(new Set(Object.values(colour)).size).toBe(3);
    for (const v of [target.warn, target.warn + 1, target.critical, target.critical + 1]) expect(colourOf(pieces, v)).toBe(colour[levelFor(target, v) as 'ok']);
  });
});

describe('the charts’ window', () => {
  it('keeps the morning on screen after a flood: one quarter hour of 500 tickets is not when the day got busy', () => {
    // Five tickets a quarter hour from 08:00; at 14:00 an outage brings 500 in one slot; it is now 20:00.
    const created = Array.from({ length: 96 }, (_, i) => (i === 56 ? 500 : i >= 32 && i < 80 ? 5 : 0));
    const series: TodaySeries = { slotMs: SLOT, from: '2026-11-24T00:00:00.000Z', created, resolved: created, firstResponseP90Sec: [], backlog: [] };
    expect(visibleSlots(series, '2026-11-24T20:00:00.000Z')).toMatchObject({ first: 28, last: 80 });
    // The overnight trickle still is not worth the width.
    const night = created.map((n, i) => (i < 32 && i % 3 === 0 ? 1 : n));
    expect(visibleSlots({ ...series, created: night }, '2026-11-24T20:00:00.000Z')).toMatchObject({ first: 28, last: 80 });
  });
});

describe('the first-response p90 axis', () => {
  it('keeps to a few round steps when a slot’s p90 is weeks (a ticket first answered a month late, alone in its slot)', () => {
    const ctx = context('2026-11-24T00:00:00.000Z', 96, 32, 47, 'UTC');
    ctx.series.firstResponseP90Sec = ctx.series.created.map((_, i) => (i === 40 ? 30 * 86_400 : 600));
    const axis = firstResponseP90Option(ctx, DEFAULT_KPI_TARGETS['firstResponse.p90Sec']).yAxis as { max: number; interval: number };
    expect(axis.max / axis.interval).toBeLessThanOrEqual(5);
    expect(axis.max).toBeGreaterThanOrEqual(30 * 86_400);
    expect(axis.interval % 86_400).toBe(0);
  });
});

describe('the charts’ hour labels on a 4K wall', () => {
  it('stand apart as on a 1080p wall (00:00, 02:00, 04:00…), never run together as "00:0001:00" at twice the pixels', async () => {
    const { init, use } = await import('echarts/core');
    const { BarChart } = await import('echarts/charts');
    const { GridComponent } = await import('echarts/components');
    const { SVGRenderer } = await import('echarts/renderers');
    use([BarChart, GridComponent, SVGRenderer]);
    // Midnight to 09:30, the created-vs-resolved chart as wide as a third of the wall, at 1080p and 4K (u 19.2 and 38.4).
    for (const u of [19.2, 38.4]) {
      const ctx = { ...context('2026-11-24T00:00:00.000Z', 96, 0, 37, 'UTC'), u };
      const option = { ...createdResolvedOption(ctx), animation: false };
      // Rendered on the server's side of ECharts (SVG, no DOM): the stand-in page above would send it looking for a canvas.
      vi.stubGlobal('document', undefined);
      const chart = init(null, null, { renderer: 'svg', ssr: true, width: Math.round(u * 32), height: Math.round(u * 15) });
      chart.setOption(option);
      const svg = chart.renderToSVGString();
      chart.dispose();
      vi.stubGlobal('document', { body: {}, documentElement: {} });
      const labels = [...svg.matchAll(/<text[^>]*transform="translate\(([\d.]+) [\d.]+\)"[^>]*>(\d\d:\d\d)<\/text>/g)].map((m) => ({ x: Number(m[1]), text: m[2] }));
      expect(labels.length).toBeGreaterThanOrEqual(3);
      // An "00:00" is about 2.8 of its font's size wide (1.05 u): each label's centre at least half a label's width
      // more than a label's width from the next, the gap a reader needs to tell two times apart.
      const width = 2.8 * Math.round(u * 1.05);
      for (let i = 1; i < labels.length; i++) expect(labels[i].x - labels[i - 1].x, `${labels[i - 1].text} → ${labels[i].text} at u ${u}`).toBeGreaterThanOrEqual(1.5 * width);
    }
  });
});

describe("the wall charts' axis labels", () => {
  it('are drawn no smaller than the floor the page gives (14 px at 1280×720, whose unit of 12.8 px made them 13 px)', () => {
    const small = { ...context('2026-12-04T16:00:00.000Z', 96, 36, 51, 'UTC'), u: 12.8, textFloor: 14 };
    for (const option of [createdResolvedOption(small), backlogOption(small), firstResponseP90Option(small, DEFAULT_KPI_TARGETS['firstResponse.p90Sec'])]) {
      const sizes = [option.xAxis, option.yAxis].map((axis) => (axis as { axisLabel: { fontSize: number } }).axisLabel.fontSize);
      expect(sizes).toEqual([14, 14]);
    }
    // At 1080p the unit's own size, above the floor, stands.
    const wide = { ...small, u: 19.2 };
    expect((createdResolvedOption(wide).xAxis as { axisLabel: { fontSize: number } }).axisLabel.fontSize).toBe(20);
  });
});
