// What the admin pages (targets, SLA policies, users and tokens) share: who may see them, and a save's answer put into words.
import { formatDuration, t, type MessageKey } from '../i18n';

/** What went wrong, by where it belongs on the page; '' for the form as a whole. */
export type Faults = Record<string, string>;

/**
 * 200 when an admin is signed in; else the status the page explains: 401 (sign in), 403 (not an admin), 0 (no
 * answer). Anyone who sees the wall may read the settings; only an admin is shown them to change.
 */
export async function adminStatus(): Promise<number> {
  const me = await fetch('/api/auth/me', { cache: 'no-store' }).catch(() => null);
  if (!me?.ok) return me?.status ?? 0;
  return (await me.json().catch(() => null))?.role === 'admin' ? 200 : 403;
}

/** The page's own words for a save that was not answered, and one refused as signed out. */
export interface SaveWords {
  noAnswer: MessageKey;
  signedOut: MessageKey;
  /**
   * A 503 "unavailable" with Retry-After (the database held elsewhere, as by a backup): `{wait}` is the time to wait.
   * Not one that needs the server restarted ("restart_needed": its files deleted under it), which says so itself.
   */
  busy?: MessageKey;
}

/** One fault a 400 names: where (`names.en`, `rules.3.targetSec`, '' for the body) and what. */
export interface FieldError {
  path: string;
  message: string;
}

/** The faults a 400 names, or null for any other refusal (its words are `sent.fault`). */
export function fieldErrors(sent: Extract<Sent, { ok: false }>): FieldError[] | null {
  const errors = sent.status === 400 ? (sent.answer as { errors?: unknown } | null)?.errors : undefined;
  return Array.isArray(errors) ? (errors as FieldError[]) : null;
}

/**
 * A refused save's faults: a 400's, each at the place `place` gives it, in the words it gives (two at one place
 * joined by "; "); any other refusal's words at `whole`.
 */
export function faultsOf(sent: Extract<Sent, { ok: false }>, place: (e: FieldError) => [string, string] = (e) => [e.path, e.message], whole = ''): Faults {
  const errors = fieldErrors(sent);
  if (!errors) return { [whole]: sent.fault };
  const faults: Faults = {};
  for (const [at, message] of errors.map(place)) faults[at] = faults[at] ? `${faults[at]}; ${message}` : message;
  return faults;
}

/**
 * The ETag an answer carries: the version of what it shows, which a save made from it sends back (ifMatch), so one
 * made over another admin's save this page never showed is refused (412). Null for no answer, or one without.
 */
export function etagOf(answer: { headers: Headers | null } | null | undefined): string | null {
  return answer?.headers?.get('etag') ?? null;
}

/** The If-Match header of a save made from what `tag` names; none without one (the server then takes the save unchecked). */
export const ifMatch = (tag: string | null): Record<string, string> => (tag ? { 'if-match': tag } : {});

export type Sent = { ok: true; answer: unknown; headers: Headers } | { ok: false; status: number; answer: unknown; fault: string; headers: Headers | null };

/**
 * Sends `body` as JSON (none when undefined, as a DELETE), with `headers` besides; a failure comes back with the words the
 * form shows for it (a 400's errors are the page's to place).
 */
export async function sendJson(url: string, method: 'PUT' | 'POST' | 'PATCH' | 'DELETE', body: unknown, words: SaveWords, headers: Record<string, string> = {}): Promise<Sent> {
  const json = body === undefined ? { headers } : { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(url, { method, ...json }).catch(() => null);
  const answer = await res?.json().catch(() => null);
  if (res?.ok) return { ok: true, answer, headers: res.headers };
  if (!res) return { ok: false, status: 0, answer, fault: t(words.noAnswer), headers: null };
  // The session ended since the page loaded (signed out in another tab, or expired): the server's words are for a script.
  if (res.status === 401) return { ok: false, status: 401, answer, fault: t(words.signedOut), headers: res.headers };
  const wait = Number(res.headers.get('retry-after'));
  const error = (answer as { error?: unknown } | null)?.error;
  if (res.status === 503 && error === 'unavailable' && words.busy && wait > 0) return { ok: false, status: 503, answer, fault: t(words.busy, { wait: formatDuration(wait) }), headers: res.headers };
  const message = (answer as { message?: unknown } | null)?.message;
  return { ok: false, status: res.status, answer, fault: refusalInPageWords(res.status, error, typeof message === 'string' ? message : undefined), headers: res.headers };
}

/**
 * A refusal any admin page may get, in the page's language (a zh-CN page showed the server's English): the database's
 * files found gone (restart_needed), a 403, a 413, a server that failed. Any other keeps the server's words, which
 * say what is wrong; a refusal with none, its status.
 */
export function refusalInPageWords(status: number, error: unknown, message: string | undefined): string {
  if (error === 'restart_needed') {
    const [, file, how] = /^(.+?) was (deleted|replaced by another file) while the server ran/.exec(message ?? '') ?? [];
    return file ? t(how === 'deleted' ? 'admin.restartDeleted' : 'admin.restartReplaced', { file, message: message! }) : t('admin.restartNeeded');
  }
  if (status === 403) return t('admin.refused');
  if (status === 413) return t('admin.tooLarge');
  if (status >= 500) return t('admin.failed', { status });
  return message ?? `${status}`;
}
