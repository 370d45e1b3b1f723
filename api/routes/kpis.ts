// GET /api/kpis and GET /api/agents. Role: supervisor.
import { Hono } from 'hono';
import type { AppDeps } from '../app';
import { requireRole } from '../auth/middleware';
import { getAgents } from '../queries/getAgents';
import { getKpis } from '../queries/getKpis';
import { rollupDim } from '../queries/windowTotals';
import { AGENT_PARAMS, filtersOf, narrowingOf, parseWindowQuery, resolveWindow } from './params';

export function kpiRoutes(deps: AppDeps) {
  const sqlite = deps.db.$client;
  return new Hono()
    .get('/kpis', requireRole(deps.db, 'supervisor', deps.now), async (c) => {
      const q = parseWindowQuery(c.req.url, deps.config.KPI_TIMEZONE);
      if (!q.ok) return c.json({ errors: q.errors }, 400);
      const now = deps.now();
      const window = resolveWindow(q.query, now, deps.config.KPI_TIMEZONE);
      const filters = filtersOf(q.query);
      const here = () => getKpis(sqlite, window, filters, now);
      if (!deps.scans || rollupDim(filters) !== null) return c.json(here());
      // Only a scan of facts answers these filters: seconds for a long window, on the scan thread. Should it fail, here.
      return c.json(
        await deps.scans.kpis(window, filters, now).catch((err: unknown) => {
          console.error(`GET /api/kpis: the scan thread could not answer (${(err as Error).message}); answered on the main thread.`);
          return here();
        })
      );
    })
    .get('/agents', requireRole(deps.db, 'supervisor', deps.now), async (c) => {
      const q = parseWindowQuery(c.req.url, deps.config.KPI_TIMEZONE, AGENT_PARAMS);
      if (!q.ok) return c.json({ errors: q.errors }, 400);
      const window = resolveWindow(q.query, deps.now(), deps.config.KPI_TIMEZONE);
      const narrow = narrowingOf(q.query);
      const here = () => getAgents(sqlite, window, q.query.team, narrow);
      if (!deps.scans || Object.keys(narrow).length === 0) return c.json({ agents: here() });
      // Narrowed, every agent's figures come from one scan of the window's facts: on the scan thread, or here should it fail.
      return c.json({
        agents: await deps.scans.agents(window, q.query.team, narrow).catch((err: unknown) => {
          console.error(`GET /api/agents: the scan thread could not answer (${(err as Error).message}); answered on the main thread.`);
          return here();
        })
      });
    });
}
