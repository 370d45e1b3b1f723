// A small JSON body (an admin's targets, SLA policy, user or token): capped, UTF-8, JSON.
import type { Context } from 'hono';
import type { ParamError } from './params';
import { readBody } from './body';

/** A user or a token is a few hundred bytes; a password is at most 1,024 characters. */
export const MAX_ADMIN_BODY_BYTES = 16 * 1024;

/** The body's JSON; else the answer's status and its one error, which says what `shape` to send. */
export async function readJson(c: Context, shape: string, maxBytes = MAX_ADMIN_BODY_BYTES): Promise<{ ok: true; json: unknown } | { ok: false; status: 400 | 413; errors: ParamError[] }> {
  const fault = (status: 400 | 413, message: string) => ({ ok: false as const, status, errors: [{ path: '', message }] });
  const text = await readBody(c, maxBytes);
  if (!text.ok) {
    if ('tooLarge' in text) return fault(413, `body is larger than ${maxBytes / 1024} KB; expected ${shape}`);
    return fault(400, `body is not UTF-8 text; expected JSON ${shape}`);
  }
  try {
    return { ok: true, json: JSON.parse(text.text) };
  } catch (err) {
    return fault(400, `body is not JSON (${(err as Error).message}); expected ${shape}`);
  }
}
