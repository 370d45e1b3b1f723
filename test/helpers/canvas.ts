// What a page's chart drew: its canvas's pixels, read once the next frame is painted.
import type { Page } from 'playwright-core';

/** How many of the pixels of the canvas `selector` finds are exactly each of `colours` ("#4da3ff"), opaque. */
export async function pixelsOf(page: Page, selector: string, colours: string[]): Promise<number[]> {
  await page.evaluate(() => new Promise(requestAnimationFrame));
  return page.locator(selector).evaluate((c: HTMLCanvasElement, hexes) => {
    const wanted = hexes.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
    const counts = wanted.map(() => 0);
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    for (let p = 0; p < data.length; p += 4)
      wanted.forEach(([r, g, b], i) => {
        if (data[p] === r && data[p + 1] === g && data[p + 2] === b && data[p + 3] === 255) counts[i]++;
      });
    return counts;
  }, colours);
}
