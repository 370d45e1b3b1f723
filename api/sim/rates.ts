import { arrivalShape } from './centre';

/** Average of the arrival shape over a week: the mean arrival rate as a share of the peak-hour rate. */
export const MEAN_ARRIVAL_SHAPE = (() => {
  let sum = 0;
  let n = 0;
  for (let day = 0; day < 7; day++) {
    for (let minute = 0; minute < 24 * 60; minute += 5, n++) sum += arrivalShape(minute / 60, day >= 5);
  }
  return sum / n;
})();

/** Measured over long runs (created, assigned, replies, resolution, ratings, callbacks; 8.0–8.3 at any rate). */
export const EVENTS_PER_TICKET = 8.2;

/** The peak-hour rate whose weekly average delivers `eventsPerSecond` (agent status adds a few per minute on top). */
export function ticketsPerHourForEventRate(eventsPerSecond: number): number {
  return (eventsPerSecond * 3600) / (MEAN_ARRIVAL_SHAPE * EVENTS_PER_TICKET);
}

/** The peak-hour rate that makes about `tickets` tickets a day on average, e.g. to size a benchmark. */
export function ticketsPerHourForDailyTickets(tickets: number): number {
  return tickets / (24 * MEAN_ARRIVAL_SHAPE);
}
