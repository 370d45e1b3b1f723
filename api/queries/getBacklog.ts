import type Database from 'better-sqlite3';
import type { KpiFilters, Kpis } from '../kpi/types';
import { cached, filterConditions } from './windowTotals';

const TICKET_COLUMN = { team: 'team', channel: 'channel', priority: 'priority', category: 'category', agent: 'assignee' } as const;
const CALLBACK_COLUMN = { team: 'team', agent: 'agent' } as const;
const where = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');

/**
 * The backlog now, with the same filters as the window (agent = current assignee / callback agent). Reads the
 * open tickets and pending callbacks whole: they are the backlog and nothing else (db/schema/current.ts).
 */
export function getBacklog(sqlite: Database.Database, filters: KpiFilters, now: number): Kpis['backlog'] {
  const tickets = filterConditions(filters, TICKET_COLUMN);
  const t = cached(
    sqlite,
    `SELECT count(*) AS open, coalesce(sum(assignee IS NULL), 0) AS unassigned,
            coalesce(sum(unattended_since IS NOT NULL), 0) AS unattended, min(unattended_since) AS oldest
     FROM open_tickets ${where(tickets.conditions)}`
  ).get(...tickets.params) as { open: number; unassigned: number; unattended: number; oldest: number | null };

  // Callbacks carry team and agent only: a channel, priority or category filter matches none of them.
  let callbacks = { pending: 0, overdue: 0 };
  if (filters.channel === undefined && filters.priority === undefined && filters.category === undefined) {
    const c = filterConditions(filters, CALLBACK_COLUMN);
    callbacks = cached(
      sqlite,
      `SELECT count(*) AS pending, coalesce(sum(due < ?), 0) AS overdue FROM pending_callbacks ${where(c.conditions)}`
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
