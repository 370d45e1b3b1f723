// The admin change history as the page shows it: GET /api/admin/changes, 50 at a time, newest first, one kind or all.
import { adminStatus } from './request';
import { kpiName } from './targets.svelte';
import { formatDuration, formatValue, t, type MessageKey } from '../i18n';
import { kpiKind } from '../../../api/kpi/targets';
import { kpiTimezone } from '../live/timezone';
import { ADMIN_CHANGE_KINDS, type AdminChangeKind as ChangeKind } from '../../../api/admin-changes/kinds';

export { ADMIN_CHANGE_KINDS, type ChangeKind };
export interface AdminChange {
  id: number;
  at: string;
  by: string;
  kind: ChangeKind;
  key: string;
  before: unknown;
  after: unknown;
}

export class ChangeHistory {
  changes = $state<AdminChange[]>([]);
  /** null: loading; else the answer's status (200, or 401/403 for a page the signed-in person may not see). */
  status = $state<number | null>(null);
  /** The kind shown, '' for every kind. */
  kind = $state<ChangeKind | ''>('');
  /** The cursor of the next, older page; null when there is none. */
  next = $state<string | null>(null);
  busy = $state(false);
  moreFailed = $state(false);
  /** The centre's zone (KPI_TIMEZONE) the times are shown in; null: the browser's own. */
  timezone = $state<string | null>(null);

  async load(): Promise<void> {
    const status = await adminStatus();
    if (status !== 200) return void (this.status = status);
    const [, zone] = await Promise.all([this.read(null), kpiTimezone()]);
    this.timezone = zone;
  }

  /** Shows `kind` alone ('' every kind), from the newest. */
  show(kind: ChangeKind | ''): Promise<void> {
    this.kind = kind;
    return this.read(null);
  }

  more(): Promise<void> {
    return this.read(this.next);
  }

  private async read(cursor: string | null): Promise<void> {
    const kind = this.kind;
    this.busy = true;
    this.moreFailed = false;
    const query = new URLSearchParams({ ...(kind && { kind }), ...(cursor && { cursor }) }).toString();
    const res = await fetch(`/api/admin/changes${query ? `?${query}` : ''}`, { cache: 'no-store' }).catch(() => null);
    this.busy = false;
    // Another kind was chosen meanwhile: its own read shows it.
    if (kind !== this.kind) return;
    if (!res?.ok) {
      if (cursor) this.moreFailed = true;
      else this.status = res?.status ?? 0;
      return;
    }
    const page = (await res.json()) as { changes: AdminChange[]; next: string | null };
    this.changes = cursor ? [...this.changes, ...page.changes] : page.changes;
    this.next = page.next;
    this.status = 200;
  }
}

/** What changed, in the page's words: the kind, and the KPI, team, user or token. */
export function changeWhat(c: AdminChange): string {
  const what = c.kind === 'targets' ? kpiName(c.key) : c.kind === 'sla-policy' ? t('changes.policy') : c.key;
  return t('changes.whatOf', { kind: t(`changes.kind.${c.kind}` as MessageKey), what });
}

const sep = () => t('admin.listSeparator');

/** A value before or after, in the page's words; `none` where there was none (a KPI's: its default). */
export function changeValue(c: AdminChange, value: unknown): string {
  if (value === null || value === undefined) return t(c.kind === 'targets' ? 'changes.value.default' : 'changes.value.none');
  const v = value as Record<string, unknown>;
  switch (c.kind) {
    case 'targets':
      // As the targets page and the wall's headings write them ("5m", "85%"): "warn 300" read as 300 of something.
      return t('changes.value.target', { warn: formatValue(kpiKind(c.key), v.warn as number, true), critical: formatValue(kpiKind(c.key), v.critical as number, true) });
    case 'user':
      return [t(`role.${v.role}` as MessageKey), ...(v.password ? [t('changes.value.passwordChanged')] : [])].join(sep());
    case 'token':
      return t('changes.value.token', { label: String(v.label), role: t(`role.${v.role}` as MessageKey) });
    case 'team-names':
      return Object.entries(v)
        .map(([locale, name]) => t('changes.value.name', { language: t(`teams.name.${locale}` as MessageKey), name: String(name) }))
        .join(sep());
    case 'sla-policy':
      return (value as { priority: string; channel: string | null; targetSec: number }[])
        .map((r) => {
          const words = { priority: t(`priority.${r.priority}` as MessageKey), target: formatDuration(r.targetSec) };
          return r.channel ? t('changes.value.rule', { ...words, channel: t(`channel.${r.channel}` as MessageKey) }) : t('changes.value.ruleAny', words);
        })
        .join(sep());
  }
}
