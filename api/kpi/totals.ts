// Additive KPI totals: what a rollup row holds and what a window sums to. Pure.
import type { Fact } from './replay';
import { addToHistogram, emptyHistogram, exactPercentile, histogramPercentiles, mergeHistogram, type Histogram } from './histogram';
import type { Kpis } from './types';

/** Additive counters, in the order of the rollup table's columns (names: see db/schema/rollups.ts). */
export const COUNTERS = [
  'created',
  'resolved',
  'reopened',
  'escalated',
  'abandoned',
  'frCount',
  'frSumMs',
  'frWithin',
  'resCount',
  'resSumMs',
  'csatCount',
  'csatPositive',
  'csatSum',
  'cbScheduled',
  'cbAttempts',
  'cbConnected',
  'cbCompleted',
  'cbOnTime',
  'cbConfirmed'
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

export type Totals = Counters & {
  frHist: Histogram;
  resHist: Histogram;
  /** Exact durations (sec) while every contribution came from single facts; null once a rollup bucket is merged. */
  frExact: number[] | null;
  resExact: number[] | null;
};

/** Every counter at 0. */
export function emptyCounters(): Counters {
  // One literal with every field: added one by one in a loop, the 19 counters turned the object into a
  // dictionary (1,750 bytes instead of ~250, and a hash lookup per counter), and the writer keeps thousands.
  return {
    created: 0,
    resolved: 0,
    reopened: 0,
    escalated: 0,
    abandoned: 0,
    frCount: 0,
    frSumMs: 0,
    frWithin: 0,
    resCount: 0,
    resSumMs: 0,
    csatCount: 0,
    csatPositive: 0,
    csatSum: 0,
    cbScheduled: 0,
    cbAttempts: 0,
    cbConnected: 0,
    cbCompleted: 0,
    cbOnTime: 0,
    cbConfirmed: 0
  } satisfies Counters;
}

/** `keepExact` collects exact durations too (for windows made only of single facts); rollups don't. */
export function emptyTotals(keepExact = true): Totals {
  return { ...emptyCounters(), frHist: emptyHistogram(), resHist: emptyHistogram(), frExact: keepExact ? [] : null, resExact: keepExact ? [] : null };
}

/** Sums of facts of one kind: how many, and the totals of their value, flag and flag2. */
export interface KindSums {
  kind: Fact['kind'];
  n: number;
  value: number;
  flag: number;
  flag2: number;
}

/** The one mapping from facts to counters: adds `n` facts of a kind with the given sums. */
export function addKindSums(t: Counters, s: KindSums): void {
  switch (s.kind) {
    case 'created':
      t.created += s.n;
      break;
    case 'reopened':
      t.reopened += s.n;
      break;
    case 'escalated':
      t.escalated += s.n;
      break;
    case 'abandoned':
      t.abandoned += s.n;
      break;
    case 'first_response':
      t.frCount += s.n;
      t.frSumMs += s.value;
      t.frWithin += s.flag;
      break;
    case 'resolved':
      t.resolved += s.n;
      t.resCount += s.n;
      t.resSumMs += s.value;
      break;
    case 'rated':
      t.csatCount += s.n;
      t.csatPositive += s.flag;
      t.csatSum += s.value;
      break;
    case 'callback_scheduled':
      t.cbScheduled += s.n;
      break;
    case 'callback_attempted':
      t.cbAttempts += s.n;
      t.cbConnected += s.flag;
      break;
    case 'callback_completed':
      t.cbCompleted += s.n;
      t.cbOnTime += s.flag;
      t.cbConfirmed += s.flag2;
      break;
  }
}

/** Records one duration (first response or resolution) in the histogram and, while kept, the exact list. */
export function addDuration(t: Totals, kind: 'first_response' | 'resolved', sec: number, sign: 1 | -1 = 1): void {
  const first = kind === 'first_response';
  addToHistogram(first ? t.frHist : t.resHist, sec, sign);
  if (sign === -1) {
    if (first) t.frExact = null;
    else t.resExact = null;
  } else (first ? t.frExact : t.resExact)?.push(sec);
}

/** Adds (sign 1) or retracts (sign −1) one fact. */
export function addFact(t: Totals, f: Fact, sign: 1 | -1 = 1): void {
  const value = f.value ?? 0;
  addKindSums(t, { kind: f.kind, n: sign, value: sign * value, flag: sign * f.flag, flag2: sign * f.flag2 });
  if (f.kind === 'first_response' || f.kind === 'resolved') addDuration(t, f.kind, value / 1000, sign);
}

/** Merges a rollup row (or other totals) into `into`; exact lists are lost unless both sides kept theirs. */
export function mergeTotals(into: Totals, from: Totals, sign: 1 | -1 = 1): void {
  for (const c of COUNTERS) into[c] += sign * from[c];
  mergeHistogram(into.frHist, from.frHist, sign);
  mergeHistogram(into.resHist, from.resHist, sign);
  into.frExact = into.frExact && from.frExact && sign === 1 ? into.frExact.concat(from.frExact) : null;
  into.resExact = into.resExact && from.resExact && sign === 1 ? into.resExact.concat(from.resExact) : null;
}

export function isZero(t: Counters): boolean {
  return COUNTERS.every((c) => t[c] === 0);
}

/** p50 and p90: exact while every duration is known, else from the histogram. */
function medianAndP90(exact: number[] | null, hist: Histogram): [p50: number | null, p90: number | null] {
  if (exact) {
    const sorted = [...exact].sort((a, b) => a - b);
    return [exactPercentile(sorted, 0.5), exactPercentile(sorted, 0.9)];
  }
  return histogramPercentiles(hist, [0.5, 0.9]) as [number | null, number | null];
}

const avg = (sum: number, n: number) => (n > 0 ? sum / n : null);

/** The window blocks of the KPI response (everything but `from`, `to` and `backlog`). */
export function totalsToKpis(t: Totals): Omit<Kpis, 'from' | 'to' | 'backlog'> {
  const frExact = t.frExact && t.frExact.length === t.frCount ? t.frExact : null;
  const resExact = t.resExact && t.resExact.length === t.resCount ? t.resExact : null;
  const [frP50, frP90] = medianAndP90(frExact, t.frHist);
  const [resP50, resP90] = medianAndP90(resExact, t.resHist);
  return {
    tickets: { created: t.created, resolved: t.resolved, reopened: t.reopened, escalated: t.escalated, abandoned: t.abandoned },
    firstResponse: {
      count: t.frCount,
      avgSec: t.frCount > 0 ? t.frSumMs / t.frCount / 1000 : null,
      p50Sec: frP50,
      p90Sec: frP90,
      withinTarget: t.frWithin,
      breached: t.frCount - t.frWithin
    },
    resolution: {
      count: t.resCount,
      avgSec: t.resCount > 0 ? t.resSumMs / t.resCount / 1000 : null,
      p50Sec: resP50,
      p90Sec: resP90
    },
    csat: {
      responses: t.csatCount,
      positive: t.csatPositive,
      pct: t.csatCount > 0 ? (100 * t.csatPositive) / t.csatCount : null,
      avg: avg(t.csatSum, t.csatCount)
    },
    callbacks: {
      scheduled: t.cbScheduled,
      attempts: t.cbAttempts,
      connected: t.cbConnected,
      completed: t.cbCompleted,
      completedOnTime: t.cbOnTime,
      confirmed: t.cbConfirmed
    }
  };
}
