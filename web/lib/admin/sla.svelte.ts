// The admin's view of the SLA policies: GET /api/sla-policies to show them, PUT /api/sla-policies to save a whole new
// policy, which takes effect a few minutes later (the server says when).
import { kpiTimezone } from '../live/timezone';
import { adminStatus, etagOf, fieldErrors, ifMatch, sendJson, type Faults } from './request';
import { formatCount, formatTimeOfDay, formatValue, t } from '../i18n';
import { MAX_TARGET_SEC, faultsByCell, gridOf, rulesOf, versionsAt, type Grid, type SlaPolicies } from './sla-policy';

const HOUR_MS = 3_600_000;
const SAVE_WORDS = { noAnswer: 'sla.noAnswer', signedOut: 'sla.signedOut', busy: 'admin.busy' } as const;

export class SlaEditor {
  policies = $state.raw<SlaPolicies | null>(null);
  /** The cells as typed, starting from the newest version (pending or in effect): a save replaces it whole. */
  grid = $state<Grid>(gridOf([]));
  /** What went wrong, by cell (`urgent.chat`, `high.any`), or '' for the form. */
  faults = $state<Faults>({});
  /** null: loading; else the answer's status (200, or 401/403 for a page the signed-in person may not see). */
  status = $state<number | null>(null);
  busy = $state(false);
  saved = $state(false);
  /** An admin is signed in: the cells are inputs, with Save and a reset. */
  editable = $state(false);
  /** The zone the KPI day is counted in, where the server said it; else (null) times are the browser's own. */
  timezone = $state<string | null>(null);
  /**
   * The server's clock as this page reckons it (the server's `now` when answered, moved on by the browser's): a version
   * pending when the page loaded is shown in effect at its time, where it was called pending until a reload.
   */
  now = $state(0);
  versions = $derived(this.policies ? versionsAt({ ...this.policies, now: this.now }) : null);
  /** The grid as the newest version has it, which the cells typed are changes from. */
  private base = $state.raw<Grid>(gridOf([]));
  /** A cell typed differs from the newest version: not saved yet. */
  dirty = $derived(this.changedCells().length > 0);
  /** The server's clock less the browser's, as of the last answer. */
  private offset = 0;
  /** The ETag of the version shown (GET /api/sla-policies's, or a save's), sent back as If-Match. */
  private tag: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Stops the timer that turns a pending version to in effect (the page is left). */
  stop(): void {
    clearTimeout(this.timer);
  }

  async load(): Promise<void> {
    const status = await adminStatus();
    // A supervisor or manager may read the policies (GET), and is shown them to read; only an admin may save.
    if (status !== 200 && status !== 403) return void (this.status = status);
    this.editable = status === 200;
    const [res, zone] = await Promise.all([fetch('/api/sla-policies', { cache: 'no-store' }).catch(() => null), kpiTimezone()]);
    this.timezone = zone;
    const answer = await res?.json().catch(() => null);
    // A 200 that is not the policies (a proxy's page) is a server that could not answer, as a 5xx is.
    this.status = !res ? 0 : res.ok && answer ? 200 : res.ok ? 502 : res.status;
    if (this.status === 200) this.show(answer as SlaPolicies, etagOf(res));
  }

  save(): Promise<void> {
    return this.put(rulesOf(this.grid));
  }

  /** Saves the empty policy: every priority and channel back to SPEC's defaults. */
  resetToDefaults(): Promise<void> {
    return this.put([]);
  }

  private async put(sent: ReturnType<typeof rulesOf>): Promise<void> {
    this.busy = true;
    this.saved = false;
    try {
      // If-Match: the version this page shows. A save replaces the whole policy, so one made while another admin's
      // newer one went unseen would undo theirs.
      const answer = await sendJson('/api/sla-policies', 'PUT', { rules: sent.map((s) => s.rule) }, SAVE_WORDS, ifMatch(this.tag));
      if (!answer.ok && answer.status === 412) return void (await this.takeTheirs());
      if (answer.ok) {
        this.faults = {};
        this.saved = true;
        this.show(answer.answer as SlaPolicies, etagOf(answer));
      } else {
        const errors = fieldErrors(answer);
        const targetFault = t('sla.targetFault', { max: formatCount(MAX_TARGET_SEC), longest: formatValue('duration', MAX_TARGET_SEC, true) });
        this.faults = errors ? faultsByCell(errors, sent.map((s) => s.cell), targetFault) : { '': answer.fault };
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * Another admin saved a policy since this page showed one, and nothing was saved: shows theirs, with the cells this
   * admin changed kept as typed over it, and says so, for a look before saving again.
   */
  private async takeTheirs(): Promise<void> {
    const res = await fetch('/api/sla-policies', { cache: 'no-store' }).catch(() => null);
    const theirs = res?.ok ? ((await res.json().catch(() => null)) as SlaPolicies | null) : null;
    if (!theirs) return void (this.faults = { '': t('sla.noAnswer') });
    const typed = this.grid;
    const changed = this.changedCells();
    this.show(theirs, etagOf(res));
    for (const cell of changed) this.grid[cell] = typed[cell] ?? null;
    const newest = theirs.versions[0];
    this.faults = {
      '': newest
        ? t('admin.sla.savedMeanwhile', { who: newest.setBy, time: formatTimeOfDay(newest.setAt, this.timezone ?? undefined) })
        : t('admin.sla.changedMeanwhile')
    };
  }

  /** The cells typed otherwise than the newest version has them (an input emptied reads undefined, as null). */
  private changedCells(): string[] {
    return Object.keys(this.grid).filter((cell) => (this.grid[cell] ?? null) !== (this.base[cell] ?? null));
  }

  /** Wakes at the time the next pending version takes effect (an hour at most, then looks again). */
  private schedule(): void {
    clearTimeout(this.timer);
    const next = this.versions?.pending.at(-1);
    if (!next) return;
    const wait = Math.min(Math.max(0, next.effectiveFrom - (Date.now() + this.offset)), HOUR_MS);
    this.timer = setTimeout(() => {
      this.now = Date.now() + this.offset;
      this.schedule();
    }, wait);
  }

  private show(policies: SlaPolicies, tag: string | null): void {
    this.tag = tag;
    this.offset = policies.now - Date.now();
    this.now = policies.now;
    this.policies = policies;
    this.schedule();
    this.base = gridOf(policies.versions[0]?.rules ?? []);
    this.grid = { ...this.base };
  }
}
