// An admin's new SLA policy: stored as a version that takes effect a little ahead (api/kpi/sla-policies.ts),
// in one transaction on the main thread's connection, as KPI targets are.
import type Database from 'better-sqlite3';
import { effectiveFromOf, type SlaRule } from '../kpi/sla-policies';

/**
 * Stores `rules` (validated by the caller: api/sla/schema.ts) as the whole policy from effectiveFromOf(now); returns
 * its effectiveFrom. A version pending at that minute is replaced, not stacked: an admin correcting a typo. None
 * may be judged by it yet (its minute is past now + MAX_FUTURE_MS, the latest time an event stored so far can bear).
 */
export function saveSlaPolicy(sqlite: Database.Database, rules: readonly SlaRule[], setBy: string, now: number): number {
  return sqlite
    .transaction(() => {
      const newest = sqlite.prepare('SELECT max(effective_from) FROM sla_policies').pluck().get() as number | null;
      // Should the clock have been set back since the newest was saved, that one (later still, so pending too) is
      // replaced: versions stay in the order they were saved, and the one saved last is the one that holds.
      const effectiveFrom = Math.max(effectiveFromOf(now), newest ?? -Infinity);
      sqlite.prepare('DELETE FROM sla_policies WHERE effective_from = ?').run(effectiveFrom);
      const stored = rules.map((r) => ({ priority: r.priority, channel: r.channel ?? null, targetSec: r.targetSec }));
      sqlite.prepare('INSERT INTO sla_policies (effective_from, set_by, set_at, rules) VALUES (?, ?, ?, ?)').run(effectiveFrom, setBy, now, JSON.stringify(stored));
      return effectiveFrom;
    })
    .immediate();
}
