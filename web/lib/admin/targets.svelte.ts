// The admin's view of the KPI targets: GET /api/targets to show them, PUT /api/targets to change or reset one.
import type { KpiTargetSetting } from '../../../api/queries/getKpiTargets';
import { adminStatus, sendJson, type Faults } from './request';
import { targetFault } from './target-faults';

/** One KPI's row: what is in force, and the inputs as typed (null: an input left empty). */
export interface TargetRow extends KpiTargetSetting {
  kpi: string;
  warnInput: number | null;
  criticalInput: number | null;
}

export class TargetsEditor {
  rows = $state<TargetRow[]>([]);
  /** What went wrong, by where the server's 400 put it: `kpi.warn`, `kpi.critical`, `kpi`, or '' for the request. */
  faults = $state<Faults>({});
  /** null: loading; else the answer's status (200, or 401/403 for a page the signed-in person may not see). */
  status = $state<number | null>(null);
  busy = $state(false);
  saved = $state(false);
  /** Something typed differs from what is in force: not saved yet. */
  dirty = $derived(Object.keys(this.changes()).length > 0);

  async load(): Promise<void> {
    const status = await adminStatus();
    if (status !== 200) return void (this.status = status);
    const res = await fetch('/api/targets', { cache: 'no-store' }).catch(() => null);
    this.status = res?.status ?? 0;
    if (res?.ok) this.show((await res.json()).targets);
  }

  /** The rows whose inputs differ from what is in force, as PUT /api/targets takes them. */
  changes(): Record<string, { warn: number | null; critical: number | null }> {
    const out: Record<string, { warn: number | null; critical: number | null }> = {};
    for (const r of this.rows) if (r.warnInput !== r.warn || r.criticalInput !== r.critical) out[r.kpi] = { warn: r.warnInput, critical: r.criticalInput };
    return out;
  }

  save(): Promise<void> {
    return this.put(this.changes());
  }

  reset(kpi: string): Promise<void> {
    return this.put({ [kpi]: null });
  }

  private async put(body: Record<string, unknown>): Promise<void> {
    this.busy = true;
    this.saved = false;
    try {
      const sent = await sendJson('/api/targets', 'PUT', body, { noAnswer: 'targets.noAnswer', signedOut: 'targets.signedOut', busy: 'admin.busy' });
      if (sent.ok) {
        this.faults = {};
        this.saved = true;
        this.show((sent.answer as { targets: Record<string, KpiTargetSetting> }).targets, Object.keys(body));
      } else {
        const errors = sent.status === 400 ? (sent.answer as { errors?: unknown } | null)?.errors : undefined;
        const typed = Object.fromEntries(this.rows.map((r) => [r.kpi, { warn: r.warnInput, critical: r.criticalInput, higherIsBetter: r.higherIsBetter, default: r.default }]));
        this.faults = Array.isArray(errors)
          ? Object.fromEntries((errors as { path: string; message: string }[]).map((e) => [e.path, targetFault(e.path, e.message, typed)]))
          : { '': sent.fault };
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * Shows `targets` in force. A row typed in and not part of the request answered (`sent`) keeps what was typed:
   * a reset of one KPI took away what the admin had typed in the others.
   */
  private show(targets: Record<string, KpiTargetSetting>, sent?: string[]): void {
    const typed = sent ? this.changes() : {};
    this.rows = Object.entries(targets).map(([kpi, t]) => {
      const keep = kpi in typed && !sent!.includes(kpi) ? typed[kpi] : undefined;
      return { kpi, ...t, warnInput: keep ? keep.warn : t.warn, criticalInput: keep ? keep.critical : t.critical };
    });
  }
}
