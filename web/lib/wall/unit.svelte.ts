import { innerHeight, innerWidth } from 'svelte/reactivity/window';

/** --u on a phone or a tablet (app.css). */
const HANDHELD_UNIT = 12;

/** Wider than this, a screen held upright is a TV mounted so (read across the room, never scrolled), not a tablet. */
const HANDHELD_MAX_WIDTH = 1000;
/** A screen on its side at most this wide and at most this much wider than tall (4:3, 3:2) is a tablet's: a TV's is 16:9. */
const TABLET_MAX_WIDTH = 1200;
const TABLET_MAX_ASPECT = 3 / 2;

/**
 * Whether the screen is a phone's or a tablet's, never a wall's: held upright and at most 1000 px wide, at most
 * 500 px tall (a phone on its side), or a tablet on its side (1024×768 was the fitted wall in 9 px text). app.css's
 * `@media (orientation: portrait) and (max-width: 1000px), (max-height: 500px), (orientation: landscape) and
 * (max-width: 1200px) and (max-aspect-ratio: 3/2)`, which each page's layout repeats.
 */
export function handheld(): boolean {
  const width = innerWidth.current ?? 1920;
  const height = innerHeight.current ?? 1080;
  const tabletOnItsSide = width > height && width <= TABLET_MAX_WIDTH && width / height <= TABLET_MAX_ASPECT;
  return (height >= width && width <= HANDHELD_MAX_WIDTH) || height <= 500 || tabletOnItsSide;
}

/** Whether the screen is a TV mounted upright: taller than wide, and not a phone's or a tablet's. */
export function uprightTv(): boolean {
  return !handheld() && (innerHeight.current ?? 1080) > (innerWidth.current ?? 1920);
}

/**
 * The smallest text a wall smaller than 1080p draws, in px (app.css's --text-floor): the smallest a 1080p wall draws, its
 * agents board's small print (14.6 px with fifteen rows a column).
 */
export const TEXT_FLOOR_PX = 14;
const FULL_HD_HEIGHT = 1080;

/**
 * --text-floor in pixels: on a TV on its side smaller than 1080p (1280×720, or 1080p at 150 % zoom); none at 1080p and
 * larger, drawn as they were, nor on a phone or a tablet, read in the hand.
 */
export function textFloor(): number {
  const width = innerWidth.current ?? 1920;
  const height = innerHeight.current ?? 1080;
  return !handheld() && width > height && height < FULL_HD_HEIGHT ? TEXT_FLOOR_PX : 0;
}

/** The CSS layout unit --u in pixels (see app.css), for canvas text that must scale like the page. */
export function layoutUnit(): number {
  const width = innerWidth.current ?? 1920;
  const height = innerHeight.current ?? 1080;
  if (handheld()) return HANDHELD_UNIT;
  // A TV mounted upright: the overview's unit, which follows the screen's height (OverviewPage).
  if (uprightTv()) return Math.min(height / 100, (width * 16) / 9 / 100);
  return Math.min(width / 100, (height * 16) / 9 / 100);
}
