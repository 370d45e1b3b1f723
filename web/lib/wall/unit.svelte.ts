import { innerHeight, innerWidth } from 'svelte/reactivity/window';

/** --u on a phone or a tablet (app.css). */
const HANDHELD_UNIT = 12;

/**
 * Whether the screen is a phone's or a tablet's, never a wall's: held upright, or at most 500 px tall (a phone on its
 * side). app.css's `@media (orientation: portrait), (max-height: 500px)`, which each page's layout repeats.
 */
export function handheld(): boolean {
  const height = innerHeight.current ?? 1080;
  return height >= (innerWidth.current ?? 1920) || height <= 500;
}

/** The CSS layout unit --u in pixels (see app.css), for canvas text that must scale like the page. */
export function layoutUnit(): number {
  const width = innerWidth.current ?? 1920;
  const height = innerHeight.current ?? 1080;
  if (handheld()) return HANDHELD_UNIT;
  return Math.min(width / 100, (height * 16) / 9 / 100);
}
