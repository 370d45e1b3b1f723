// The Volvo incidents' facts read straight from the log's rows with SPEC.md's replay rules, without the
// events that volvo.ts sends: the test compares the API's answers with these. An incident is created at its
// first row in its first support team; a row in Accepted moves it to its owner (Resource) and that owner's
// team, a row in Queued to that team's queue (one escalation); the owner writes to the user on the first
// Accepted-In Progress row and on every Wait - User row; the user answers on the row after a Wait - User row
// (unless that row completes it); a Completed row resolves it, and a later row that is not Completed reopens
// it. Siebel, the log's robot, is nobody's agent; Unmatched rows are skipped.
import type { Fact, Open } from '../helpers/spec-model';
import { VOLVO_PRIORITY, type VolvoRow } from './volvo';

const TARGET_MS: Record<string, number> = { urgent: 300_000, high: 1_800_000, normal: 7_200_000, low: 28_800_000 };
const person = (resource: string) => (resource.endsWith('-Siebel') ? null : resource);

export function plainIncident(all: VolvoRow[]): { facts: Fact[]; open: Open | null } {
  const rows = all.filter((r) => r.status !== 'Unmatched');
  const t0 = rows[0].at;
  const { product: category } = rows[0];
  const priority = VOLVO_PRIORITY[rows[0].impact];
  let team = rows[0].team;
  let assignee: string | null = null;
  let resolved = false;
  let firstResponse: number | null = null;
  let waitingSince: number | null = null;
  const facts: Fact[] = [];
  const fact = (kind: string, at: number, agent: string | null, value = 0, flag = false) =>
    facts.push({ kind, at, team, channel: 'web', priority, category, agent, value, flag, flag2: false });
  rows.forEach((row, k) => {
    const prev = rows[k - 1];
    const done = row.status === 'Completed';
    // The team at a fact's time is the one this row leaves the incident in: the spec takes what is set at
    // or before that time.
    if (row.status === 'Accepted' && person(row.resource) && (row.resource !== assignee || row.team !== team)) [assignee, team] = [row.resource, row.team];
    const queuedElsewhere = row.status === 'Queued' && row.team !== team;
    if (queuedElsewhere) team = row.team;
    if (k === 0) fact('created', t0, null);
    if (resolved && !done) {
      resolved = false;
      fact('reopened', row.at, null);
    }
    if (queuedElsewhere) fact('escalated', row.at, null);
    if (prev?.sub === 'Wait - User' && !done && firstResponse !== null && waitingSince === null) waitingSince = row.at;
    const writes = row.status === 'Accepted' && person(row.resource) && (row.sub === 'Wait - User' || (row.sub === 'In Progress' && firstResponse === null));
    if (writes) {
      if (firstResponse === null) {
        firstResponse = row.at;
        fact('first_response', row.at, row.resource, row.at - t0, row.at - t0 <= TARGET_MS[priority]);
      }
      waitingSince = null;
    }
    if (done && !resolved) {
      resolved = true;
      fact('resolved', row.at, person(row.resource) ?? assignee, row.at - t0);
    }
  });
  const open = resolved ? null : { team, channel: 'web', priority, category, assignee, waitFrom: firstResponse === null ? t0 : waitingSince };
  return { facts, open };
}
