// GET /api/trend: the range day by day (hour by hour for one day), for the reports' chart. Role: manager.
import { Hono } from 'hono';
import type { AppDeps } from '../app';
import { requireRole } from '../auth/middleware';
import { getTrend } from '../queries/getTrend';
import { filtersOf, parseWindowQuery, resolveWindow } from './params';

/** The window and the two filters the reports choose by: a team, and one agent (of it). */
export const TREND_PARAMS = ['from', 'to', 'team', 'agent'];

/** More days than a chart can draw, or a manager read: about three years. */
export const MAX_TREND_DAYS = 1100;

export function trendRoutes(deps: AppDeps) {
  return new Hono().get('/trend', requireRole(deps.db, 'manager', deps.now), (c) => {
    const tz = deps.config.KPI_TIMEZONE;
    const q = parseWindowQuery(c.req.url, tz, TREND_PARAMS);
    if (!q.ok) return c.json({ errors: q.errors }, 400);
    const window = resolveWindow(q.query, deps.now(), tz);
    // Counted before any is summed: a window of centuries would otherwise hold the server for minutes.
    const days = Math.ceil((window.to - window.from) / 86_400_000);
    if (days > MAX_TREND_DAYS)
      return c.json({ errors: [{ path: 'to', message: `the range is ${days} days long: the trend shows at most ${MAX_TREND_DAYS} days; choose a shorter range` }] }, 400);
    return c.json(getTrend(deps.db.$client, window, filtersOf(q.query), tz));
  });
}
