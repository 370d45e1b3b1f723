// Configuration from the environment (SPEC.md "Configuration"), validated once at start.
import { homedir } from 'node:os';
import { z } from 'zod';
import { isValidTimezone } from './kpi/time';
import { IN_PLAIN_WORDS } from './plain-words';

/** The longest password a sign-in takes (POST /api/auth/login), and so the longest ADMIN_PASSWORD. */
export const MAX_PASSWORD_CHARS = 1024;

const schema = z.object({
  // Digits only: a number coerced from text took " " as port 0 (any free port, without a word) and 0x9A60 as 39520.
  PORT: z.string().regex(/^\d+$/, 'expected a whole number from 0 to 65535').transform(Number).pipe(z.number().max(65535)).default(3000),
  // Taken with an env file's CRLF, the start made the database and showed its first secrets, a wall address with a
  // carriage return in it, and only then failed to look the name up.
  HOST: z
    .string()
    .min(1)
    .refine((h) => h === h.trim(), 'has a line break or spaces around it (an env file written with CRLF?), which no address has; remove them')
    .default('0.0.0.0'),
  // Taken with an env file's CRLF, the path named a new, empty database beside the real one ("kpi.sqlite\r"): the
  // start printed fresh credentials, and the dashboard showed no events, with nothing visible in its log line.
  DATABASE_PATH: z
    .string()
    .min(1)
    .refine((p) => p === p.trim(), 'has a line break or spaces around it (an env file written with CRLF?), which would name another, new database; remove them')
    .superRefine((p, ctx) => {
      // SQLite took "/srv/floorboard/" for the file /srv/floorboard, and made the database where the directory was meant.
      if (p.endsWith('/'))
        ctx.addIssue({ code: 'custom', message: `ends in a slash, which names a directory: point it at a file in that directory, such as ${p}kpi.sqlite` });
      // Read literally, ~/floorboard/kpi.sqlite made a new database in a directory named ~ in the project, and the
      // start's line named it as the path the operator meant.
      if (p === '~' || p.startsWith('~/'))
        ctx.addIssue({
          code: 'custom',
          message: `starts with ~, which only a shell reads as the home directory (an env file does not): write it out, such as ${homedir()}${p.slice(1)}`
        });
    })
    .default('./data/kpi.sqlite'),
  KPI_TIMEZONE: z
    .string()
    // TZ set empty: ICU names the zone Etc/Unknown, which no formatter takes; no default, as for TZ=UTC0.
    .default(() => {
      const machine = Intl.DateTimeFormat().resolvedOptions().timeZone as string | undefined;
      return machine === 'Etc/Unknown' ? '' : machine ?? '';
    })
    .superRefine((tz, ctx) => {
      // TZ set as a rule (UTC0, :/etc/localtime, as containers do) or to no zone: ICU names no zone, and the
      // server counted days from UTC's midnight while saying "timezone undefined".
      if (!tz)
        return ctx.addIssue({
          code: 'custom',
          message: `is not set, and this machine's timezone has no IANA name to default to (TZ is ${JSON.stringify(process.env.TZ ?? '')}); set KPI_TIMEZONE to the centre's zone, such as Asia/Shanghai`
        });
      if (tz !== tz.trim()) return ctx.addIssue({ code: 'custom', message: 'has a line break or spaces around it (an env file written with CRLF?); remove them' });
      const problem = timezoneProblem(tz);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  // A header cannot carry a token's surrounding spaces (an env file's CRLF, a stray blank): taken, it would start a
  // server whose every ingest request got 401.
  INGEST_TOKEN: z
    .string()
    .regex(/^\S+$/, 'has a space or a line break in it (an env file written with CRLF?), which no Authorization header can carry; remove it')
    .regex(/^[\s\x21-\x7e]*$/, 'has a character outside printable ASCII (an accent, a symbol, a control character), which HTTP clients cannot send in a header; use letters, digits and punctuation')
    .optional(),
  // Digits only, as PORT: a number coerced from text took 0x10 as 16.
  LIVE_MAX_CLIENTS: z.string().regex(/^\d+$/, 'expected a whole number of at least 1').transform(Number).pipe(z.number().int().min(1)).default(2000),
  // A password typed at the login form has no line break or spaces around it: taken with them (an env file's
  // CRLF), user "admin" could never sign in, and a later value is not read.
  ADMIN_PASSWORD: z
    .string()
    .refine((p) => p === p.trim() && !/[\r\n]/.test(p), 'has a line break or spaces around it (an env file written with CRLF?), which nobody could type at the login form; remove them')
    // Taken, a longer one would make user "admin" whom no sign-in could reach (POST /api/auth/login refuses it).
    .refine((p) => p.length <= MAX_PASSWORD_CHARS, `is longer than the ${MAX_PASSWORD_CHARS} characters a sign-in takes, so nobody could sign in with it; choose a shorter one`)
    .optional()
});

export type Config = z.output<typeof schema>;

/**
 * What is wrong with a timezone setting (KPI_TIMEZONE, the simulator's --timezone), or null. An abbreviation
 * such as CST or EST is refused though ICU takes it, in any case (CST as America/Chicago, EST as Panama's
 * year-round UTC−5, BST as Asia/Dhaka, IST as Kolkata): a centre in China that writes CST would count every day
 * from Chicago's midnight. UTC and GMT say what they mean, and a few IANA names are short words.
 */
export function timezoneProblem(tz: string): string | null {
  if (!isValidTimezone(tz)) return 'must be an IANA timezone such as Asia/Shanghai';
  if (!/^[A-Z]{2,5}$/i.test(tz) || /^(UTC|GMT|UCT)$/i.test(tz) || SHORT_IANA_NAMES.has(tz)) return null;
  const zone = new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
  return `is an abbreviation, which this machine reads as ${zone}, and abbreviations name different zones in different places (CST is China's and America's); write the IANA name of the centre's zone, such as Asia/Shanghai or America/New_York`;
}
const SHORT_IANA_NAMES: ReadonlySet<string> = new Set(['Cuba', 'Egypt', 'Eire', 'Iran', 'Japan', 'Libya', 'Zulu']);

/** Secrets shorter than this are taken (the spec sets no minimum; a test rig may use `admin`), with a warning. */
const SHORT_SECRET = 12;

/** What an operator should hear about the configuration, without refusing to start. */
export function configWarnings(config: Config): string[] {
  const warnings = (['INGEST_TOKEN', 'ADMIN_PASSWORD'] as const)
    .filter((k) => config[k] !== undefined && config[k].length < SHORT_SECRET)
    .map((k) => `${k} is shorter than ${SHORT_SECRET} characters: easy to guess; use a longer one outside a test rig.`);
  if (config.DATABASE_PATH === ':memory:')
    warnings.push('DATABASE_PATH is :memory:, a database in this process alone: every event is lost when it stops, and each start makes new credentials. Set a file path to keep them.');
  return warnings;
}

/** A setting that is not valid; its message names each variable and what is wrong with it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Settings whose values are never repeated back, even when they are wrong. */
const SECRETS: ReadonlySet<string> = new Set(['INGEST_TOKEN', 'ADMIN_PASSWORD']);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(schema, env);
}

const databaseSchema = schema.pick({ DATABASE_PATH: true });

/**
 * The Fetch standard's blocked ports ("bad port"), which Chromium and Firefox refuse to open (ERR_UNSAFE_PORT): a
 * dashboard served on one cannot be opened in a browser, nor a wall connect to it.
 */
export const BROWSER_REFUSED_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123,
  135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995,
  1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080
]);

/**
 * What `npm run rebuild`, `backup` and `restore` read: DATABASE_PATH alone. A setting only the server uses (a PORT
 * set wrong, no KPI_TIMEZONE where TZ names no zone) refused an operator's backup taken before mending it.
 */
export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): z.output<typeof databaseSchema> {
  return parseEnv(databaseSchema, env);
}

/** `env` read by `schema` (unset and empty alike), or a ConfigError naming each variable that is not valid. */
function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')), IN_PLAIN_WORDS);
  if (!parsed.success) {
    // The value as set, since a number read from text no longer shows what was typed ("abc" became NaN).
    const lines = parsed.error.issues.map((i) => {
      const name = i.path.join('.');
      const set = env[name];
      return `  ${name}: ${i.message}${set !== undefined && !SECRETS.has(name) ? ` (it is ${JSON.stringify(set)})` : ''}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** What to tell an operator when `loadConfig` threw: its message, for a setting that is not valid; null for anything else. */
export const configFailure = (err: unknown): string | null => (err instanceof ConfigError ? err.message : null);
