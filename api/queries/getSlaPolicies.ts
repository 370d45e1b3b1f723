// The SLA policy versions an admin saved (table sla_policies): all of them for replay, the newest for GET /api/sla-policies.
import type Database from 'better-sqlite3';
import type { SlaPolicyVersion, SlaRule } from '../kpi/sla-policies';
import { DEFAULT_FIRST_RESPONSE_TARGET_SEC } from '../kpi/targets';
import { cached } from './windowTotals';

/** GET /api/sla-policies shows this many versions, newest first: the one in effect is among them, being the newest not pending. */
export const SHOWN_VERSIONS = 50;

interface Row {
  effectiveFrom: number;
  setBy: string;
  setAt: number;
  rules: string;
}

const version = (r: Row): SlaPolicyVersion => ({ effectiveFrom: r.effectiveFrom, setBy: r.setBy, setAt: r.setAt, rules: JSON.parse(r.rules) as SlaRule[] });

/** Every version saved, oldest first: replay needs all of them, as a late event may touch a ticket of any month. */
export function slaPolicyVersions(sqlite: Database.Database): SlaPolicyVersion[] {
  const rows = cached(sqlite, 'SELECT effective_from AS effectiveFrom, set_by AS setBy, set_at AS setAt, rules FROM sla_policies ORDER BY effective_from').all() as Row[];
  return rows.map(version);
}

/** What GET (and a PUT's 200) answers: SPEC's defaults, the server's time, and the newest versions first. */
export function getSlaPolicies(sqlite: Database.Database, now: number) {
  const rows = cached(
    sqlite,
    `SELECT effective_from AS effectiveFrom, set_by AS setBy, set_at AS setAt, rules FROM sla_policies ORDER BY effective_from DESC LIMIT ${SHOWN_VERSIONS}`
  ).all() as Row[];
  return { defaults: { ...DEFAULT_FIRST_RESPONSE_TARGET_SEC }, now, versions: rows.map(version) };
}
