// GET /api/seen: the teams, channels and categories with facts in a window, which a report is split and filtered by. Role: manager.
import { Hono } from 'hono';
import type { AppDeps } from '../app';
import { requireRole } from '../auth/middleware';
import { getSeenValues } from '../queries/getSeenValues';
import { parseWindowQuery, resolveWindow } from './params';

/** The window alone: what is seen is seen by any filter's choices, so none narrows it. */
export const SEEN_PARAMS = ['from', 'to'];

export function seenRoutes(deps: AppDeps) {
  return new Hono().get('/seen', requireRole(deps.db, 'manager', deps.now), (c) => {
    const q = parseWindowQuery(c.req.url, deps.config.KPI_TIMEZONE, SEEN_PARAMS);
    if (!q.ok) return c.json({ errors: q.errors }, 400);
    const window = resolveWindow(q.query, deps.now(), deps.config.KPI_TIMEZONE);
    return c.json({ from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString(), ...getSeenValues(deps.db.$client, window) });
  });
}
