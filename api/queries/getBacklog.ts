import type Database from 'better-sqlite3';
import type { KpiFilters, Kpis } from '../kpi/types';
import { cached } from './windowTotals';

const TICKET_COLUMN = { team: 'team', channel: 'channel', priority: 'priority', category: 'category', agent: 'assignee' } as const;

/**
 * The backlog now, with the same filters as the window (agent = current assignee / callback agent). Reads the
 * open tickets and pending callbacks whole: they are the backlog and nothing else (db/schema/current.ts).
 */
export function getBacklog(sqlite: Database.Database, filters: KpiFilters, now: number): Kpis['backlog'] {
  const where = ['1'];
  const params: string[] = [];
  for (const [key, column] of Object.entries(TICKET_COLUMN) as [keyof KpiFilters, string][]) {
    if (filters[key] === undefined) continue;
    where.push(`${column} = ?`);
    params.push(filters[key]!);
  }
  const t = cached(
    sqlite,
    `SELECT count(*) AS open, coalesce(sum(assignee IS NULL), 0) AS unassigned,
            coalesce(sum(unattended_since IS NOT NULL), 0) AS unattended, min(unattended_since) AS oldest
     FROM open_tickets WHERE ${where.join(' AND ')}`
  ).get(...params) as { open: number; unassigned: number; unattended: number; oldest: number | null };

  // Callbacks carry team and agent only: a channel, priority or category filter matches none of them.
  let callbacks = { pending: 0, overdue: 0 };
  if (filters.channel === undefined && filters.priority === undefined && filters.category === undefined) {
    const cw = ['1'];
    const cp: (string | number)[] = [now];
    if (filters.team !== undefined) (cw.push('team = ?'), cp.push(filters.team));
    if (filters.agent !== undefined) (cw.push('agent = ?'), cp.push(filters.agent));
    callbacks = cached(
      sqlite,
      `SELECT count(*) AS pending, coalesce(sum(due < ?), 0) AS overdue FROM pending_callbacks WHERE ${cw.join(' AND ')}`
    ).get(...cp) as typeof callbacks;
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
