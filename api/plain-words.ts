// The words of a 400: what zod's issues say, put the way a sender of events or a manager typing a query reads them.
import type { z } from 'zod';

/**
 * What is wrong with a field, in the instants' words ("required: expected …"), where the schema gave no words
 * of its own. zod's ("Invalid input: expected string, received undefined", `Invalid option: expected one of
 * "phone"|"chat"…`, "Too small: expected string to have >=1 characters") read as if something had been sent,
 * and as code.
 */
function plainWords(issue: z.core.$ZodRawIssue): string | undefined {
  const sent = issue.input;
  switch (issue.code) {
    case 'invalid_type':
      if (sent === undefined) return `required: expected ${issue.expected}`;
      if (issue.expected === 'int') return 'expected a whole number';
      // A number read from text that is not one (a setting such as PORT=abc) arrives as NaN.
      if (issue.expected === 'number' && Number.isNaN(sent)) return 'expected a number';
      return `expected ${withArticle(issue.expected)}, got ${what(sent)}`;
    case 'invalid_value': {
      const oneOf = `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      return sent === undefined ? `required: expected ${oneOf}` : `${quote(sent)} is not ${oneOf}`;
    }
    case 'too_small':
      if (issue.origin === 'string') return issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      // 'int': past JavaScript's whole numbers (a setting such as LIVE_MAX_CLIENTS=99999999999999999999).
      if (issue.origin === 'number' || issue.origin === 'int') return `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
      return undefined;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'number' || issue.origin === 'int') return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Parse options that word issues this way where a schema gave no words. Every edge that answers zod's issues
 * (events, query parameters, live subscriptions, the settings at start) parses with them; events only once one
 * has failed (parse.ts).
 */
export const IN_PLAIN_WORDS = { error: plainWords };

/** What kind of value was sent, and the value itself if short (`"5"` for a score sent as text). */
function what(sent: unknown): string {
  if (sent === null) return 'null';
  if (Array.isArray(sent)) return 'a list';
  if (typeof sent === 'string') return `the text ${quote(sent)}`;
  if (typeof sent === 'number' || typeof sent === 'boolean') return `the ${typeof sent} ${String(sent)}`;
  return withArticle(typeof sent);
}

const withArticle = (kind: string) => `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;

const QUOTE_CHARS = 60;

/**
 * What was sent, short enough to quote back: a string, number, boolean or null as JSON, cut at 60 characters;
 * a list or an object by its kind only. Never the whole of a value: a 3 MB text would come back as a 3 MB
 * answer, and JSON.stringify throws on a list nested some thousands deep.
 */
export function quote(sent: unknown): string {
  if (Array.isArray(sent)) return 'a list';
  if (typeof sent === 'object' && sent !== null) return 'an object';
  if (sent === undefined) return 'nothing';
  const text = typeof sent === 'string' ? JSON.stringify(sent.length > QUOTE_CHARS ? sent.slice(0, QUOTE_CHARS) : sent) : String(sent);
  return text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS - 1)}…` : text;
}

/** A size in bytes, in words: KB under a megabyte (never "0 MB"), MB, then GB. */
export const size = (bytes: number) =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : bytes >= 1e6 ? `${Math.round(bytes / 1e6)} MB` : `${Math.ceil(bytes / 1e3)} KB`;

/** A count and the thing it counts, "1 event" or "1,234 events": one is in the singular. */
export const counted = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

const UNITS: [name: string, ms: number][] = [['year', 365.25 * 86_400_000], ['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000], ['second', 1000]];

/**
 * A length of time in the largest unit it fills, as a person says it: "6 minutes", "about 3 years", "about 1.5
 * days" (a tenth below 10 of the unit, "about" where rounded).
 */
export function duration(ms: number): string {
  const [unit, unitMs] = UNITS.find(([, u]) => ms >= u) ?? UNITS[UNITS.length - 1]!;
  const n = ms / unitMs;
  const shown = n < 10 ? Math.round(n * 10) / 10 : Math.round(n);
  return `${shown === n ? '' : 'about '}${counted(shown, unit)}`;
}
