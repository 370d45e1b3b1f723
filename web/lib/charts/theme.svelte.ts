import { palette, paletteOf, type Palette } from './palette';

let probe: CanvasRenderingContext2D | null | undefined;
/**
 * The colour a custom property's value draws as on a canvas ("#4da3ff", "rgba(…)"), or null when it is none: a value
 * the canvas refuses leaves its fill as it was, so it is set over two different fills and must give the same.
 */
function canvasColour(value: string): string | null {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return value;
  probe.fillStyle = '#000';
  probe.fillStyle = value;
  const overBlack = probe.fillStyle;
  probe.fillStyle = '#fff';
  probe.fillStyle = value;
  return overBlack === probe.fillStyle && typeof overBlack === 'string' ? overBlack : null;
}

/** The charts' colours as the page's custom properties (getComputedStyle of the document element) are now. */
export function readPagePalette(): Palette {
  if (typeof document === 'undefined') return { ...palette };
  const style = getComputedStyle(document.documentElement);
  return paletteOf((name) => style.getPropertyValue(name), canvasColour);
}

/**
 * The page's chart colours, kept as its theme changes them: a theme is the page's custom properties, set in a style or
 * class on the document element or the body. (The dashboard has one theme, dark, in web/app.css, and no stylesheet is
 * put in at run time; a theme that did so would be watched for here.)
 */
export class PagePalette {
  current = $state.raw<Palette>(readPagePalette());

  /** Follows the theme until the returned cleanup is called. */
  listen(): () => void {
    const reread = () => {
      const next = readPagePalette();
      if ((Object.keys(next) as (keyof Palette)[]).some((key) => next[key] !== this.current[key])) this.current = next;
    };
    const observer = new MutationObserver(reread);
    const attributes = { attributes: true, attributeFilter: ['style', 'class', 'data-theme'] };
    observer.observe(document.documentElement, attributes);
    observer.observe(document.body, attributes);
    reread();
    return () => observer.disconnect();
  }
}
