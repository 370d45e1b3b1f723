// The admin's view of the KPI targets: GET /api/targets to show them, PUT /api/targets to change or reset one.
import type { KpiTargetSetting } from '../../../api/queries/getKpiTargets';
import { adminStatus, etagOf, faultsOf, ifMatch, sendJson, type Faults } from './request';
import { targetFault } from './target-faults';
import { en, formatTimeOfDay, t, type MessageKey } from '../i18n';
import { kpiTimezone } from '../live/timezone';

/** A KPI the dictionaries name, in the page's language; any other by its path. */
export const kpiName = (kpi: string): string => (`kpi.${kpi}` in en ? t(`kpi.${kpi}` as MessageKey) : kpi);

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
  /** The ETag of the targets shown, sent back as If-Match: a save over another admin's change this page never showed is refused. */
  private tag: string | null = null;
  /** The zone the centre's times are in (KPI_TIMEZONE), for when another admin saved; null: the browser's own. */
  private timezone: string | null = null;
  /** Something typed differs from what is in force: not saved yet. */
  dirty = $derived(Object.keys(this.changes()).length > 0);

  async load(): Promise<void> {
    const status = await adminStatus();
    if (status !== 200) return void (this.status = status);
    const [res, zone] = await Promise.all([fetch('/api/targets', { cache: 'no-store' }).catch(() => null), kpiTimezone()]);
    this.timezone = zone;
    this.status = res?.status ?? 0;
    this.tag = etagOf(res);
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
      const words = { noAnswer: 'targets.noAnswer', signedOut: 'targets.signedOut', busy: 'admin.busy' } as const;
      const sent = await sendJson('/api/targets', 'PUT', body, words, ifMatch(this.tag));
      if (sent.ok) {
        this.faults = {};
        this.saved = true;
        this.tag = etagOf(sent);
        this.show((sent.answer as { targets: Record<string, KpiTargetSetting> }).targets, Object.keys(body));
      } else if (sent.status === 412) {
        // Another admin saved since this page showed the targets: theirs are shown, with what this admin typed kept.
        const answer = sent.answer as { targets?: Record<string, KpiTargetSetting>; savedBy?: string | null; savedAt?: number | null } | null;
        const theirs = answer?.targets;
        if (!theirs) return void (this.faults = { '': sent.fault });
        const differs = (r: TargetRow, o: KpiTargetSetting) => o.warn !== r.warn || o.critical !== r.critical || o.isDefault !== r.isDefault;
        const changed = this.rows.filter((r) => theirs[r.kpi] && differs(r, theirs[r.kpi]!)).map((r) => kpiName(r.kpi));
        this.tag = etagOf(sent);
        // Field by field: what this admin typed stands, any field left alone shows theirs.
        const before = new Map(this.rows.map((r) => [r.kpi, r]));
        this.show(theirs);
        this.rows = this.rows.map((r) => {
          const mine = before.get(r.kpi);
          if (!mine) return r;
          return {
            ...r,
            warnInput: mine.warnInput !== mine.warn ? mine.warnInput : r.warnInput,
            criticalInput: mine.criticalInput !== mine.critical ? mine.criticalInput : r.criticalInput
          };
        });
        const kpis = changed.join(t('admin.listSeparator'));
        // A save from before the server kept who saves them names no one: the page says only that the targets changed.
        const { savedBy, savedAt } = answer!;
        this.faults = {
          '':
            typeof savedBy === 'string' && typeof savedAt === 'number'
              ? t('admin.targets.savedMeanwhile', { who: savedBy, time: formatTimeOfDay(savedAt, this.timezone ?? undefined), kpis })
              : t('admin.targets.changedMeanwhile', { kpis })
        };
      } else {
        const typed = Object.fromEntries(this.rows.map((r) => [r.kpi, { warn: r.warnInput, critical: r.criticalInput, higherIsBetter: r.higherIsBetter, default: r.default }]));
        this.faults = faultsOf(sent, (e) => [e.path, targetFault(e.path, e.message, typed)]);
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
