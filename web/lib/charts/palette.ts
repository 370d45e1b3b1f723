// Chart colours. A canvas cannot use CSS variables, so a chart that follows the page's theme reads each colour's custom
// property when it is drawn (PagePalette, theme.svelte.ts), the wall's and the reports' alike; these copies of
// web/app.css's values are what it draws where a property is missing.
export const palette = {
  text: '#e8eef5',
  muted: '#8a98a8',
  grid: '#243040',
  axis: '#3a4a5e',
  created: '#4da3ff',
  resolved: '#3ecf8e',
  backlog: '#a78bfa',
  frt: '#4da3ff',
  ok: '#3ecf8e',
  warn: '#f5b83d',
  critical: '#ff5d5d'
} as const;

export type Palette = Record<keyof typeof palette, string>;

/**
 * The custom properties each colour is read from, the first one set: web/app.css's own where it has the colour (the
 * created bars are the page's accent blue, the resolved ones its "ok" green). The grid and the axis line, which it has
 * none for, take the charts' own a theme may set, else the page's nearest: a theme that sets only web/app.css's
 * properties left them the dark theme's, black lines across a light page.
 */
export const paletteProperties: Record<keyof typeof palette, `--${string}`[]> = {
  text: ['--text'],
  muted: ['--muted'],
  grid: ['--chart-grid', '--panel-edge'],
  axis: ['--chart-axis', '--faint'],
  created: ['--accent'],
  resolved: ['--ok'],
  backlog: ['--chart-backlog'],
  frt: ['--accent'],
  ok: ['--ok'],
  warn: ['--warn'],
  critical: ['--critical']
};

/**
 * The palette as the page's custom properties make it: `property` reads one ('' where it is not set) and `colour` gives
 * the colour a value draws as, or null when it is not a colour. Where none of a colour's properties is set to a colour,
 * it keeps the copy above.
 */
export function paletteOf(property: (name: string) => string, colour: (value: string) => string | null = (value) => value): Palette {
  const read = {} as Palette;
  for (const key of Object.keys(palette) as (keyof typeof palette)[]) {
    let found: string | null = null;
    for (const name of paletteProperties[key]) {
      const value = property(name).trim();
      found = value ? colour(value) : null;
      if (found) break;
    }
    read[key] = found ?? palette[key];
  }
  return read;
}
