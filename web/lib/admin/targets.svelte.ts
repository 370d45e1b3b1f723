// The admin's view of the KPI targets: GET /api/targets to show them, PUT /api/targets to change or reset one.
import type { KpiTargetSetting } from '../../../api/queries/getKpiTargets';
import { t } from '../i18n';

/** One KPI's row: what is in force, and the inputs as typed (null: an input left empty). */
export interface TargetRow extends KpiTargetSetting {
  kpi: string;
  warnInput: number | null;
  criticalInput: number | null;
}

/** What went wrong, by where the server's 400 put it: `kpi.warn`, `kpi.critical`, `kpi`, or '' for the request. */
export type Faults = Record<string, string>;

export class TargetsEditor {
  rows = $state<TargetRow[]>([]);
  faults = $state<Faults>({});
  /** null: loading; else the answer's status (200, or 401/403 for a page the signed-in person may not see). */
  status = $state<number | null>(null);
  busy = $state(false);
  saved = $state(false);

  async load(): Promise<void> {
    // Anyone who sees the wall may read the targets; only an admin is shown them to change (PUT is admin's alone).
    const me = await fetch('/api/auth/me', { cache: 'no-store' }).catch(() => null);
    if (!me?.ok) return void (this.status = me?.status ?? 0);
    if ((await me.json()).role !== 'admin') return void (this.status = 403);
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
      const res = await fetch('/api/targets', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(() => null);
      const answer = await res?.json().catch(() => null);
      if (res?.ok) {
        this.faults = {};
        this.saved = true;
        this.show(answer.targets, Object.keys(body));
      } else if (res?.status === 400 && Array.isArray(answer?.errors)) {
        this.faults = Object.fromEntries((answer.errors as { path: string; message: string }[]).map((e) => [e.path, e.message]));
      } else if (!res) {
        this.faults = { '': t('targets.noAnswer') };
      } else if (res.status === 401) {
        // The session ended since the page loaded (signed out in another tab, or expired): the server's words are for a script.
        this.faults = { '': t('targets.signedOut') };
      } else {
        this.faults = { '': answer?.message ?? `${res.status}` };
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
