import { innerHeight, innerWidth } from 'svelte/reactivity/window';

/** --u on a phone or a tablet (app.css). */
const HANDHELD_UNIT = 12;

/** Wider than this, a screen held upright is a TV mounted so (read across the room, never scrolled), not a tablet. */
const HANDHELD_MAX_WIDTH = 1000;

/**
 * Whether the screen is a phone's or a tablet's, never a wall's: held upright and at most 1000 px wide, or at most
 * 500 px tall (a phone on its side). app.css's `@media (orientation: portrait) and (max-width: 1000px),
 * (max-height: 500px)`, which each page's layout repeats.
 */
export function handheld(): boolean {
  const width = innerWidth.current ?? 1920;
  const height = innerHeight.current ?? 1080;
  return (height >= width && width <= HANDHELD_MAX_WIDTH) || height <= 500;
}

/** The CSS layout unit --u in pixels (see app.css), for canvas text that must scale like the page. */
export function layoutUnit(): number {
  const width = innerWidth.current ?? 1920;
  const height = innerHeight.current ?? 1080;
  if (handheld()) return HANDHELD_UNIT;
  return Math.min(width / 100, (height * 16) / 9 / 100);
}
