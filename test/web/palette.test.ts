// The charts' colours as the page's theme sets them: each read from its custom property, the copy where one is not set
// or is no colour, and the trend drawn in them.
import { describe, expect, it } from 'vitest';
import { palette, paletteOf } from '../../web/lib/charts/palette';
import { trendOption, type Trend } from '../../web/lib/reports/trend';

const theme: Record<string, string> = { '--accent': ' #1f5fbf', '--ok': '#17804f', '--muted': 'not a colour', '--warn': '' };
const colourOf = (value: string) => (value.startsWith('#') ? value : null);

describe("the charts' palette", () => {
  it("takes each colour from the page's custom property, and the copy where the page has none or no colour", () => {
    const read = paletteOf((name) => theme[name] ?? '', colourOf);
    expect(read.created).toBe('#1f5fbf');
    expect(read.frt).toBe('#1f5fbf');
    expect(read.resolved).toBe('#17804f');
    expect(read.ok).toBe('#17804f');
    expect(read.muted).toBe(palette.muted);
    expect(read.warn).toBe(palette.warn);
    expect(read.grid).toBe(palette.grid);
    expect(read.axis).toBe(palette.axis);
  });

  it("draws the grid and the axis line, which web/app.css has no property for, in a theme's own, else the page's nearest", () => {
    const page: Record<string, string> = { '--panel-edge': '#c8d0da', '--faint': '#8893a0' };
    expect(paletteOf((name) => page[name] ?? '', colourOf)).toMatchObject({ grid: '#c8d0da', axis: '#8893a0' });
    const themed: Record<string, string> = { ...page, '--chart-grid': '#e4e8ee', '--chart-axis': '#6b7682' };
    expect(paletteOf((name) => themed[name] ?? '', colourOf)).toMatchObject({ grid: '#e4e8ee', axis: '#6b7682' });
  });

  it("draws the trend's bars, axes, grid and target lines in it", () => {
    const trend: Trend = {
      from: '2026-11-24T00:00:00.000Z',
      to: '2026-11-26T00:00:00.000Z',
      step: 'day',
      timezone: 'UTC',
      buckets: ['2026-11-24', '2026-11-25'].map((day) => ({
        from: `${day}T00:00:00.000Z`,
        to: `${day}T23:59:59.999Z`,
        tickets: { created: 2, resolved: 1, reopened: 0, escalated: 0, abandoned: 0 },
        firstResponse: { count: 1, avgSec: 60, p50Sec: 60, p90Sec: 60, withinTarget: 1, breached: 0 }
      }))
    };
    const colours = paletteOf((name) => ({ '--accent': '#1f5fbf', '--ok': '#17804f', '--muted': '#5b6776', '--warn': '#b7791f', '--text': '#17202b', '--chart-grid': '#d0d7e0', '--chart-axis': '#a0aab5' })[name] ?? '');
    const option = trendOption(trend, { p90: { higherIsBetter: false, warn: 1800, critical: 3600 } }, false, 'sans-serif', colours) as any;
    const series = Object.fromEntries(option.series.map((s: any) => [s.id, s]));
    expect(series.created.itemStyle.color).toBe('#1f5fbf');
    expect(series.resolved.itemStyle.color).toBe('#17804f');
    expect(series.p90.lineStyle.color).toBe('#17202b');
    expect(series.p90.markLine.lineStyle.color).toBe('#b7791f');
    expect(option.xAxis.axisLabel.color).toBe('#5b6776');
    expect(option.xAxis.axisLine.lineStyle.color).toBe('#a0aab5');
    expect(option.yAxis[0].splitLine.lineStyle.color).toBe('#d0d7e0');
  });
});
