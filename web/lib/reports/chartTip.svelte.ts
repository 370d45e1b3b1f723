// A chart's tooltip moved by keys and by a finger as the mouse moves it: the trend chart's (Trend.svelte). Apart from
// the chart's component, which draws; this is what a keyboard and a touch screen do to the day shown.
import type { Attachment } from 'svelte/attachments';
import { getInstanceByDom } from 'echarts/core';

export class ChartTip {
  /** The bucket whose tooltip shows, pointed at or chosen by key. */
  index = $state<number | null>(null);
  /** Its figures in words for a screen reader, when chosen by key. */
  spoken = $state('');

  /** Hides the bucket's figures and its shading, as the mouse's leaving the chart does (hideTip alone left the shading). */
  hide(element: HTMLElement): void {
    const instance = getInstanceByDom(element);
    instance?.dispatchAction({ type: 'hideTip' });
    instance?.dispatchAction({ type: 'updateAxisPointer', currTrigger: 'leave' });
    this.spoken = '';
  }

  /**
   * ←/→ (Home/End) move the tooltip from bucket to bucket of `count` as the pointer would, Escape hides it; `words`
   * says a bucket's figures. The pointer moves the same index, so a key after a hover goes on from the bucket hovered.
   */
  keys(count: number, words: (index: number) => string): Attachment<HTMLElement> {
    return (element) => {
      const instance = getInstanceByDom(element);
      const pointed = (event: unknown) => {
        const value = (event as { axesInfo?: { value?: unknown }[] }).axesInfo?.[0]?.value;
        if (typeof value === 'number') this.index = value;
      };
      instance?.on('updateAxisPointer', pointed);
      const last = count - 1;
      const onKey = (event: KeyboardEvent) => {
        const at = this.index;
        let next: number;
        if (event.key === 'ArrowRight') next = at === null ? 0 : Math.min(last, at + 1);
        else if (event.key === 'ArrowLeft') next = at === null ? last : Math.max(0, at - 1);
        else if (event.key === 'Home') next = 0;
        else if (event.key === 'End') next = last;
        else if (event.key === 'Escape') return this.hide(element);
        else return;
        event.preventDefault();
        this.index = next;
        instance?.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: next });
        this.spoken = words(next);
      };
      element.addEventListener('keydown', onKey);
      return () => {
        element.removeEventListener('keydown', onKey);
        if (!instance?.isDisposed()) instance?.off('updateAxisPointer', pointed);
        this.index = null;
        this.spoken = '';
      };
    };
  }

  /**
   * A finger never leaves the chart, as the mouse does when the figures hide: a tap elsewhere on the page hides them.
   * A swipe begun on the chart scrolls the page, and the bucket under the finger was only passed over: once the
   * browser takes the touch for a scroll (pointercancel) the figures hide, and ECharts sees no more of that touch, whose
   * moves would show them again at each bucket the finger crosses and whose end would read as a tap.
   */
  away: Attachment<HTMLElement> = (element) => {
    let scrolling = false;
    const hide = () => this.hide(element);
    const elsewhere = (event: PointerEvent) => {
      if (!element.contains(event.target as Node)) hide();
    };
    const cancelled = () => {
      scrolling = true;
      hide();
    };
    const moved = (event: TouchEvent) => {
      if (scrolling) event.stopPropagation();
    };
    const ended = (event: TouchEvent) => {
      if (!scrolling) return;
      event.stopPropagation();
      if (event.touches.length === 0) scrolling = false;
      hide();
    };
    // In the capture phase, on the way to ECharts' own listeners on the canvas's wrapper inside this element.
    const capture = { capture: true, passive: true };
    document.addEventListener('pointerdown', elsewhere);
    element.addEventListener('pointercancel', cancelled);
    element.addEventListener('touchmove', moved, capture);
    element.addEventListener('touchend', ended, capture);
    element.addEventListener('touchcancel', ended, capture);
    return () => {
      document.removeEventListener('pointerdown', elsewhere);
      element.removeEventListener('pointercancel', cancelled);
      element.removeEventListener('touchmove', moved, capture);
      element.removeEventListener('touchend', ended, capture);
      element.removeEventListener('touchcancel', ended, capture);
    };
  };
}
