// An admin's new SLA policy: stored as a version that takes effect a little ahead (api/kpi/sla-policies.ts),
// in one transaction on the main thread's connection, as KPI targets are.
import type Database from 'better-sqlite3';
import { recordAdminChange } from '../admin-changes/record';
import { effectiveFromOf, wholeMinuteAfter, type SlaRule } from '../kpi/sla-policies';

/**
 * Stores `rules` (validated by the caller: api/sla/schema.ts) as the whole policy from effectiveFromOf(now), or from
 * the minute after the latest fact stored if that is later; returns its effectiveFrom. Versions pending from then on
 * are replaced, not stacked: an admin correcting a typo. None judged a first response stored so far.
 */
export function saveSlaPolicy(sqlite: Database.Database, rules: readonly SlaRule[], setBy: string, now: number): number {
  return sqlite
    .transaction(() => {
      // Past now + MAX_FUTURE_MS is past every event stored, unless the clock was set back since some were (NTP
      // correcting a clock that ran fast): then past every fact stored, so that the version that judged them stays,
      // and a rebuild judges them as they were. (facts_at makes max(at) one look.)
      const latestFact = sqlite.prepare('SELECT max(at) FROM facts').pluck().get() as number | null;
      const effectiveFrom = Math.max(effectiveFromOf(now), latestFact === null ? -Infinity : wholeMinuteAfter(latestFact));
      // The history: the rules of the newest version before this one (pending or in force), and the new rules.
      const before = sqlite.prepare('SELECT rules FROM sla_policies ORDER BY effective_from DESC LIMIT 1').pluck().get() as string | undefined;
      // Any version from then on is still pending (no fact stands at or after it): the one saved last is the one that holds.
      sqlite.prepare('DELETE FROM sla_policies WHERE effective_from >= ?').run(effectiveFrom);
      const stored = rules.map((r) => ({ priority: r.priority, channel: r.channel ?? null, targetSec: r.targetSec }));
      recordAdminChange(sqlite, { by: setBy, at: now }, 'sla-policy', 'policy', before === undefined ? null : JSON.parse(before), stored);
      sqlite.prepare('INSERT INTO sla_policies (effective_from, set_by, set_at, rules) VALUES (?, ?, ?, ?)').run(effectiveFrom, setBy, now, JSON.stringify(stored));
      return effectiveFrom;
    })
    .immediate();
}
