// What PUT /api/targets takes: a partial map of KPI path → {warn, critical}, or null for the KPI's default.
// The KPIs and their directions are DEFAULT_KPI_TARGETS' (api/kpi/targets.ts).
import { z } from 'zod';
import { DEFAULT_KPI_TARGETS, kpiKind } from '../kpi/targets';
import { IN_PLAIN_WORDS, quote } from '../plain-words';
import type { ParamError } from '../routes/params';
import { issuesToErrors } from '../routes/params';
import type { TargetChange } from './setKpiTargets';

const KPIS = Object.keys(DEFAULT_KPI_TARGETS);

/**
 * Any other KPI is a count or a duration, which the wall writes whole and to the second: a threshold of 2.5 read
 * "target ≤ 3" on a tile amber at 3, and 1e308 s filled the tile's target line with digits.
 */
const level = (kpi: string) => {
  const n = z.number().nonnegative();
  // A percentage's thresholds are at most 100: 120 % would colour the tile for good.
  if (kpiKind(kpi) === 'pct') return n.max(100);
  const whole = kpiKind(kpi) === 'duration' ? 'expected a whole number of seconds' : 'expected a whole number';
  // Past JavaScript's whole numbers is too_big, which the plain words say ("must be at most …").
  return n.int({ error: (issue) => (issue.code === 'invalid_type' ? whole : undefined) });
};

/** One KPI's change: warn and critical on the sides its direction puts them (a tile turns red only past amber). */
function changeOf(kpi: string) {
  const { higherIsBetter } = DEFAULT_KPI_TARGETS[kpi]!;
  return z
    .strictObject(
      { warn: level(kpi), critical: level(kpi) },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map(quote).join(', ')}; a target is {"warn","critical"}` : undefined) }
    )
    .refine((t) => (higherIsBetter ? t.critical <= t.warn : t.critical >= t.warn), {
      path: ['critical'],
      // Compared only once both are numbers that may be targets: else the field's own fault says what is wrong.
      when: (payload) => payload.issues.length === 0,
      error: (issue) => {
        const t = issue.input as { warn: number; critical: number };
        return higherIsBetter
          ? `${kpi}: critical (${t.critical}) must be at most warn (${t.warn}): higher is better, so a value turns red only below the warn target`
          : `${kpi}: critical (${t.critical}) must be at least warn (${t.warn}): lower is better, so a value turns red only above the warn target`;
      }
    })
    .nullable();
}

const changes = z.object(Object.fromEntries(KPIS.map((kpi) => [kpi, changeOf(kpi).optional()])));

/** The changes `body` asks for, or what is wrong with it, each error at its KPI's path (and field). */
export function parseTargetChanges(body: unknown): { ok: true; changes: Record<string, TargetChange> } | { ok: false; errors: ParamError[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, errors: [{ path: '', message: `expected a JSON object of KPI path → {"warn","critical"} or null, got ${quote(body)}` }] };
  const unknown: ParamError[] = Object.keys(body)
    .filter((k) => !Object.hasOwn(DEFAULT_KPI_TARGETS, k))
    .map((k) => ({ path: k, message: `unknown KPI ${quote(k)}; expected one of ${KPIS.join(', ')}` }));
  const read = changes.safeParse(body, IN_PLAIN_WORDS);
  const errors = [...unknown, ...(read.success ? [] : issuesToErrors(read.error))];
  if (errors.length || !read.success) return { ok: false, errors };
  return { ok: true, changes: Object.fromEntries(Object.entries(read.data).filter(([, v]) => v !== undefined)) as Record<string, TargetChange> };
}
