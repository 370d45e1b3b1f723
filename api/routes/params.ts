// Query parameters shared by the KPI and agent routes, validated with zod; the filters are a live subscription's too.
import { z } from 'zod';
import { INSTANT_EXPECTED, daysIn, instantSchema, parseInstant } from '../events/instant';
import { CHANNELS, PRINTABLE, PRIORITIES } from '../events/schema';
import { dayWindow, zonedTime } from '../kpi/time';
import type { AgentFilters, KpiFilters } from '../kpi/types';
import { IN_PLAIN_WORDS } from '../plain-words';

/**
 * A name as events may hold one (schema.ts): trimmed as typed, with no control characters and no lone
 * surrogate. Any other value could only ever match nothing, and would show zeros as if nobody had worked.
 */
const name = z
  .string()
  .trim()
  .min(1, { message: 'is empty; leave the filter out to include every one', abort: true })
  .max(128, { abort: true })
  .regex(PRINTABLE, { message: 'control characters are not allowed; no event can hold one', abort: true })
  .refine((v) => v.isWellFormed(), { message: 'holds a lone surrogate (\\ud800–\\udfff without its pair), which no event can hold', abort: true });
/** A channel or priority filter names one the events can have: anything else could only ever match nothing. */
const oneOf = (values: readonly [string, ...string[]], what: string) =>
  name.refine((v) => values.includes(v), { message: `not a ${what}; expected one of ${values.join(', ')}` });

/** A value that says nothing (empty, or spaces): a filter or bound given so is one not given, in a query or a subscription. */
export const isBlank = (v: unknown) => typeof v === 'string' && v.trim() === '';

/** The filters of SPEC.md, the same for GET /api/kpis, /api/agents and a live subscription. */
export const filterFields = {
  team: name.optional(),
  channel: oneOf(CHANNELS, 'channel').optional(),
  priority: oneOf(PRIORITIES, 'priority').optional(),
  category: name.optional(),
  agent: name.optional()
};

const DATE_ALONE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An instant whose offset's `+` was not written as %2B in the address: a query string reads `+` as a space. */
const PLUS_READ_AS_SPACE = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)? \d{2}:?\d{2}$/;

/**
 * A window's bound as a query gives it, in epoch ms: digits are epoch ms; a date alone (`2026-11-24`) is
 * that day's first instant in the configured timezone, as a manager picking days means it, so
 * `from=2026-11-24&to=2026-11-25` is 24 November there; anything else is ISO-8601 with Z or an offset.
 */
export function parseBound(text: string, tz: string): number | string {
  const v = text.trim();
  if (PLUS_READ_AS_SPACE.test(v)) return `a + in an address reads as a space: write the offset's + as %2B (${v.replace(/ (?=\d{2}:?\d{2}$)/, '%2B')})`;
  const date = DATE_ALONE.exec(v);
  if (!date) {
    const ms = parseInstant(/^-?\d+$/.test(v) ? Number(v) : v);
    return ms === INSTANT_EXPECTED ? QUERY_INSTANT_EXPECTED : ms;
  }
  const [year, month, day] = [+date[1], +date[2], +date[3]];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return `${v} is not a day of the calendar`;
  // Midnight in a timezone is worked out from the calendar's own arithmetic, which reads years 0–99 as 1900–1999.
  if (year < 1000) return `a date alone is read from the year 1000 on; give ${v}T00:00:00Z (or with an offset) for an earlier day`;
  return zonedTime(year, month, day, tz);
}

const QUERY_INSTANT_EXPECTED = `expected a date (2026-11-24, from midnight in the configured timezone), ${INSTANT_EXPECTED.replace('expected ', '')}`;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A window's bounds and the filters, read apart: each is checked whatever is wrong with the other (zod skips an
 * object's own checks once a field has failed, and an empty team hid a missing `from`).
 */
function windowQueryIn(tz: string) {
  const bound = instantSchema(z.string(), (s) => parseBound(s, tz));
  return { bounds: z.object({ from: bound.optional(), to: bound.optional() }), filters: z.object(filterFields) };
}

/** What is wrong with a window as a whole: one bound without the other (unless given twice), or one that ends before it begins. */
function windowFaults({ from, to }: { from?: number; to?: number }, given: readonly string[]): ParamError[] {
  if ((from === undefined) !== (to === undefined)) {
    const missing = from === undefined ? 'from' : 'to';
    return given.includes(missing) ? [] : [{ path: missing, message: `${missing} is missing: give both from and to, or neither (today)` }];
  }
  // The instants as read (a date alone is midnight in the configured timezone), which a window of dates hides.
  if (from !== undefined && to !== undefined && from >= to) return [{ path: 'to', message: `from must be before to: from is ${iso(from)}, to is ${iso(to)}` }];
  return [];
}

export type WindowQuery = { from?: number; to?: number } & z.output<ReturnType<typeof windowQueryIn>['filters']>;

const queries = new Map<string, ReturnType<typeof windowQueryIn>>();

/**
 * What GET /api/kpis takes. GET /api/agents takes the window, a team (SPEC.md) and the filters that narrow
 * each agent's facts (channel, priority, category); not `agent`: its rows are per agent.
 */
export const KPI_PARAMS = ['from', 'to', ...Object.keys(filterFields)];
export const AGENT_PARAMS = ['from', 'to', 'team', 'channel', 'priority', 'category'];

/**
 * Reads a window query from every value of every parameter of a request's address: one given twice (which of
 * them would count?), one the endpoint does not take (a typo such as `tema=`, or a filter the endpoint cannot
 * apply, would show the whole centre as if filtered) or one not validly escaped is an error. Every fault is
 * listed, as a batch of events lists them, so that a query is mended in one go.
 */
export function parseWindowQuery(
  url: string,
  tz: string,
  params: readonly string[] = KPI_PARAMS
): { ok: true; query: WindowQuery } | { ok: false; errors: ParamError[] } {
  const read = queryOf(url);
  if (!read.ok) return read;
  const errors: ParamError[] = [];
  const once: Record<string, string> = Object.create(null);
  const given: string[] = [];
  for (const [key, all] of Object.entries(read.all)) {
    if (key === '') errors.push({ path: key, message: `a value with no parameter's name before its =; expected ${params.join(', ')}` });
    else if (!params.includes(key)) errors.push({ path: key, message: `unknown parameter; expected ${params.join(', ')}` });
    else {
      // Blank is not given, as a form's empty field means "any": SPEC.md's `?from=&to=&team=…` was refused whole.
      const values = all.filter((v) => !isBlank(v));
      if (values.length > 0) given.push(key);
      if (values.length > 1) errors.push({ path: key, message: `given ${values.length} times; give it once` });
      else if (values.length === 1) once[key] = values[0];
    }
  }
  let schema = queries.get(tz);
  if (!schema) queries.set(tz, (schema = windowQueryIn(tz)));
  const bounds = schema.bounds.safeParse({ from: once.from, to: once.to }, IN_PLAIN_WORDS);
  if (!bounds.success) errors.push(...issuesToErrors(bounds.error));
  else errors.push(...windowFaults(bounds.data, given));
  const rest = Object.fromEntries(Object.entries(once).filter(([k]) => k !== 'from' && k !== 'to'));
  const filtersRead = schema.filters.safeParse(rest, IN_PLAIN_WORDS);
  if (!filtersRead.success) errors.push(...issuesToErrors(filtersRead.error));
  if (errors.length || !bounds.success || !filtersRead.success) return { ok: false, errors };
  return { ok: true, query: { ...bounds.data, ...filtersRead.data } };
}

export function resolveWindow(q: WindowQuery, now: number, tz: string): { from: number; to: number } {
  return q.from !== undefined && q.to !== undefined ? { from: q.from, to: q.to } : dayWindow(now, tz);
}

export function filtersOf(q: WindowQuery): KpiFilters {
  const f: KpiFilters = {};
  for (const k of ['team', 'channel', 'priority', 'category', 'agent'] as const) if (q[k] !== undefined) f[k] = q[k];
  return f;
}

/** The filters beside team and agent that a query sets (none: an empty object). */
export function narrowingOf(q: WindowQuery): AgentFilters {
  const f: AgentFilters = {};
  for (const k of ['channel', 'priority', 'category'] as const) if (q[k] !== undefined) f[k] = q[k];
  return f;
}

/**
 * Every value of every parameter of a request's address, decoded strictly: `%` not followed by two hex digits,
 * or escapes that are not UTF-8, are an error naming the parameter (a lenient decoder keeps them as typed, and
 * a filter of `%FF` would match nothing and show zeros). `+` reads as a space, as in any form.
 */
function queryOf(url: string): { ok: true; all: Record<string, string[]> } | { ok: false; errors: ParamError[] } {
  // No prototype: a parameter named `constructor` or `__proto__` is a name like any other (here it found
  // Object's own, had no push, and was answered 500).
  const all: Record<string, string[]> = Object.create(null);
  const errors: ParamError[] = [];
  const start = url.indexOf('?');
  if (start < 0) return { ok: true, all };
  const end = url.indexOf('#', start);
  for (const part of url.slice(start + 1, end < 0 ? undefined : end).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const [key, value] = [decoded(eq < 0 ? part : part.slice(0, eq)), decoded(eq < 0 ? '' : part.slice(eq + 1))];
    if (key === null) errors.push({ path: part.slice(0, eq < 0 ? undefined : eq), message: `the parameter's name ${BAD_ESCAPE}` });
    else if (value === null) errors.push({ path: key, message: `the value ${BAD_ESCAPE}` });
    else (all[key] ??= []).push(value);
  }
  return errors.length ? { ok: false, errors } : { ok: true, all };
}

const BAD_ESCAPE = 'is not valid in an address: write % as %25, and other text as UTF-8 escapes (%E2%82%AC for €)';

function decoded(text: string): string | null {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return null;
  }
}

export interface ParamError {
  path: string;
  message: string;
}

export function issuesToErrors(error: z.ZodError): ParamError[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}
