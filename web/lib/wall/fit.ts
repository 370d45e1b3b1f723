// Text width estimates in em for a bold sans-serif, so CSS can size a value or label to fill its tile
// (`font-size: min(<max>, calc(96cqi / var(--ems)))`) without measuring the DOM on every update.
const NARROW = new Set([...'iljtfr.,:;\'|!()[] \u00a0\u202f']);
const WIDE = new Set([...'mwMW%@']);

export function charEms(ch: string): number {
  if (ch.charCodeAt(0) >= 0x2e80) return 1;
  if (NARROW.has(ch)) return 0.3;
  if (WIDE.has(ch)) return 0.9;
  if (/[0-9]/.test(ch)) return 0.56;
  return ch === ch.toUpperCase() && ch !== ch.toLowerCase() ? 0.7 : 0.57;
}

export function textEms(text: string, scale = 1): number {
  let ems = 0;
  for (const ch of text) ems += charEms(ch);
  return ems * scale;
}

/** Where a browser may break a line between `before` and `after`: after a space or a hyphen, or between two Chinese characters. */
function breaksBetween(before: string, after: string): boolean {
  if (after === ' ') return false;
  return before === ' ' || before === '-' || (charEms(before) === 1 && charEms(after) === 1);
}

/**
 * Where to break `text` onto two lines so that the wider is narrowest, `tail` (the width of what follows the text on
 * its last line, a name's team) counted on the second: the two lines' widths in em, `second` without the tail. Text
 * with nowhere to break is one last line, all `second`.
 */
export function twoLineBreak(text: string, tail = 0): { first: number; second: number } {
  const chars = [...text.trim()];
  let best = { first: 0, second: textEms(chars.join('')) };
  let widest = best.second + tail;
  for (let i = 1; i < chars.length; i++) {
    if (!breaksBetween(chars[i - 1], chars[i])) continue;
    const first = textEms(chars.slice(0, i).join('').trimEnd());
    const second = textEms(chars.slice(i).join(''));
    if (Math.max(first, second + tail) < widest) {
      widest = Math.max(first, second + tail);
      best = { first, second };
    }
  }
  return best;
}

/**
 * The width in em of the wider line of `text` laid on two lines, broken where it makes that line narrowest (its
 * whole width if it has nowhere to break): how wide a box must be to show a long name whole on two lines. `tail`: the
 * width of what follows the text on its last line (a name's team).
 */
export function twoLineEms(text: string, tail = 0): number {
  const { first, second } = twoLineBreak(text, tail);
  return Math.max(first, second + tail);
}
