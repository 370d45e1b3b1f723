// GET /api/drill (the tickets behind a number), GET /api/tickets/:id and GET /api/callbacks/:id (one's story). Role: manager.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { requireRole } from '../auth/middleware';
import { DEFAULT_LIMIT, MAX_LIMIT, MEASURES, decodeCursor, getDrillPage, isMeasure, type DrillPosition, type Measure } from '../queries/getDrill';
import { CSV_LANGS, csvFileName, drillCsv, type CsvLang } from '../queries/drillCsv';
import { getCallbackStory, getTicketStory } from '../queries/getStory';
import { KPI_PARAMS, filtersOf, isBlank, parseWindowQuery, resolveWindow, type ParamError } from './params';

/**
 * What GET /api/drill takes: /api/kpis's window and filters, and which number, how many, from where, as JSON or CSV,
 * and (CSV only) the language of a file for people.
 */
export const DRILL_PARAMS = [...KPI_PARAMS, 'measure', 'limit', 'cursor', 'format', 'lang'];

const LANG = z.enum(CSV_LANGS);

/** A ticket or callback id is 1–128 characters in an event (schema.ts); past 200 it is no id at all. */
const MAX_ID = 200;

/** The one value given of a parameter (parseWindowQuery has refused it given twice), blank as not given. */
function given(url: URL, name: string): string | undefined {
  const v = url.searchParams.getAll(name).find((x) => !isBlank(x));
  return v?.trim();
}

/** The drill's own parameters, every fault listed. */
function drillParams(
  url: URL
): { ok: true; measure: Measure; limit: number; after: DrillPosition | null; csv: boolean; lang: CsvLang | null } | { ok: false; errors: ParamError[] } {
  const errors: ParamError[] = [];
  const format = given(url, 'format') ?? 'json';
  if (format !== 'json' && format !== 'csv') errors.push({ path: 'format', message: `expected csv (every item, as a file) or json (a page, the default), got ${format}` });
  const langText = given(url, 'lang');
  const lang = langText === undefined ? null : LANG.safeParse(langText).data ?? null;
  if (langText !== undefined && lang === null)
    errors.push({ path: 'lang', message: `expected ${CSV_LANGS.join(' or ')} (the language of the CSV's headers and words), or no lang for the machines' form, got ${langText}` });
  else if (lang !== null && format !== 'csv') errors.push({ path: 'lang', message: 'applies to format=csv only (a JSON page is the same in every language): add format=csv, or leave lang out' });
  const measure = given(url, 'measure');
  const valid = `expected one of ${MEASURES.join(', ')}`;
  if (measure === undefined) errors.push({ path: 'measure', message: `is missing: name the number of /api/kpis to drill into; ${valid}` });
  else if (!isMeasure(measure)) errors.push({ path: 'measure', message: `${measure} is not a number that can be drilled into; ${valid}` });
  const limitText = given(url, 'limit');
  let limit = DEFAULT_LIMIT;
  if (limitText !== undefined) {
    limit = /^\d+$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) errors.push({ path: 'limit', message: `expected a whole number from 1 to ${MAX_LIMIT} (items a page), got ${limitText}` });
  }
  const cursorText = given(url, 'cursor');
  let after: DrillPosition | null = null;
  if (cursorText !== undefined && measure !== undefined && isMeasure(measure)) {
    after = decodeCursor(cursorText, measure);
    if (after === null) errors.push({ path: 'cursor', message: `not a cursor this server gave for ${measure}: pass the "next" of the previous page as it came, or leave it out for the first page` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, measure: measure as Measure, limit, after, csv: format === 'csv', lang };
}

/**
 * The id in the address, decoded strictly: a `%` not followed by two hex digits, or escapes that are not UTF-8, is
 * a 400 (a lenient decoder kept `%ZZ` as typed, so /api/tickets/%ZZ and /api/tickets/%25ZZ were the same ticket).
 */
function idParam(url: string, what: 'ticket' | 'callback'): { ok: true; id: string } | { ok: false; error: ParamError } {
  const raw = new URL(url).pathname.replace(/^\/api\/[a-z]+\//, '').replace(/\/$/, '');
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    return { ok: false, error: { path: 'id', message: 'is not valid in an address: write % as %25, and other text as UTF-8 escapes (%E2%82%AC for €)' } };
  }
  if (id.length > MAX_ID) return { ok: false, error: { path: 'id', message: `is ${id.length} characters long: no ${what} id is over ${MAX_ID} (events hold at most 128)` } };
  return { ok: true, id };
}

export function drillRoutes(deps: AppDeps) {
  const sqlite = deps.db.$client;
  const manager = requireRole(deps.db, 'manager', deps.now);
  return new Hono()
    .get('/drill', manager, (c) => {
      const url = new URL(c.req.url);
      const q = parseWindowQuery(c.req.url, deps.config.KPI_TIMEZONE, DRILL_PARAMS);
      const d = drillParams(url);
      if (!q.ok || !d.ok) {
        // A parameter the shared parser found fault with (given twice, not validly escaped) is told once.
        const told = new Set(q.ok ? [] : q.errors.map((e) => e.path));
        return c.json({ errors: [...(q.ok ? [] : q.errors), ...(d.ok ? [] : d.errors.filter((e) => !told.has(e.path)))] }, 400);
      }
      const now = deps.now();
      const window = resolveWindow(q.query, now, deps.config.KPI_TIMEZONE);
      if (d.csv) {
        // Every item, whatever limit and cursor say: an export is the whole list.
        const forPeople = d.lang ? { lang: d.lang, timezone: deps.config.KPI_TIMEZONE } : null;
        const name = csvFileName(d.measure, window, forPeople?.timezone);
        c.header('Content-Type', 'text/csv; charset=utf-8');
        c.header('Content-Disposition', `attachment; filename="${name}"`);
        return c.body(drillCsv(sqlite, d.measure, window, filtersOf(q.query), now, undefined, undefined, forPeople));
      }
      const page = getDrillPage(sqlite, d.measure, window, filtersOf(q.query), now, d.limit, d.after);
      return c.json({ measure: d.measure, from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString(), ...page });
    })
    .get('/tickets/:id', manager, (c) => {
      const id = idParam(c.req.url, 'ticket');
      if (!id.ok) return c.json({ errors: [id.error] }, 400);
      const story = getTicketStory(sqlite, id.id, deps.now());
      return story ? c.json(story) : c.json({ error: 'not_found', message: `No event names ticket ${id.id}.` }, 404);
    })
    .get('/callbacks/:id', manager, (c) => {
      const id = idParam(c.req.url, 'callback');
      if (!id.ok) return c.json({ errors: [id.error] }, 400);
      const story = getCallbackStory(sqlite, id.id, deps.now());
      return story ? c.json(story) : c.json({ error: 'not_found', message: `No event names callback ${id.id}.` }, 404);
    });
}
