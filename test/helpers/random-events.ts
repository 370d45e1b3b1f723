// Random events for the property tests (order independence, the drill's invariant): a few agents and teams, times
// over four hours around a UTC midnight, so hour and day buckets and their edges are all in play.
import fc from 'fast-check';

export const BASE = Date.parse('2026-11-23T22:10:00Z');
export const NOW = BASE + 5 * 3_600_000;
export const AGENTS = ['ann', 'bob', 'cy'];
export const TEAMS = ['wallet', 'risk'];

export const time = fc.integer({ min: 0, max: 4 * 60 }).map((m) => BASE + m * 60_000 + (m % 7) * 1000);
export const agent = fc.constantFrom(...AGENTS);
export const team = fc.constantFrom(...TEAMS);

/** One event of a ticket, every rule of replay in reach (bot replies, reopenings, ratings…); the ticket is named by the caller. */
export const ticketEvent = fc.oneof(
  fc.record({ type: fc.constant('ticket.created'), at: time, channel: fc.constantFrom('chat', 'phone'), category: fc.constantFrom('refund', 'other'), priority: fc.constantFrom('urgent', 'normal'), team }),
  fc.record({ type: fc.constant('ticket.assigned'), at: time, agent, team }),
  fc.record({ type: fc.constant('ticket.replied'), at: time, agent }),
  fc.record({ type: fc.constant('ticket.replied'), at: time, author: fc.constant('bot') }),
  fc.record({ type: fc.constant('ticket.customer_replied'), at: time }),
  fc.record({ type: fc.constant('ticket.escalated'), at: time, team, priority: fc.constantFrom('high', 'urgent') }),
  fc.record({ type: fc.constant('ticket.resolved'), at: time, agent }),
  fc.record({ type: fc.constant('ticket.resolved'), at: time }),
  fc.record({ type: fc.constant('ticket.reopened'), at: time }),
  fc.record({ type: fc.constant('ticket.abandoned'), at: time }),
  fc.record({ type: fc.constant('ticket.rated'), at: time, score: fc.integer({ min: 1, max: 5 }) })
);

/** The contract's measures of GET /api/drill, written out: the JSON paths of /api/kpis's numbers that can be drilled into. */
export const DRILL_MEASURES = [
  ...['created', 'resolved', 'reopened', 'escalated', 'abandoned'].map((k) => `tickets.${k}`),
  ...['count', 'withinTarget', 'breached'].map((k) => `firstResponse.${k}`),
  'resolution.count',
  'csat.responses',
  'csat.positive',
  ...['scheduled', 'attempts', 'connected', 'completed', 'completedOnTime', 'confirmed'].map((k) => `callbacks.${k}`),
  ...['open', 'unassigned', 'unattended', 'callbacksPending', 'callbacksOverdue'].map((k) => `backlog.${k}`)
];
