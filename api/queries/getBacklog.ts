import type Database from 'better-sqlite3';
import type { KpiFilters, Kpis } from '../kpi/types';
import { cached, filterConditions } from './windowTotals';

const TICKET_COLUMN = { team: 'team', channel: 'channel', priority: 'priority', category: 'category', agent: 'assignee' } as const;
const CALLBACK_COLUMN = { team: 'team', agent: 'agent' } as const;
const where = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');
/** What the backlog counts of open tickets, and of pending callbacks (`?` = now), by getBacklog and backlogByTeam alike. */
const TICKET_COUNTS = 'count(*) AS open, coalesce(sum(assignee IS NULL), 0) AS unassigned, coalesce(sum(unattended_since IS NOT NULL), 0) AS unattended';
const CALLBACK_COUNTS = 'count(*) AS pending, coalesce(sum(due < ?), 0) AS overdue';

/**
 * The backlog now, with the same filters as the window (agent = current assignee / callback agent). Reads the
 * open tickets and pending callbacks whole: they are the backlog and nothing else (db/schema/current.ts).
 */
export function getBacklog(sqlite: Database.Database, filters: KpiFilters, now: number): Kpis['backlog'] {
  const tickets = filterConditions(filters, TICKET_COLUMN);
  const t = cached(
    sqlite,
    `SELECT ${TICKET_COUNTS}, min(unattended_since) AS oldest FROM open_tickets ${where(tickets.conditions)}`
  ).get(...tickets.params) as { open: number; unassigned: number; unattended: number; oldest: number | null };

  // Callbacks carry team and agent only: a channel, priority or category filter matches none of them.
  let callbacks = { pending: 0, overdue: 0 };
  if (filters.channel === undefined && filters.priority === undefined && filters.category === undefined) {
    const c = filterConditions(filters, CALLBACK_COLUMN);
    callbacks = cached(
      sqlite,
      `SELECT ${CALLBACK_COUNTS} FROM pending_callbacks ${where(c.conditions)}`
    ).get(now, ...c.params) as typeof callbacks;
  }
  return {
    open: t.open,
    unassigned: t.unassigned,
    unattended: t.unattended,
    oldestUnattendedSec: t.oldest === null ? null : Math.max(0, (now - t.oldest) / 1000),
    callbacksPending: callbacks.pending,
    callbacksOverdue: callbacks.overdue
  };
}

export type TeamBacklog = { team: string | null; open: number; unassigned: number; unattended: number; pending: number; overdue: number };

/**
 * Every team's backlog counts now (the oldest wait aside), in one grouped pass over each table: what getBacklog
 * gives with `{ team }`, for all teams at once. `team` null holds the tickets and callbacks of no team.
 */
export function backlogByTeam(sqlite: Database.Database, now: number): TeamBacklog[] {
  return cached(
    sqlite,
    `SELECT team, sum(open) AS open, sum(unassigned) AS unassigned, sum(unattended) AS unattended, sum(pending) AS pending, sum(overdue) AS overdue
     FROM (SELECT team, ${TICKET_COUNTS}, 0 AS pending, 0 AS overdue FROM open_tickets GROUP BY team
           UNION ALL
           SELECT team, 0, 0, 0, ${CALLBACK_COUNTS} FROM pending_callbacks GROUP BY team)
     GROUP BY team`
  ).all(now) as TeamBacklog[];
}
