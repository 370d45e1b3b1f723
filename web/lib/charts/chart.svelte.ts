import type { Attachment } from 'svelte/attachments';
import { init, type ChartOption } from './echarts';

/**
 * `{@attach chart(() => option)}`: one ECharts instance for the element's lifetime. Each new option is merged
 * into it (never `notMerge`), so streaming updates move the existing series instead of redrawing the chart.
 */
export function chart(option: () => ChartOption): Attachment<HTMLElement> {
  return (element) => {
    const instance = init(element, null, { renderer: 'canvas' });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    $effect(() => {
      instance.setOption(option(), { lazyUpdate: true });
    });
    return () => {
      observer.disconnect();
      instance.dispose();
    };
  };
}
