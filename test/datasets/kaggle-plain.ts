// The Kaggle tickets' facts by SPEC.md's definitions, read from each ticket's stamps (kaggle.ts's reading of
// the row) without the events sent for it: the test compares the API's answers with these. A ticket is
// created when opened; its first response is the first agent reply (FRT from opening, within the target of
// its priority); a resolution counts once, credited to the agent it names or else the assignee; its rating
// counts at its own time, credited to whoever resolved it. Channel, priority, type and team never change.
import type { Fact, Open } from '../helpers/spec-model';
import type { KaggleTicket } from './kaggle';

const TARGET_MS: Record<string, number> = { urgent: 300_000, high: 1_800_000, normal: 7_200_000, low: 28_800_000 };

export function plainTicket(k: KaggleTicket): { facts: Fact[]; open: Open | null } {
  const facts: Fact[] = [];
  const fact = (kind: string, at: number, agent: string | null, value = 0, flag = false) =>
    facts.push({ kind, at, team: k.team, channel: k.channel, priority: k.priority, category: k.category, agent, value, flag, flag2: false });
  fact('created', k.opened, null);
  if (k.firstResponse !== null) {
    const frt = k.firstResponse - k.opened;
    fact('first_response', k.firstResponse, k.assignee, frt, frt <= TARGET_MS[k.priority]);
  }
  const resolvedBy = k.resolver ?? k.assignee;
  if (k.resolved !== null) fact('resolved', k.resolved, resolvedBy, k.resolved - k.opened);
  if (k.rated !== null) fact('rated', k.rated, resolvedBy, k.score!, k.score! >= 4);
  const open =
    k.resolved !== null
      ? null
      : { team: k.team, channel: k.channel, priority: k.priority, category: k.category, assignee: k.assignee, waitFrom: k.firstResponse === null ? k.opened : null };
  return { facts, open };
}
