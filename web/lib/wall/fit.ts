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
