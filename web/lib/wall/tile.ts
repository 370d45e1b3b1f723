// What a KPI tile shows: its colour against the target, and its figure, rounded so that the two always agree.
import { levelFor, type KpiLevel, type KpiTarget } from '../../../api/kpi/targets';
import { roundedAsShown, valueParts, type Part, type ValueKind } from '../i18n/format';

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
