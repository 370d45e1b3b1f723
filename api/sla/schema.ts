// What PUT /api/sla-policies takes: {"rules":[{"priority","channel" (omitted or null: every channel),"targetSec"}]},
// the WHOLE new policy: a priority without a rule has SPEC's default, and "rules":[] means the defaults again.
import { z } from 'zod';
import { CHANNELS, PRIORITIES } from '../events/schema';
import type { SlaRule } from '../kpi/sla-policies';
import { IN_PLAIN_WORDS, quote } from '../plain-words';
import type { ParamError } from '../routes/params';
import { issuesToErrors } from '../routes/params';

export const MAX_RULES = 100;
/** 30 days: a longer first-response target would never be breached while anyone looks. */
export const MAX_TARGET_SEC = 30 * 86_400;
export const SLA_POLICY_SHAPE = '{"rules":[{"priority":"urgent","channel":"chat" or null for every channel,"targetSec":120}, …]}';

const rule = z.strictObject(
  {
    priority: z.enum(PRIORITIES),
    channel: z.enum(CHANNELS).nullable().optional(),
    targetSec: z
      .number({
        error: (issue) => {
          if (issue.input === undefined) return `required: a whole number of seconds, 1 to ${MAX_TARGET_SEC} (30 days)`;
          // 1e400 in JSON is read as Infinity.
          if (issue.input === Infinity) return `must be at most ${MAX_TARGET_SEC} seconds (30 days)`;
          return undefined;
        }
      })
      // Not .int(): past JavaScript's whole numbers (1e20) it fails too, and its message said 1e20 was no whole number.
      .refine(Number.isInteger, { error: 'expected a whole number of seconds' })
      .min(1, { error: 'must be at least 1 second' })
      .max(MAX_TARGET_SEC, { error: `must be at most ${MAX_TARGET_SEC} seconds (30 days)` })
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map(quote).join(', ')}; a rule is {"priority","channel","targetSec"}`
        : issue.code === 'invalid_type'
          ? `expected a rule {"priority","channel","targetSec"}, got ${quote(issue.input)}`
          : undefined
  }
);

/** The policy `body` asks for, or every fault in it, each at its path ("rules.1.targetSec"; "" for the body's shape). */
export function parseSlaPolicy(body: unknown): { ok: true; rules: SlaRule[] } | { ok: false; errors: ParamError[] } {
  const shape = (got: string): { ok: false; errors: ParamError[] } => ({ ok: false, errors: [{ path: '', message: `expected ${SLA_POLICY_SHAPE}, got ${got}` }] });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return shape(quote(body));
  const others = Object.keys(body).filter((k) => k !== 'rules');
  if (others.length) return shape(`the field${others.length > 1 ? 's' : ''} ${others.map(quote).join(', ')}`);
  const list = (body as { rules?: unknown }).rules;
  if (!Array.isArray(list)) return shape(list === undefined ? 'no "rules"' : `"rules": ${quote(list)}`);
  const errors: ParamError[] = [];
  if (list.length > MAX_RULES) errors.push({ path: 'rules', message: `${list.length} rules; at most ${MAX_RULES}` });
  const seen = new Map<string, number>();
  const rules: SlaRule[] = [];
  list.forEach((item, i) => {
    const read = rule.safeParse(item, IN_PLAIN_WORDS);
    if (!read.success) return errors.push(...issuesToErrors(read.error).map((e) => ({ ...e, path: ['rules', i, e.path].filter((p) => p !== '').join('.') })));
    const r: SlaRule = { priority: read.data.priority, channel: read.data.channel ?? null, targetSec: read.data.targetSec };
    const key = `${r.priority}|${r.channel ?? '*'}`;
    const first = seen.get(key);
    if (first !== undefined)
      return errors.push({ path: `rules.${i}`, message: `a second rule for ${r.priority} on ${r.channel ?? 'every channel'}; rules.${first} has it already` });
    seen.set(key, i);
    rules.push(r);
  });
  return errors.length ? { ok: false, errors } : { ok: true, rules };
}
