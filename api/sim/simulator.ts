import { Callbacks } from './callbacks';
import { CAPACITY_UNITS, REFERENCE_TICKETS_PER_HOUR, ROSTER, arrivalShape, type AgentProfile } from './centre';
import { Core, type RawEvent } from './core';
import { Floor } from './floor';
import { Rng } from './random';
import { Tickets } from './tickets';
import { Zone } from './zone';

export type { RawEvent } from './core';

export const DEFAULT_SEED = 1;
export const DEFAULT_TICKETS_PER_HOUR = 120;

export interface SimulatorOptions {
  seed?: number;
  /** Epoch ms where the simulation clock starts; nothing is emitted before it. */
  start: number;
  /** IANA zone for the hour-of-day profile and shifts; default the process's. */
  timezone?: string;
  /** Arrival rate at the busiest hour of a weekday. */
  ticketsPerHour?: number;
  /** Tag inside every id (`ev-{tag}000000001`, `T-{tag}000001`, `CB-{tag}000001`) so separate runs never collide. */
  idPrefix?: string;
}

export interface Simulator {
  /** Events whose delivery time is in (previous call, toMs], in delivery order. */
  advance(toMs: number): RawEvent[];
  /** The toMs of the last advance (the start before any). */
  readonly now: number;
  readonly agents: readonly AgentProfile[];
  /** Scheduled actions and undelivered events: stays flat over any run length, since finished tickets are dropped. */
  readonly pending: number;
}

/**
 * A deterministic support centre: the same options always produce the same events, however the time is
 * sliced into advance() calls.
 */
export function createSimulator(opts: SimulatorOptions): Simulator {
  const rng = new Rng(opts.seed ?? DEFAULT_SEED);
  const zone = new Zone(opts.timezone);
  const tag = opts.idPrefix ?? '';
  const perHour = opts.ticketsPerHour ?? DEFAULT_TICKETS_PER_HOUR;
  const core = new Core(rng, opts.start, tag);
  // Beyond the rate the roster is sized for, each named agent stands for a pod: more capacity, same names.
  const pod = Math.max(1, Math.round(perHour / REFERENCE_TICKETS_PER_HOUR));
  const floor = new Floor(core, zone, CAPACITY_UNITS * pod);
  const tickets = new Tickets(core, floor, new Callbacks(core, floor, zone, tag), tag, zone);
  floor.begin();

  if (perHour > 0) {
    // Non-homogeneous Poisson arrivals by thinning: candidates at the peak rate, kept in proportion to the hour's shape.
    const meanGap = 3_600_000 / perHour;
    // Their own stream: the same seed brings the same customers at the same times whatever the floor does with them.
    const arrivals = new Rng(((opts.seed ?? DEFAULT_SEED) ^ 0x9e3779b9) >>> 0);
    const nextArrival = (from: number): number => {
      for (let t = from; ; ) {
        t += arrivals.exp(meanGap);
        const dow = zone.dayOfWeek(t);
        if (arrivals.next() < arrivalShape(zone.hourOfDay(t), dow === 0 || dow === 6)) return t;
      }
    };
    const arrive = (): void => {
      tickets.arrive();
      core.at(nextArrival(core.now), arrive);
    };
    core.at(nextArrival(opts.start), arrive);
  }

  let now = opts.start;
  return {
    advance(toMs: number): RawEvent[] {
      if (toMs < now) return [];
      now = toMs;
      return core.advance(toMs);
    },
    get now() {
      return now;
    },
    agents: ROSTER,
    get pending() {
      return core.pending;
    }
  };
}
