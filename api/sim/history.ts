import { createSimulator, type RawEvent, type SimulatorOptions } from './simulator';

export interface HistoryOptions extends Omit<SimulatorOptions, 'start'> {
  /** The simulation starts here (epoch ms). */
  from: number;
  /** Events delivered after this are not produced; lifecycles still running are cut off. */
  to: number;
  /** Simulated time per yielded chunk. Ten minutes keeps chunks to a few thousand events even at benchmark rates; big chunks cost GC time. */
  chunkMs?: number;
}

/** A whole period's events in delivery order, as chunks, so a year of history never sits in memory at once. */
export function* generateHistory(opts: HistoryOptions): Generator<RawEvent[], void, undefined> {
  const { from, to, chunkMs = 600_000, ...rest } = opts;
  const sim = createSimulator({ ...rest, start: from });
  for (let t = from; t < to; ) {
    t = Math.min(t + chunkMs, to);
    const events = sim.advance(t);
    if (events.length) yield events;
  }
}
