// What PUT /api/team-names/:team takes: the team's code in the path, and its names by language in the body.
import { z } from 'zod';
import { PRINTABLE } from '../events/schema';
import { IN_PLAIN_WORDS, quote } from '../plain-words';
import { issuesToErrors, type ParamError } from '../routes/params';
import { MAX_TEAM_NAME, TEAM_NAME_LOCALES, type TeamNameLocale, type TeamNames } from './limits';

export { TEAM_NAME_LOCALES, type TeamNames };

/** As events' teams are (api/events/schema.ts). */
const MAX_TEAM_CODE = 128;

export const TEAM_NAMES_SHAPE = '{"names":{"en":"<name>" or null,"zh-CN":"<name>" or null}}';

// Spaces around a name are dropped, as around an event's team; a name of spaces alone is empty, and refused:
// null says "no name", and the team is shown by its code.
const name = z.string().trim().min(1).max(MAX_TEAM_NAME).regex(PRINTABLE, 'control characters are not allowed').nullable();

const body = z.strictObject(
  {
    names: z.strictObject(Object.fromEntries(TEAM_NAME_LOCALES.map((l) => [l, name.optional()])) as Record<TeamNameLocale, z.ZodOptional<typeof name>>, {
      error: (issue) =>
        issue.code === 'unrecognized_keys' ? `unknown language ${issue.keys.map(quote).join(', ')}; expected ${TEAM_NAME_LOCALES.map(quote).join(' or ')}` : undefined
    })
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map(quote).join(', ')}; expected ${TEAM_NAMES_SHAPE}` : undefined) }
);

/** The team's code from the path: as an event would carry it (no spaces around it, no control characters). */
export function parseTeamCode(team: string): { ok: true; team: string } | { ok: false; errors: ParamError[] } {
  const fault = (message: string) => ({ ok: false as const, errors: [{ path: 'team', message }] });
  if (team.trim() === '') return fault('the team\'s code must not be empty');
  if (team !== team.trim()) return fault(`${quote(team)} has spaces around it; events' teams never do: expected ${quote(team.trim())}`);
  if (team.length > MAX_TEAM_CODE) return fault(`must be at most ${MAX_TEAM_CODE} characters, as an event's team is`);
  if (!PRINTABLE.test(team)) return fault('control characters are not allowed');
  return { ok: true, team };
}

/** The names `json` sets, every language of TEAM_NAME_LOCALES (null: none), or what is wrong, at each field's path. */
export function parseTeamNames(json: unknown): { ok: true; names: TeamNames } | { ok: false; errors: ParamError[] } {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, errors: [{ path: '', message: `expected a JSON object ${TEAM_NAMES_SHAPE}, got ${quote(json)}` }] };
  const read = body.safeParse(json, IN_PLAIN_WORDS);
  if (!read.success) return { ok: false, errors: issuesToErrors(read.error) };
  return { ok: true, names: Object.fromEntries(TEAM_NAME_LOCALES.map((l) => [l, read.data.names[l] ?? null])) as TeamNames };
}
