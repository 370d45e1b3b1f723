import { describe, expect, it } from 'vitest';
import { sparkPaths } from '../../web/lib/wall/sparkline';

// Each subpath ("M…" up to the next "M") and how many points it draws through.
const strokes = (line: string) => line.split('M').filter(Boolean).map((sub) => sub.split('L').length);

describe('tile sparklines', () => {
  it('show a value with no neighbour, as a small team’s p90 has in slots without a first response', () => {
    const { line } = sparkPaths([null, 300, null, 420, null, 600, 660]);
    // Three marks: two lone values and one segment; a lone value is not a bare move that draws nothing.
    expect(strokes(line)).toHaveLength(3);
    expect(strokes(line).every((points) => points >= 2)).toBe(true);
  });
  it('draw an unbroken day as one line with its area', () => {
    const { line, area } = sparkPaths([1, 4, 2, 8]);
    expect(strokes(line)).toEqual([4]);
    expect(area).toMatch(/Z$/);
  });
});
