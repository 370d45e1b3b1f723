// What a KPI tile shows: its colour against the target, and its figure, rounded so that the two always agree.
import { levelFor, type KpiLevel, type KpiTarget } from '../../../api/kpi/targets';
import { formatValue, roundedAsShown, valueParts, type Part, type ValueKind } from '../i18n/format';
import { t } from '../i18n/translate';

/**
 * A figure that would read as better than its colour is rounded the other way: 89.96 % within SLA read "90%" in
 * amber beside "target ≥ 90 %", and a first-response median of 600.4 s "10m 00s" in amber beside "target ≤ 10m".
 * Any other figure is shown as it always is (605.5 s stays "10m 05s", as the p90 beside it says).
 */
export function tileFigure(kind: ValueKind, value: number | null, target: KpiTarget | undefined): { level: KpiLevel; parts: Part[] } {
  const level = levelFor(target, value);
  const misread = target && value !== null && level !== levelFor(target, roundedAsShown(kind, value, 'nearest'));
  return { level, parts: valueParts(kind, misread ? roundedAsShown(kind, value, target.higherIsBetter ? 'down' : 'up') : value) };
}

/**
 * The target a figure is coloured against, as a tile's foot and a board's heading say it ("target ≤ 10m",
 * "target ≥ 80%"); null without one. "target ≤ 0" reads oddly for a count where none is the goal (callbacks overdue).
 */
export function targetText(kind: ValueKind, target: KpiTarget | undefined): string | null {
  if (!target) return null;
  if (!target.higherIsBetter && target.warn === 0) return t('sub.targetZero');
  return t(target.higherIsBetter ? 'sub.targetMin' : 'sub.targetMax', { value: formatValue(kind, target.warn, true) });
}

/**
 * A target's words for a narrow column's heading, which may wrap: between "target" and its bound, never inside the
 * bound ("target" over "≤ 1m 15s", not "target ≤ 1m" over "15s"). Chinese breaks at the space too (word-break: keep-all).
 */
export const headingTarget = (kind: ValueKind, target: KpiTarget | undefined): string | null =>
  targetText(kind, target)?.replace(/([≤≥]) /g, '$1\u00a0').replace(/(\d\S*) (?=\d)/g, '$1\u00a0') ?? null;
