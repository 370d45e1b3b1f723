// A tile's trend line as SVG paths in a W×H box: no runes or DOM, so it is testable on its own.
export const W = 100;
export const H = 24;

/**
 * The line through the numbers, broken where a value is missing (a slot with no first response has no p90); a
 * value with none beside it is a dot (a zero-length stroke, drawn with round caps), where it used to be a bare
 * move that drew nothing. The area beneath only when nothing is missing.
 */
export function sparkPaths(values: (number | null)[]): { line: string; area: string } {
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (numbers.length < 2) return { line: '', area: '' };
  const top = Math.max(...numbers);
  const bottom = Math.min(0, ...numbers);
  const span = top - bottom || 1;
  const step = W / (values.length - 1);
  const has = (i: number) => typeof values[i] === 'number' && Number.isFinite(values[i]);
  let line = '';
  values.forEach((v, i) => {
    if (!has(i)) return;
    const point = `${(i * step).toFixed(2)},${(H - 1 - (((v as number) - bottom) / span) * (H - 2)).toFixed(2)}`;
    line += has(i - 1) ? `L${point}` : `M${point}`;
    if (!has(i - 1) && !has(i + 1)) line += `L${point}`;
  });
  const area = numbers.length === values.length ? `${line}L${W},${H}L0,${H}Z` : '';
  return { line, area };
}
