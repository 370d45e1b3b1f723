// SLA policies: the first-response target of a ticket's priority (and channel) at the time of its first response,
// from the versions an admin saved (SPEC.md, firstResponse.withinTarget). Pure: versions in, a lookup out.
//
// Every number stays a function of the stored events and this history. A saved version never judges again a first
// response already stored: it takes effect only after the time of any event that can be stored already, so last
// month's reports never change when an admin tightens a target, and no fact or rollup needs rewriting.
import { CHANNELS, MAX_FUTURE_MS, PRIORITIES, type Channel, type Priority } from '../events/schema';
import type { TargetLookup } from './replay';
import { DEFAULT_FIRST_RESPONSE_TARGET_SEC } from './targets';

/** One rule of a version: the target of a priority on a channel, or on every channel (`channel` null). */
export interface SlaRule {
  priority: Priority;
  channel: Channel | null;
  targetSec: number;
}

export interface SlaPolicyVersion {
  effectiveFrom: number;
  setBy: string;
  setAt: number;
  rules: SlaRule[];
}

const MINUTE_MS = 60_000;

/**
 * When a version saved at `now` (the server's clock) takes effect: the next whole minute strictly after
 * now + MAX_FUTURE_MS. No event stored before the save can be stamped that late (events are refused past
 * MAX_FUTURE_MS ahead of the clock), so none was judged by the version it replaces in time.
 */
export const effectiveFromOf = (now: number): number => wholeMinuteAfter(now + MAX_FUTURE_MS);

/** The first whole minute strictly after `at`. */
export const wholeMinuteAfter = (at: number): number => Math.floor(at / MINUTE_MS) * MINUTE_MS + MINUTE_MS;

/** Each priority's target on each channel under `rules`: the channel's rule, else the priority's any-channel rule, else SPEC's default. */
function targetsOf(rules: readonly SlaRule[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const p of PRIORITIES) {
    const any = rules.find((r) => r.priority === p && r.channel === null)?.targetSec ?? DEFAULT_FIRST_RESPONSE_TARGET_SEC[p];
    // '*': a channel replay does not know (events are validated, so none yet) has the any-channel target.
    out[p] = { '*': any };
    for (const c of CHANNELS) out[p][c] = rules.find((r) => r.priority === p && r.channel === c)?.targetSec ?? any;
  }
  return out;
}

const DEFAULTS = targetsOf([]);

/**
 * Replay's lookup under `versions` (any order): the newest version with effectiveFrom ≤ at, SPEC's defaults before
 * the first. Each version's targets are worked out once here, so a first response costs a binary search over a
 * handful of versions and two property reads: the writer's hot path judges every first response with it.
 */
export function slaLookup(versions: readonly Pick<SlaPolicyVersion, 'effectiveFrom' | 'rules'>[]): TargetLookup {
  const sorted = [...versions].sort((a, b) => a.effectiveFrom - b.effectiveFrom);
  const from = sorted.map((v) => v.effectiveFrom);
  const targets = sorted.map((v) => targetsOf(v.rules));
  return (priority, channel, at) => {
    // The last version with effectiveFrom ≤ at.
    let lo = 0;
    let hi = from.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (from[mid] <= at) lo = mid + 1;
      else hi = mid;
    }
    const inEffect = lo === 0 ? DEFAULTS : targets[lo - 1];
    // An unknown priority is judged as normal, as defaultTargets does.
    const byChannel = inEffect[priority] ?? inEffect.normal;
    return byChannel[channel] ?? byChannel['*'];
  };
}
