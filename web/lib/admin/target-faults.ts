// A refused KPI target in the page's language, at its field. The server's words are English and a script's ("expected
// a number, got null"), so a zh-CN page showed English, and an emptied field did not say to type a value or reset it.
import { kpiKind } from '../../../api/kpi/targets';
import { formatCount, t } from '../i18n';

/** What was typed in one KPI's two fields (an emptied number input reads null or undefined). */
export interface Typed {
  warn: number | null | undefined;
  critical: number | null | undefined;
  higherIsBetter: boolean;
  /** The KPI's defaults, which an emptied field is told. */
  default: { warn: number; critical: number };
}

/** A threshold the server takes for `kpi`: 0 to 100 for a percentage, else a whole number, 0 or more. */
const fits = (kpi: string, v: number | null | undefined): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && (kpiKind(kpi) === 'pct' ? v <= 100 : Number.isSafeInteger(v));

/**
 * The page's words for a 400's fault at `path` (`kpi.warn`, `kpi.critical`): what was typed, read as the server reads
 * it. Any other path (the KPI's own, or the body's) keeps the server's words.
 */
export function targetFault(path: string, message: string, typed: Record<string, Typed>): string {
  const [, kpi, field] = /^(.+)\.(warn|critical)$/.exec(path) ?? [];
  const row = kpi === undefined ? undefined : typed[kpi];
  if (!row || !field) return message;
  const value = row[field as 'warn' | 'critical'];
  if (value === null || value === undefined || Number.isNaN(value)) return t('admin.targets.empty', { value: formatCount(row.default[field as 'warn' | 'critical']) });
  // Both fit, so the fault is their order: critical is on the far side of warn.
  if (field === 'critical' && fits(kpi!, row.warn) && fits(kpi!, row.critical))
    return t(row.higherIsBetter ? 'admin.targets.criticalAboveWarn' : 'admin.targets.criticalBelowWarn', { critical: formatCount(row.critical), warn: formatCount(row.warn) });
  const kind = kpiKind(kpi!);
  return t(kind === 'pct' ? 'admin.targets.pct' : kind === 'duration' ? 'admin.targets.seconds' : 'admin.targets.count');
}
