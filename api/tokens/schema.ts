// What POST /api/tokens takes, and the id DELETE /api/tokens/:id names a token by (never the secret itself).
import { z } from 'zod';
import { FIRST_START, FROM_SETTING, ROLES } from '../auth/credentials';
import { PRINTABLE } from '../events/schema';
import { IN_PLAIN_WORDS, quote } from '../plain-words';
import type { ParamError } from '../routes/params';
import { issuesToErrors } from '../routes/params';

export const MAX_LABEL_CHARS = 100;
export const NEW_TOKEN_SHAPE = '{"role","label"}';
/** A token's id: the first 12 hex characters of the SHA-256 stored for it, which tell nothing of the token. */
export const ID_CHARS = 12;

const newToken = z.strictObject(
  {
    role: z.enum(ROLES, {
      error: (issue) => (issue.input === undefined ? `required: one of ${ROLES.join(', ')}` : `${quote(issue.input)} is not one of ${ROLES.join(', ')}`)
    }),
    // What the token is for ("wall, 3rd floor"), so an admin knows which one to revoke.
    label: z
      .string()
      .trim()
      .min(1, 'is empty: say what the token is for (the wall or the machine that holds it), to know it again when revoking it')
      .max(MAX_LABEL_CHARS, `must be at most ${MAX_LABEL_CHARS} characters`)
      .regex(PRINTABLE, 'control characters are not allowed')
      // A start with INGEST_TOKEN set deletes the ingest tokens of these labels (credentials.ts): a token labelled so would vanish.
      .refine((l) => l !== FROM_SETTING && l !== FIRST_START, { error: (issue) => `${quote(issue.input)} is the label the server gives tokens it makes itself: choose another` })
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map(quote).join(', ')}; expected ${NEW_TOKEN_SHAPE}` : undefined) }
);

export function parseNewToken(body: unknown): { ok: true; value: z.infer<typeof newToken> } | { ok: false; errors: ParamError[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, errors: [{ path: '', message: `expected a JSON object ${NEW_TOKEN_SHAPE}, got ${quote(body)}` }] };
  const got = newToken.safeParse(body, IN_PLAIN_WORDS);
  return got.success ? { ok: true, value: got.data } : { ok: false, errors: issuesToErrors(got.error) };
}

/** The id in an address, in lower case; else what is wrong with it. */
export function parseTokenId(text: string): { ok: true; id: string } | { ok: false; errors: ParamError[] } {
  const id = text.trim().toLowerCase();
  if (new RegExp(`^[0-9a-f]{${ID_CHARS}}$`).test(id)) return { ok: true, id };
  return { ok: false, errors: [{ path: 'id', message: `${quote(text)} is not a token's id: expected the ${ID_CHARS} hex characters GET /api/tokens lists (never the token itself)` }] };
}
