/**
 * Seeded randomness for the simulator. mulberry32 is tiny and fast, and a given seed always replays the same
 * centre, which is what tests, benchmarks and a restarted demo (re-sending yesterday's ids as retries) rely on.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi], both ends included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Waiting time of a Poisson process: the gaps between arrivals. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  normal(): number {
    // Box–Muller; 1 - u keeps log away from 0.
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }

  /** Human delays are skewed: most are quick, a few take ages. sigma ≈ 0.5 is tight, 1.0 is wild. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Spread evenly across orders of magnitude, e.g. a callback due in 15 minutes to 4 hours. */
  logUniform(lo: number, hi: number): number {
    return lo * Math.pow(hi / lo, this.next());
  }

  /** Count of successes before a stop with probability 1 / (1 + mean): e.g. how many times a customer writes back. */
  geometric(mean: number): number {
    if (mean <= 0) return 0;
    const p = 1 / (1 + mean);
    return Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }
}

/** A categorical distribution; tables are a handful of entries, so a linear scan beats anything clever. */
export class Weighted<T> {
  private readonly values: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.values = entries.map(([v]) => v);
    let sum = 0;
    this.cumulative = entries.map(([, w]) => (sum += w));
    this.total = sum;
  }

  pick(rng: Rng): T {
    const x = rng.next() * this.total;
    for (let i = 0; i < this.cumulative.length; i++) if (x < this.cumulative[i]) return this.values[i];
    return this.values[this.values.length - 1];
  }
}

/** A Weighted over the keys of a { value: weight } table. */
export function weights<K extends string>(table: Readonly<Record<K, number>>): Weighted<K> {
  return new Weighted(Object.entries(table) as [K, number][]);
}
