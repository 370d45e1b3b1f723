// Query parameters shared by the KPI and agent routes, validated with zod; the filters are a live subscription's too.
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

const PARAMS = ['from', 'to', ...Object.keys(filterFields)];

/**
 * Reads a window query from every value of every parameter: one given twice (which of them would count?) or
 * one the endpoint does not know (a typo such as `tema=` would show the whole centre as if filtered) is an error.
 */
export function parseWindowQuery(all: Record<string, string[]>): { ok: true; query: WindowQuery } | { ok: false; errors: ParamError[] } {
  const errors: ParamError[] = [];
  for (const [key, values] of Object.entries(all)) {
    if (!PARAMS.includes(key)) errors.push({ path: key, message: `unknown parameter; expected ${PARAMS.join(', ')}` });
    else if (values.length > 1) errors.push({ path: key, message: `given ${values.length} times; give it once` });
  }
  if (errors.length) return { ok: false, errors };
  const q = windowQuery.safeParse(Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v[0]])));
  return q.success ? { ok: true, query: q.data } : { ok: false, errors: issuesToErrors(q.error) };
}

export function resolveWindow(q: WindowQuery, now: number, tz: string): { from: number; to: number } {
  return q.from !== undefined && q.to !== undefined ? { from: q.from, to: q.to } : dayWindow(now, tz);
}

export function filtersOf(q: WindowQuery): KpiFilters {
  const f: KpiFilters = {};
  for (const k of ['team', 'channel', 'priority', 'category', 'agent'] as const) if (q[k] !== undefined) f[k] = q[k];
  return f;
}

export interface ParamError {
  path: string;
  message: string;
}

export function issuesToErrors(error: z.ZodError): ParamError[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}
