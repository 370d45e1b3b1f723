// Bounded-error duration histogram: 2-second bins below 50 s (reported at their middle: within 1 s), then
// log bins 3.5 % wide reported at their geometric middle (within 1.8 %), so any nearest-rank percentile read
// from it is within the spec's 1 s or 2 %. Few bins keep the hot rollup rows small, which is what ingest pays for.
const LINEAR_LIMIT_SEC = 50;
const LINEAR_WIDTH_SEC = 2;
const LINEAR_BINS = LINEAR_LIMIT_SEC / LINEAR_WIDTH_SEC;
const RATIO = 1.035;
const LOG_RATIO = Math.log(RATIO);

/** bin index → count, while a window is summed (rollup rows store the varint form of encodeHistogram). */
export type Histogram = Record<number, number>;

/**
 * An empty histogram. Histograms live only while a window is summed (the ingest writer keeps its rows' bins
 * in BinCounts), so they are plain objects: V8 keeps bins below ~1,000 in a flat array, where summing a
 * 90-day query's dense bins into one took 19 µs against 106–168 µs for an object kept as a dictionary, and
 * reading its percentiles 28 µs against 57.
 */
export function emptyHistogram(): Histogram {
  return {};
}

export function binOf(sec: number): number {
  if (sec < LINEAR_LIMIT_SEC) return Math.max(0, Math.floor(sec / LINEAR_WIDTH_SEC));
  return LINEAR_BINS + Math.floor(Math.log(sec / LINEAR_LIMIT_SEC) / LOG_RATIO);
}

/** The value a bin stands for: its midpoint (linear bins) or geometric midpoint (log bins). */
export function binValue(bin: number): number {
  if (bin < LINEAR_BINS) return (bin + 0.5) * LINEAR_WIDTH_SEC;
  return LINEAR_LIMIT_SEC * Math.pow(RATIO, bin - LINEAR_BINS + 0.5);
}

export function addToHistogram(h: Histogram, sec: number, count = 1): void {
  const b = binOf(sec);
  const n = (h[b] ?? 0) + count;
  if (n === 0) delete h[b];
  else h[b] = n;
}

export function mergeHistogram(into: Histogram, from: Histogram, sign = 1): void {
  for (const key in from) {
    const b = Number(key);
    const n = (into[b] ?? 0) + sign * from[b];
    if (n === 0) delete into[b];
    else into[b] = n;
  }
}

/** Nearest-rank percentile: the ⌈q·n⌉-th smallest value. */
export function histogramPercentile(h: Histogram, q: number): number | null {
  return histogramPercentiles(h, [q])[0];
}

/**
 * Nearest-rank percentiles for each of `qs` (ascending), from one walk of the bins: a per-agent query reads
 * four of them for each of some sixty agents, and collecting a histogram's bins is most of the cost.
 */
export function histogramPercentiles(h: Histogram, qs: readonly number[]): (number | null)[] {
  // Integer keys of a plain object enumerate in ascending numeric order: no sort needed.
  const bins = Object.keys(h).map(Number);
  let n = 0;
  for (const b of bins) n += h[b];
  if (n <= 0) return qs.map(() => null);
  const out: (number | null)[] = [];
  let seen = 0;
  let i = 0;
  for (const q of qs) {
    const rank = Math.max(1, Math.ceil(q * n));
    while (i < bins.length - 1 && seen + h[bins[i]] < rank) seen += h[bins[i++]];
    out.push(binValue(bins[i]));
  }
  return out;
}

export function exactPercentile(sortedAsc: readonly number[], q: number): number | null {
  if (sortedAsc.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sortedAsc.length));
  return sortedAsc[rank - 1];
}

/**
 * Compact binary form for rollup rows: ascending bins as (gap from previous bin, count) varint pairs.
 * A busy day's histogram is a few hundred bytes instead of a few kilobytes of JSON, which is what keeps
 * rewriting the hot rollup rows cheap.
 */
export function encodeHistogram(h: Histogram): Buffer | null {
  // Integer keys of a plain object enumerate in ascending numeric order, so no sort is needed.
  const bins = Object.keys(h).map(Number);
  return encodeBins(bins, bins.map((b) => h[b]));
}

/** encodeHistogram's bytes for bins given ascending, with their counts. */
function encodeBins(bins: readonly number[], counts: readonly number[]): Buffer | null {
  // Encoded into a scratch buffer first, so each call allocates only its result, at its exact size.
  let pos = 0;
  let prev = 0;
  for (let i = 0; i < bins.length; i++) {
    const n = counts[i];
    if (n < 0) throw new Error(`negative histogram count at bin ${bins[i]}`);
    if (pos + 20 > scratch.length) scratch = growScratch(scratch);
    pos = putVarint(scratch, pos, bins[i] - prev);
    pos = putVarint(scratch, pos, n);
    prev = bins[i];
  }
  return pos === 0 ? null : Buffer.from(scratch.subarray(0, pos));
}

/**
 * A histogram as the ingest writer keeps one for each cached rollup row: its bins ascending in one array and
 * their counts in another. The writer encodes every histogram it changed at every commit; walking a plain
 * object's integer keys for that (for-in on its dictionary: keys collected, sorted, turned into strings and
 * back) took 5 µs for 40 bins, two arrays 0.3 µs.
 */
export class BinCounts {
  private readonly bins: number[] = [];
  private readonly counts: number[] = [];

  /** Adds `n` (negative to retract) to a bin; a bin whose count comes to 0 goes. */
  add(bin: number, n: number): void {
    const { bins, counts } = this;
    let lo = 0;
    let hi = bins.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bins[mid] < bin) lo = mid + 1;
      else hi = mid;
    }
    if (lo < bins.length && bins[lo] === bin) {
      const sum = counts[lo] + n;
      if (sum !== 0) counts[lo] = sum;
      else (bins.splice(lo, 1), counts.splice(lo, 1));
    } else if (n !== 0) (bins.splice(lo, 0, bin), counts.splice(lo, 0, n));
  }

  encode(): Buffer | null {
    return encodeBins(this.bins, this.counts);
  }

  /** The bins of an encoded histogram (encodeHistogram's bytes, or null for none). */
  static decode(buf: Uint8Array | null): BinCounts {
    const h = new BinCounts();
    if (buf) {
      const sparse = decodeHistogram(buf);
      for (const key in sparse) h.add(+key, sparse[key]);
    }
    return h;
  }
}

let scratch = new Uint8Array(4096);
function growScratch(old: Uint8Array) {
  const next = new Uint8Array(old.length * 2);
  next.set(old);
  return next;
}

function putVarint(out: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) {
    out[pos++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[pos++] = v;
  return pos;
}

/**
 * Adds the encoded histogram in buf[start, end) into `dense` (bins below its length) and `sparse` (the rest).
 * One loop with no closures: a 90-day query decodes thousands of rows of hundreds of bins.
 */
function addDecoded(buf: Uint8Array, start: number, end: number, dense: Float64Array | null, sparse: Histogram): void {
  const denseBins = dense ? dense.length : 0;
  let pos = start;
  let bin = 0;
  while (pos < end) {
    let byte = buf[pos++];
    let gap = byte & 0x7f;
    for (let scale = 128; byte >= 0x80; scale *= 128) gap += ((byte = buf[pos++]) & 0x7f) * scale;
    byte = buf[pos++];
    let n = byte & 0x7f;
    for (let scale = 128; byte >= 0x80; scale *= 128) n += ((byte = buf[pos++]) & 0x7f) * scale;
    bin += gap;
    if (bin < denseBins) dense![bin] += n;
    else sparse[bin] = (sparse[bin] ?? 0) + n;
  }
}

export function decodeHistogram(buf: Uint8Array | null): Histogram {
  const h = emptyHistogram();
  if (buf) addDecoded(buf, 0, buf.length, null, h);
  return h;
}

/** Bins below this are summed in a dense array when many rollup rows are added up (a query). */
const DENSE_BINS = 1024;

/**
 * Sums many encoded histograms without building an object per row: a query over 90 days of rows decodes
 * straight into one typed array. `addTo()` gives the usual sparse form at the end.
 */
export class HistogramSum {
  private readonly dense: Float64Array | null;
  private overflow = emptyHistogram();

  /** `dense` false: sparse only, for sums of a few rows (a dense array is 8 KB to allocate and to scan). */
  constructor(dense = true) {
    this.dense = dense ? new Float64Array(DENSE_BINS) : null;
  }

  /** Adds the encoded histogram in buf[start, end) (all of it by default). */
  addEncoded(buf: Uint8Array | null, start = 0, end = buf?.length ?? 0): void {
    if (buf) addDecoded(buf, start, end, this.dense, this.overflow);
  }

  /** Adds the sums into a sparse histogram. */
  addTo(h: Histogram): void {
    if (this.dense) for (let b = 0; b < DENSE_BINS; b++) if (this.dense[b] !== 0) h[b] = (h[b] ?? 0) + this.dense[b];
    mergeHistogram(h, this.overflow);
  }
}
