import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinCounts, addToHistogram, binOf, binValue, decodeHistogram, encodeHistogram, exactPercentile, histogramPercentile, histogramPercentiles, mergeHistogram, type Histogram } from '../../api/kpi/histogram';
import { HISTOGRAM_RUN, RollupSum } from '../../api/ingest/rollup-delta';
import { COUNTERS, emptyTotals } from '../../api/kpi/totals';

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
        // Read one at a time and both from one walk of the bins (as /api/kpis reads them): the same answers.
        const both = histogramPercentiles(h, [0.5, 0.9]);
        for (const [i, q] of [0.5, 0.9].entries()) {
          const exact = exactPercentile(sorted, q)!;
          expect(Math.abs(histogramPercentile(h, q)! - exact)).toBeLessThanOrEqual(Math.max(1, 0.02 * exact));
          expect(both[i]).toBe(histogramPercentile(h, q));
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
    expect(histogramPercentiles({}, [0.5, 0.9])).toEqual([null, null]);
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

  it("encodes the ingest writer's bins as the same histogram kept as an object, through adds and retractions", () => {
    // Steps of (bin, +1 or -1); a retraction only takes back what was added, as facts retract.
    const steps = fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.boolean()), { maxLength: 200 });
    fc.assert(
      fc.property(fc.option(fc.dictionary(fc.integer({ min: 0, max: 400 }).map(String), fc.integer({ min: 1, max: 5 }))), steps, (start, list) => {
        const h: Histogram = Object.fromEntries(Object.entries(start ?? {}).map(([k, v]) => [Number(k), v]));
        const bins = BinCounts.decode(start ? encodeHistogram(h) : null);
        for (const [bin, retract] of list) {
          const n = retract && h[bin] ? -1 : 1;
          bins.add(bin, n);
          h[bin] = (h[bin] ?? 0) + n;
          if (h[bin] === 0) delete h[bin];
        }
        const blob = bins.encode();
        expect(blob).toEqual(encodeHistogram(h));
        expect(decodeHistogram(blob)).toEqual(h);
      })
    );
  });
});

describe('summing stored histograms in a query', () => {
  // Bins up to ~600 (a week-long resolution) and counts past one varint byte; some rows have no histogram.
  const histogram = fc.dictionary(fc.integer({ min: 0, max: 600 }).map(String), fc.integer({ min: 1, max: 70_000 }), { maxKeys: 40 }).map(
    (d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [Number(k), v])) as Histogram
  );
  const row = fc.record({ agent: fc.constantFrom('ann', 'bo', 'cy'), fr: fc.option(histogram), res: fc.option(histogram) });

  it('adds up rollup rows packed by SQLite into one blob per agent exactly as decoding each row would', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
        const db = new Database(':memory:');
        db.exec('CREATE TABLE rollups (level INTEGER, dim TEXT, value TEXT, bucket INTEGER, team TEXT, fr_hist BLOB, res_hist BLOB)');
        const insert = db.prepare("INSERT INTO rollups VALUES (2, 'agent', ?, ?, '', ?, ?)");
        const expected = new Map<string, { fr: Histogram; res: Histogram }>();
        rows.forEach((r, i) => {
          insert.run(r.agent, i * 86_400_000, r.fr && encodeHistogram(r.fr), r.res && encodeHistogram(r.res));
          const e = expected.get(r.agent) ?? { fr: {}, res: {} };
          if (r.fr) mergeHistogram(e.fr, r.fr);
          if (r.res) mergeHistogram(e.res, r.res);
          expected.set(r.agent, e);
        });
        const got = new Map<string, { fr: Histogram; res: Histogram }>();
        const runs = db.prepare(`SELECT value, ${HISTOGRAM_RUN} AS run FROM rollups GROUP BY value`).all() as { value: string; run: Buffer }[];
        for (const { value, run } of runs) {
          const sum = new RollupSum();
          sum.addHistogramRun(run);
          // RollupSum adds into Totals only once a row was counted.
          sum.addCounters(Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<(typeof COUNTERS)[number], number>);
          const totals = emptyTotals();
          sum.addTo(totals);
          got.set(value, { fr: totals.frHist, res: totals.resHist });
        }
        expect(got).toEqual(expected);
        db.close();
      }),
      { numRuns: 200 }
    );
  });
});
