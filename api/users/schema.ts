// What POST /api/users and PATCH /api/users/:username take. A name is read as a sign-in reads it (trimmed; in any
// capitals, which store.ts compares); a password exactly as typed, as the sign-in form sends it.
import { z } from 'zod';
import { MAX_PASSWORD_CHARS } from '../config';
import { PRINTABLE } from '../events/schema';
import { IN_PLAIN_WORDS, quote } from '../plain-words';
import type { ParamError } from '../routes/params';
import { issuesToErrors } from '../routes/params';

export const USER_ROLES = ['display', 'supervisor', 'manager', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const MAX_USERNAME_CHARS = 64;
export const MIN_PASSWORD_CHARS = 12;
export const NEW_USER_SHAPE = '{"username","password","role"}';
export const USER_CHANGE_SHAPE = '{"role"} or {"password"} or both';

const role = z.enum(USER_ROLES, {
  error: (issue) =>
    issue.input === 'ingest'
      ? 'ingest is a token\'s role, for machines that post events, not a person\'s: create a token (POST /api/tokens) for it'
      : issue.input === undefined
        ? `required: one of ${USER_ROLES.join(', ')}`
        : `${quote(issue.input)} is not one of ${USER_ROLES.join(', ')}`
});

const username = z
  .string()
  .trim()
  .min(1, 'is empty: a user needs a name to sign in with')
  .max(MAX_USERNAME_CHARS, `must be at most ${MAX_USERNAME_CHARS} characters`)
  .regex(PRINTABLE, 'control characters are not allowed: nobody could type them at the sign-in form');

/** A password as an admin sets one, and as a person changing their own must choose it (routes/auth.ts). */
export const password = z
  .string()
  .min(MIN_PASSWORD_CHARS, `must be at least ${MIN_PASSWORD_CHARS} characters`)
  .max(MAX_PASSWORD_CHARS, `must be at most ${MAX_PASSWORD_CHARS} characters, the longest a sign-in takes`);

const unknownField = (shape: string) => (issue: z.core.$ZodRawIssue) =>
  issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map(quote).join(', ')}; expected ${shape}` : undefined;

const newUser = z.strictObject({ username, password, role }, { error: unknownField(NEW_USER_SHAPE) });
const change = z.strictObject(
  { role: role.optional(), password: password.optional() },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' && issue.keys.includes('username')
        ? 'a user\'s name cannot be changed; expected {"role"} or {"password"} or both'
        : unknownField(USER_CHANGE_SHAPE)(issue)
  }
);

type Read<T> = { ok: true; value: T } | { ok: false; errors: ParamError[] };

function read<T>(schema: z.ZodType<T>, body: unknown, shape: string): Read<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, errors: [{ path: '', message: `expected a JSON object ${shape}, got ${quote(body)}` }] };
  const got = schema.safeParse(body, IN_PLAIN_WORDS);
  return got.success ? { ok: true, value: got.data } : { ok: false, errors: issuesToErrors(got.error) };
}

export const parseNewUser = (body: unknown) => read(newUser, body, NEW_USER_SHAPE);

export const PASSWORD_CHANGE_SHAPE = '{"currentPassword","newPassword"}';
const passwordChange = z.strictObject(
  { currentPassword: z.string().min(1, 'is empty: type the password you signed in with').max(MAX_PASSWORD_CHARS, `must be at most ${MAX_PASSWORD_CHARS} characters`), newPassword: password },
  { error: unknownField(PASSWORD_CHANGE_SHAPE) }
);

/** What POST /api/auth/password takes: the password signed in with, and the new one, which an admin-set password's rules hold. */
export function parsePasswordChange(body: unknown): Read<{ currentPassword: string; newPassword: string }> {
  const got = read(passwordChange, body, PASSWORD_CHANGE_SHAPE);
  if (got.ok && got.value.newPassword === got.value.currentPassword)
    return { ok: false, errors: [{ path: 'newPassword', message: 'is the password you have now: choose another' }] };
  return got;
}

export function parseUserChange(body: unknown): Read<{ role?: UserRole; password?: string }> {
  const got = read(change, body, USER_CHANGE_SHAPE);
  if (got.ok && got.value.role === undefined && got.value.password === undefined)
    return { ok: false, errors: [{ path: '', message: `nothing to change; expected ${USER_CHANGE_SHAPE}` }] };
  return got;
}
