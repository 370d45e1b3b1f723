// ECharts, registered piece by piece so the bundle carries only what the wall draws.
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  MarkLineComponent,
  VisualMapPiecewiseComponent,
  type GridComponentOption,
  type MarkLineComponentOption,
  type VisualMapComponentOption
} from 'echarts/components';
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, GridComponent, MarkLineComponent, VisualMapPiecewiseComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | MarkLineComponentOption | VisualMapComponentOption
>;

export { init, type EChartsType };
