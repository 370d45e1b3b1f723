import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addToHistogram, binOf, binValue, decodeHistogram, encodeHistogram, exactPercentile, histogramPercentile, mergeHistogram, type Histogram } from '../../api/kpi/histogram';

describe('duration histogram', () => {
  it('reports every value within 1 s or 2 %', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 90 * 86_400, noNaN: true }), (sec) => {
        const v = binValue(binOf(sec));
        expect(Math.abs(v - sec)).toBeLessThanOrEqual(Math.max(1, 0.02 * sec));
      }),
      { numRuns: 5000 }
    );
  });

  it('gives nearest-rank p50/p90 within tolerance of the exact values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 200_000, noNaN: true }), { minLength: 1, maxLength: 300 }), (values) => {
        const h: Histogram = {};
        for (const v of values) addToHistogram(h, v);
        const sorted = [...values].sort((a, b) => a - b);
        for (const q of [0.5, 0.9]) {
          const exact = exactPercentile(sorted, q)!;
          expect(Math.abs(histogramPercentile(h, q)! - exact)).toBeLessThanOrEqual(Math.max(1, 0.02 * exact));
        }
      })
    );
  });

  it('merges and retracts back to empty', () => {
    const a: Histogram = {};
    addToHistogram(a, 30);
    addToHistogram(a, 3600);
    const b: Histogram = {};
    mergeHistogram(b, a);
    mergeHistogram(b, a, -1);
    expect(b).toEqual({});
    expect(histogramPercentile({}, 0.5)).toBeNull();
  });
});

describe('histogram encoding', () => {
  it('round-trips any histogram through its compact blob', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.integer({ min: 0, max: 5000 }).map(String), fc.integer({ min: 1, max: 2 ** 40 })), (dict) => {
        const h: Histogram = Object.fromEntries(Object.entries(dict).map(([k, v]) => [Number(k), v]));
        expect(decodeHistogram(encodeHistogram(h))).toEqual(h);
      })
    );
    expect(encodeHistogram({})).toBeNull();
    expect(decodeHistogram(null)).toEqual({});
  });
});
