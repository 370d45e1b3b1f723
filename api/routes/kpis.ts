// GET /api/kpis and GET /api/agents. Role: supervisor.
import { Hono } from 'hono';
import type { AppDeps } from '../app';
import { requireRole } from '../auth/middleware';
import { getAgents } from '../queries/getAgents';
import { getKpis } from '../queries/getKpis';
import { AGENT_PARAMS, filtersOf, parseWindowQuery, resolveWindow } from './params';

export function kpiRoutes(deps: AppDeps) {
  const sqlite = deps.db.$client;
  return new Hono()
    .get('/kpis', requireRole(deps.db, 'supervisor', deps.now), (c) => {
      const q = parseWindowQuery(c.req.url, deps.config.KPI_TIMEZONE);
      if (!q.ok) return c.json({ errors: q.errors }, 400);
      const now = deps.now();
      return c.json(getKpis(sqlite, resolveWindow(q.query, now, deps.config.KPI_TIMEZONE), filtersOf(q.query), now));
    })
    .get('/agents', requireRole(deps.db, 'supervisor', deps.now), (c) => {
      const q = parseWindowQuery(c.req.url, deps.config.KPI_TIMEZONE, AGENT_PARAMS);
      if (!q.ok) return c.json({ errors: q.errors }, 400);
      const window = resolveWindow(q.query, deps.now(), deps.config.KPI_TIMEZONE);
      return c.json({ agents: getAgents(sqlite, window, q.query.team) });
    });
}
