// Query parameters shared by the KPI and agent routes, validated with zod.
import { z } from 'zod';
import { instantParam } from '../events/instant';
import { CHANNELS, PRIORITIES } from '../events/schema';
import { dayWindow } from '../kpi/time';
import type { KpiFilters } from '../kpi/types';

const name = z.string().trim().min(1).max(128);
/** A channel or priority filter names one the events can have: anything else could only ever match nothing. */
const oneOf = (values: readonly [string, ...string[]], what: string) =>
  name.refine((v) => values.includes(v), { message: `not a ${what}; expected one of ${values.join(', ')}` });

/** The filters of SPEC.md, the same for GET /api/kpis, /api/agents and a live subscription. */
export const filterFields = {
  team: name.optional(),
  channel: oneOf(CHANNELS, 'channel').optional(),
  priority: oneOf(PRIORITIES, 'priority').optional(),
  category: name.optional(),
  agent: name.optional()
};

export const windowQuery = z
  .object({ from: instantParam.optional(), to: instantParam.optional(), ...filterFields })
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
