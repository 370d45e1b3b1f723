import { innerHeight, innerWidth } from 'svelte/reactivity/window';

/** --u on a screen held upright (app.css's portrait rule). */
const PORTRAIT_UNIT = 12;

/** Whether the screen is held upright (app.css's `orientation: portrait`): a phone or a tablet, never a wall. */
export function upright(): boolean {
  return (innerHeight.current ?? 1080) >= (innerWidth.current ?? 1920);
}

/** The CSS layout unit --u in pixels (see app.css), for canvas text that must scale like the page. */
export function layoutUnit(): number {
  const width = innerWidth.current ?? 1920;
  const height = innerHeight.current ?? 1080;
  if (upright()) return PORTRAIT_UNIT;
  return Math.min(width / 100, (height * 16) / 9 / 100);
}
