// Realistic event streams for the benchmarks, from the simulator (api/sim), pre-validated where it matters.
import { generateHistory } from '../../api/sim/history';
import type { RawEvent } from '../../api/sim/simulator';

const DAY = 86_400_000;

/**
 * Where the workload's simulated time starts: midnight UTC of the last Monday at least 14 days before `now`. It
 * started at the run's own hour 14 days before, so a run at 04:00 on a Sunday ingested another mix (a weekend's
 * quieter arrivals, other hours first) than one at 00:41 on a Thursday, and with it the server's figures moved
 * by the hour and the weekday. Now every run, on any machine in any zone, sends the same events: only their
 * dates move.
 */
export function workloadStart(now = Date.now()): number {
  const day = Math.floor((now - 14 * DAY) / DAY) * DAY;
  return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
}

/** About `target` events of a busy centre's weekday from its midnight (UTC), in delivery order (late and duplicate deliveries included). */
export function recentEvents(target: number, seed = 7): RawEvent[] {
  const out: RawEvent[] = [];
  const from = workloadStart();
  const to = Date.now() - 60_000;
  for (const chunk of generateHistory({ from, to, seed, ticketsPerHour: 2000, idPrefix: `b${seed}-`, timezone: 'UTC' })) {
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
