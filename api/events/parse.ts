import { duration, IN_PLAIN_WORDS, quote } from '../plain-words';
import { parseInstant } from './instant';
import { EVENT_TYPES, MAX_FUTURE_MS, OPTIONAL_FIELDS, STORED_STRINGS, envelopeSchema, eventSchemas, type EventType, type FloorEvent } from './schema';

export interface EventError {
  index: number;
  path: string;
  message: string;
}

/**
 * A refused batch lists at most this many faults. A 10 MB batch of broken events has hundreds of thousands:
 * listing them all took seconds of the thread every request waits on, and an answer of 60 MB. `stoppedAt` is
 * then the index of the first event not checked.
 */
export const MAX_LISTED_ERRORS = 1000;

export type Refusal = { ok: false; errors: EventError[]; stoppedAt?: number };
export type ParseResult = { ok: true; events: FloorEvent[] } | Refusal;

const isEventType = (t: unknown): t is EventType => typeof t === 'string' && (EVENT_TYPES as string[]).includes(t);

/**
 * The optional names a helpdesk writes as empty text when it has none (a team, a category, a resolver, an agent's
 * name): read as absent, as null is, once trimmed (SPEC.md: each is an optional string). Other optional text (a
 * customer, a comment) is kept as sent.
 */
const BLANK_IS_NONE = new Set(['team', 'category', 'agent', 'name']);
const blank = (key: string, value: unknown) => BLANK_IS_NONE.has(key) && typeof value === 'string' && value.trim() === '';

/**
 * The event without its optional fields that are null (null means absent there), nor a name that is blank; the
 * same object when there are none.
 */
function withoutAbsentOptionals(item: Record<string, unknown>, type: EventType): Record<string, unknown> {
  const optional = OPTIONAL_FIELDS[type];
  let copy: Record<string, unknown> | null = null;
  for (const key in item)
    if ((item[key] === null || blank(key, item[key])) && optional.has(key)) {
      copy ??= { ...item };
      delete copy[key];
    }
  return copy ?? item;
}

/**
 * Validates each raw event; reports every error of every event (up to MAX_LISTED_ERRORS), so a sender can fix
 * a batch in one go.
 * `wellFormed`: the caller knows no string in `raw` holds a lone surrogate (see `splitBody`), so each event's
 * strings need not be checked for one.
 */
export function validateEvents(raw: unknown[], now: number, wellFormed = false): ParseResult {
  const errors: EventError[] = [];
  const events: FloorEvent[] = [];
  for (let index = 0; index < raw.length; index++) {
    if (errors.length >= MAX_LISTED_ERRORS) return { ok: false, errors, stoppedAt: index };
    validateEvent(raw[index], index, now, wellFormed, errors, events);
  }
  return errors.length ? { ok: false, errors } : { ok: true, events };
}

/** One raw event: the event, validated, onto `events`; or its every fault onto `errors`. */
function validateEvent(item: unknown, index: number, now: number, wellFormed: boolean, errors: EventError[], events: FloorEvent[]): void {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    errors.push({ index, path: '', message: 'expected an event object' });
    return;
  }
  const type = (item as { type?: unknown }).type;
  if (!isEventType(type)) {
    errors.push({
      index,
      path: 'type',
      message: type === undefined ? 'type is required' : `unknown type ${quote(type)}; expected one of ${EVENT_TYPES.join(', ')}`
    });
    // Which other fields it needs depends on the type; the envelope's do not.
    const envelope = envelopeSchema.safeParse(item, IN_PLAIN_WORDS);
    if (!envelope.success) for (const issue of envelope.error.issues) errors.push({ index, path: issue.path.join('.'), message: issue.message });
    return;
  }
  const given = withoutAbsentOptionals(item as Record<string, unknown>, type);
  const parsed = eventSchemas[type].safeParse(given);
  if (parsed.success) {
    // zod made `parsed.data` for this call alone, so it becomes the event itself.
    const fields = parsed.data as Record<string, unknown>;
    fields.type = type;
    const before = errors.length;
    checkStoredText(fields, index, wellFormed, errors);
    checkNotAhead(fields.at as number, now, index, errors);
    if (errors.length === before) events.push(fields as FloorEvent);
    return;
  }
  // The schema's errors, and those the checks below would find once they are mended: all in one answer.
  const sent = item as Record<string, unknown>;
  const paths = new Set<string>();
  // Parsed again, for plain words: given to every parse, the error map made validating valid events 2.5 times
  // slower (HISTORY.md, session 23). Here, where it is not hot, a failed event pays for it.
  for (const issue of eventSchemas[type].safeParse(given, IN_PLAIN_WORDS).error!.issues) {
    const path = issue.path.join('.');
    paths.add(path);
    errors.push({ index, path, message: issue.message });
  }
  checkStoredText(sent, index, wellFormed, errors, paths);
  const at = paths.has('at') ? null : parseInstant(sent.at);
  if (typeof at === 'number') checkNotAhead(at, now, index, errors);
}

/** A stored string field holding a lone surrogate is not text (see STORED_STRINGS); `skip`: paths already reported. */
function checkStoredText(fields: Record<string, unknown>, index: number, wellFormed: boolean, errors: EventError[], skip?: Set<string>): void {
  if (wellFormed) return;
  const broken = STORED_STRINGS.find((k) => typeof fields[k] === 'string' && !fields[k].isWellFormed() && !skip?.has(k));
  if (broken) errors.push({ index, path: broken, message: 'holds a lone surrogate (\\ud800–\\udfff without its pair), which is not text' });
}

/**
 * SPEC.md: an event's `at` is at most 5 minutes ahead of the server clock. How far ahead is said in words too: a
 * year typed wrong was "94608000 s". The seconds stay first, as they were: npm run simulate reads them.
 */
function checkNotAhead(at: number, now: number, index: number, errors: EventError[]): void {
  if (at > now + MAX_FUTURE_MS) errors.push({ index, path: 'at', message: `at is ${(at - now) / 1000} s in the future by the server clock (${duration(at - now)}); at most ${MAX_FUTURE_MS / 1000} s (${duration(MAX_FUTURE_MS)}) is allowed` });
}

/**
 * A lone surrogate can only come out of JSON text through an escape (`\ud800`): text decoded from UTF-8 has
 * none. So a body without such an escape holds none in any string. (`\\ud800`, an escaped backslash, matches
 * too, which only costs the check it would have skipped.)
 */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Whether `text` is one JSON document. */
function wholeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Splits a request body into raw events: one object, a JSON array, or NDJSON (one event per line).
 * `wellFormed`: no string in them can hold a lone surrogate (for `validateEvents`).
 */
export function splitBody(text: string, ndjson: boolean): { ok: true; raw: unknown[]; wellFormed: boolean } | Refusal {
  const wellFormed = !SURROGATE_ESCAPE.test(text);
  if (text === '') return { ok: false, errors: [{ index: 0, path: '', message: 'the body is empty; send one event, a JSON array of them, or NDJSON' }] };
  if (ndjson) {
    const raw: unknown[] = [];
    const errors: EventError[] = [];
    for (const [lineNo, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      if (errors.length >= MAX_LISTED_ERRORS) return { ok: false, errors, stoppedAt: raw.length + errors.length };
      let event: unknown;
      try {
        // A byte-order mark opens each of several files joined into one body (the body's own is dropped in body.ts).
        event = JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
      } catch (e) {
        errors.push({ index: raw.length + errors.length, path: '', message: `line ${lineNo + 1} is not valid JSON: ${(e as Error).message}` });
        continue;
      }
      // Told only "expected an event object", a sender of a JSON array had nothing to say what to change.
      if (Array.isArray(event))
        errors.push({ index: raw.length + errors.length, path: '', message: `line ${lineNo + 1} is a JSON array, where NDJSON holds one event a line: send an array with Content-Type: application/json` });
      else raw.push(event);
    }
    // One event written over several lines: an error a line, none of them saying why.
    if (errors.length && raw.length === 0 && text.trim().includes('\n') && wholeJson(text))
      return { ok: false, errors: [{ index: 0, path: '', message: 'the body is one JSON document written over several lines, where NDJSON holds one event a line: send it with Content-Type: application/json' }] };
    if (errors.length) return { ok: false, errors };
    if (raw.length === 0) return { ok: false, errors: [{ index: 0, path: '', message: 'the body holds no events' }] };
    return { ok: true, raw, wellFormed };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    // One event per line is NDJSON, which says so in its Content-Type.
    const hint = /}\s*\n\s*{/.test(text) ? '; one event per line is NDJSON: send it with Content-Type: application/x-ndjson' : '';
    return { ok: false, errors: [{ index: 0, path: '', message: `body is not valid JSON: ${(e as Error).message}${hint}` }] };
  }
  const raw = Array.isArray(body) ? body : [body];
  if (raw.length === 0) return { ok: false, errors: [{ index: 0, path: '', message: 'the body holds no events' }] };
  return { ok: true, raw, wellFormed };
}
