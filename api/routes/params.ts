// Query parameters shared by the KPI and agent routes, validated with zod.
import { z } from 'zod';
import { instantParam } from '../events/instant';
import { dayWindow } from '../kpi/time';
import type { KpiFilters } from '../kpi/types';

const filter = z.string().trim().min(1).max(128).optional();

export const windowQuery = z
  .object({
    from: instantParam.optional(),
    to: instantParam.optional(),
    team: filter,
    channel: filter,
    priority: filter,
    category: filter,
    agent: filter
  })
  .refine((q) => (q.from === undefined) === (q.to === undefined), { message: 'give both from and to, or neither (today)', path: ['from'] })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to', path: ['to'] });

export type WindowQuery = z.output<typeof windowQuery>;

export function resolveWindow(q: WindowQuery, now: number, tz: string): { from: number; to: number } {
  return q.from !== undefined && q.to !== undefined ? { from: q.from, to: q.to } : dayWindow(now, tz);
}

export function filtersOf(q: WindowQuery): KpiFilters {
  const f: KpiFilters = {};
  for (const k of ['team', 'channel', 'priority', 'category', 'agent'] as const) if (q[k] !== undefined) f[k] = q[k];
  return f;
}

export function issuesToErrors(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}
