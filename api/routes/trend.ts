// GET /api/trend: the range day by day (hour by hour for one day), for the reports' chart. Role: manager.
import { Hono } from 'hono';
import type { AppDeps } from '../app';
import { requireRole } from '../auth/middleware';
import { getTrend } from '../queries/getTrend';
import { rollupDim } from '../queries/windowTotals';
import { KPI_PARAMS, filtersOf, parseWindowQuery, resolveWindow } from './params';

/** The window and the filters the reports choose by, as GET /api/kpis takes them. */
export const TREND_PARAMS = KPI_PARAMS;

/** More days than a chart can draw, or a manager read: about three years. */
export const MAX_TREND_DAYS = 1100;

export function trendRoutes(deps: AppDeps) {
  return new Hono().get('/trend', requireRole(deps.db, 'manager', deps.now), async (c) => {
    const tz = deps.config.KPI_TIMEZONE;
    const q = parseWindowQuery(c.req.url, tz, TREND_PARAMS);
    if (!q.ok) return c.json({ errors: q.errors }, 400);
    const filters = filtersOf(q.query);
    const window = resolveWindow(q.query, deps.now(), tz);
    // Counted before any is summed: a window of centuries would otherwise hold the server for minutes.
    const days = Math.ceil((window.to - window.from) / 86_400_000);
    if (days > MAX_TREND_DAYS)
      return c.json({ errors: [{ path: 'to', message: `the range is ${days} days long: the trend shows at most ${MAX_TREND_DAYS} days; choose a shorter range` }] }, 400);
    const here = () => getTrend(deps.db.$client, window, filters, tz);
    if (!deps.scans || rollupDim(filters) !== null) return c.json(here());
    // Past a team and one more filter the rollups cannot answer: one scan of the window's facts (~seconds for 90 days at
    // 1M tickets), on the scan thread. Should it fail, here.
    return c.json(
      await deps.scans.trend(window, filters, tz).catch((err: unknown) => {
        console.error(`GET /api/trend: the scan thread could not answer (${(err as Error).message}); answered on the main thread.`);
        return here();
      })
    );
  });
}
