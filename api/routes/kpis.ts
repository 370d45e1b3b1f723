// GET /api/kpis and GET /api/agents. Role: supervisor.
import { Hono } from 'hono';
import type { AppDeps } from '../app';
import { requireRole } from '../auth/middleware';
import { getAgents } from '../queries/getAgents';
import { getKpis } from '../queries/getKpis';
import { filtersOf, issuesToErrors, resolveWindow, windowQuery } from './params';

export function kpiRoutes(deps: AppDeps) {
  const sqlite = deps.db.$client;
  return new Hono()
    .get('/kpis', requireRole(deps.db, 'supervisor', deps.now), (c) => {
      const q = windowQuery.safeParse(c.req.query());
      if (!q.success) return c.json({ errors: issuesToErrors(q.error) }, 400);
      const now = deps.now();
      return c.json(getKpis(sqlite, resolveWindow(q.data, now, deps.config.KPI_TIMEZONE), filtersOf(q.data), now));
    })
    .get('/agents', requireRole(deps.db, 'supervisor', deps.now), (c) => {
      const q = windowQuery.safeParse(c.req.query());
      if (!q.success) return c.json({ errors: issuesToErrors(q.error) }, 400);
      const window = resolveWindow(q.data, deps.now(), deps.config.KPI_TIMEZONE);
      return c.json({ agents: getAgents(sqlite, window, q.data.team) });
    });
}
