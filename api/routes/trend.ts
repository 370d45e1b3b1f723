// GET /api/trend: the range day by day (hour by hour for one day), for the reports' chart. Role: manager.
import { Hono } from 'hono';
import type { AppDeps } from '../app';
import { requireRole } from '../auth/middleware';
import { getTrend } from '../queries/getTrend';
import { rollupDim } from '../queries/windowTotals';
import { KPI_PARAMS, filtersOf, parseWindowQuery, resolveWindow } from './params';

/** The window and the filters the reports choose by, as GET /api/kpis takes them. */
export const TREND_PARAMS = KPI_PARAMS;

/** The filters of which the chart draws one at most beside a team: each is a rollup's dimension. */
export const TREND_ONE_OF = ['agent', 'channel', 'priority', 'category'] as const;

/** More days than a chart can draw, or a manager read: about three years. */
export const MAX_TREND_DAYS = 1100;

export function trendRoutes(deps: AppDeps) {
  return new Hono().get('/trend', requireRole(deps.db, 'manager', deps.now), (c) => {
    const tz = deps.config.KPI_TIMEZONE;
    const q = parseWindowQuery(c.req.url, tz, TREND_PARAMS);
    if (!q.ok) return c.json({ errors: q.errors }, 400);
    const filters = filtersOf(q.query);
    // A team and one more filter are read from the rollups, a few small reads a bucket. Two more need a scan of every
    // fact in the window (~3 s for 90 days at 1M tickets) that the table under the chart already pays for once.
    if (rollupDim(filters) === null) {
      const given = TREND_ONE_OF.filter((k) => filters[k] !== undefined);
      return c.json(
        {
          errors: [
            {
              path: given[1],
              message: `the trend draws a team and at most one of ${TREND_ONE_OF.join(', ')}; ${given.join(' and ')} are given: clear all but one of them to chart it`
            }
          ]
        },
        400
      );
    }
    const window = resolveWindow(q.query, deps.now(), tz);
    // Counted before any is summed: a window of centuries would otherwise hold the server for minutes.
    const days = Math.ceil((window.to - window.from) / 86_400_000);
    if (days > MAX_TREND_DAYS)
      return c.json({ errors: [{ path: 'to', message: `the range is ${days} days long: the trend shows at most ${MAX_TREND_DAYS} days; choose a shorter range` }] }, 400);
    return c.json(getTrend(deps.db.$client, window, filters, tz));
  });
}
