// SLA first-response targets as GET and PUT /api/sla-policies speak of them (SPEC.md, firstResponse.withinTarget),
// and the admin's grid of them: a row a priority, a column every channel or one channel. Pure: no fetch, no clock.
import type { Channel, Priority } from '../../../api/events/schema';
import { DEFAULT_FIRST_RESPONSE_TARGET_SEC } from '../../../api/kpi/targets';

export const PRIORITIES = Object.keys(DEFAULT_FIRST_RESPONSE_TARGET_SEC) as Priority[];
export const CHANNELS = ['phone', 'chat', 'email', 'social', 'app', 'web'] as const satisfies readonly Channel[];

export interface SlaRule {
  priority: Priority;
  /** null: every channel. */
  channel: Channel | null;
  targetSec: number;
}

export interface SlaVersion {
  effectiveFrom: number;
  setBy: string;
  setAt: number;
  rules: SlaRule[];
}

/** GET /api/sla-policies, and a PUT's 200: versions newest first, `now` on the server's clock. */
export interface SlaPolicies {
  defaults: Record<Priority, number>;
  now: number;
  versions: SlaVersion[];
}

/** A column of the grid: one channel, or null for every channel. */
export type Column = Channel | null;
export const COLUMNS: Column[] = [null, ...CHANNELS];

/** A cell's name, as its input's: `urgent.any`, `urgent.chat`. */
export const cellKey = (priority: Priority, channel: Column): string => `${priority}.${channel ?? 'any'}`;

/** The grid's inputs by cell: seconds as typed, or null for a cell left empty (no rule). */
export type Grid = Record<string, number | null>;

/** The version in effect at the server's `now` (the first no later than it), and those still to come. */
export function versionsAt(policies: SlaPolicies): { inEffect: SlaVersion | null; pending: SlaVersion[] } {
  const i = policies.versions.findIndex((v) => v.effectiveFrom <= policies.now);
  return i < 0 ? { inEffect: null, pending: policies.versions } : { inEffect: policies.versions[i]!, pending: policies.versions.slice(0, i) };
}

/** A grid holding `rules`, every other cell empty. */
export function gridOf(rules: SlaRule[]): Grid {
  const grid: Grid = {};
  for (const p of PRIORITIES) for (const c of COLUMNS) grid[cellKey(p, c)] = null;
  for (const r of rules) grid[cellKey(r.priority, r.channel)] = r.targetSec;
  return grid;
}

/** The filled cells as the rules of a PUT, in the grid's order, each with the cell it came from. */
export function rulesOf(grid: Grid): { cell: string; rule: SlaRule }[] {
  const out: { cell: string; rule: SlaRule }[] = [];
  for (const priority of PRIORITIES)
    for (const channel of COLUMNS) {
      const targetSec = grid[cellKey(priority, channel)];
      if (typeof targetSec === 'number') out.push({ cell: cellKey(priority, channel), rule: { priority, channel, targetSec } });
    }
  return out;
}

/**
 * What an empty cell means: for one channel, the row's every-channel value, else the default; for every channel,
 * the default. `from` says which, for the page to name it.
 */
export function inherited(grid: Grid, defaults: Record<Priority, number>, priority: Priority, channel: Column): { targetSec: number; from: 'default' | 'everyChannel' } {
  const row = channel === null ? null : grid[cellKey(priority, null)];
  return typeof row === 'number' ? { targetSec: row, from: 'everyChannel' } : { targetSec: defaults[priority], from: 'default' };
}

/** The longest first-response target PUT /api/sla-policies takes: 30 days (api/sla/schema.ts, which the page does not load). */
export const MAX_TARGET_SEC = 30 * 86_400;

/**
 * A 400's paths by cell: `rules.3.targetSec` is the cell the fourth rule sent came from. A fault of the body, or
 * of a rule the page did not send, is the form's (key ''). A cell's value can only be out of 1 to MAX_TARGET_SEC or
 * not whole, which `targetFault` says in the page's language, where the server's words are English.
 */
export function faultsByCell(errors: { path: string; message: string }[], sent: string[], targetFault?: string): Record<string, string> {
  const faults: Record<string, string> = {};
  for (const error of errors) {
    const [, index, field] = /^rules\.(\d+)(?:\.(\w+))?$/.exec(error.path) ?? [];
    const cell = index === undefined ? '' : (sent[Number(index)] ?? '');
    const message = cell && field === 'targetSec' && targetFault ? targetFault : error.message;
    faults[cell] = faults[cell] ? `${faults[cell]}; ${message}` : message;
  }
  return faults;
}
