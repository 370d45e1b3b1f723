// Realistic event streams for the benchmarks, from the simulator (api/sim), pre-validated where it matters.
import { generateHistory } from '../../api/sim/history';
import type { RawEvent } from '../../api/sim/simulator';

/** About `target` events of a busy centre, ending now, in delivery order (late and duplicate deliveries included). */
export function recentEvents(target: number, seed = 7): RawEvent[] {
  const out: RawEvent[] = [];
  const to = Date.now() - 60_000;
  for (const chunk of generateHistory({ from: to - 14 * 86_400_000, to, seed, ticketsPerHour: 2000, idPrefix: `b${seed}-` })) {
    out.push(...chunk);
    if (out.length >= target) break;
  }
  return out.slice(0, target);
}

export function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
