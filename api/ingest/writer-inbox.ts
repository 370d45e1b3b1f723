// The writer thread's inbox: the groups of requests the main thread posted while a transaction ran, folded
// into ONE transaction; if that fails, each group alone, so one failure fails only its own group.
import type { BatchResult, Bodies } from './ingest';
import type { GroupAnswer } from './writer';

/** A group of requests as posted: its id, and each request's events as JSON texts. */
export interface Posted {
  id: number;
  bodies: Bodies;
}

/** Upper bound of events per transaction, so one commit never holds the writer for long. */
export const MAX_TRANSACTION_EVENTS = 20_000;

const count = (bodies: Bodies) => bodies.reduce((n, b) => n + b.length, 0);

/** Takes the groups for the next transaction off the front of `inbox` (at least one). */
export function takeGroups(inbox: Posted[]): Posted[] {
  let events = 0;
  let n = 0;
  while (n < inbox.length && (n === 0 || events + count(inbox[n].bodies) <= MAX_TRANSACTION_EVENTS)) events += count(inbox[n++].bodies);
  return inbox.splice(0, n);
}

/**
 * Stores `groups` in one transaction (`store` runs one) and answers each; returns the transactions committed.
 * `commit` numbers them: groups that shared one carry the same number.
 */
export function commitGroups(groups: Posted[], store: (bodies: Bodies) => BatchResult[], answer: (a: GroupAnswer) => void, commit: number): number {
  try {
    const results = store(groups.flatMap((p) => p.bodies));
    let at = 0;
    for (const p of groups) answer({ kind: 'committed', id: p.id, results: results.slice(at, (at += p.bodies.length)), commit: commit + 1 });
    return 1;
  } catch (err) {
    if (groups.length === 1) {
      answer(failed(groups[0].id, err));
      return 0;
    }
    // The shared transaction rolled back as a whole: each group alone.
    let done = 0;
    for (const p of groups) done += commitGroups([p], store, answer, commit + done);
    return done;
  }
}

function failed(id: number, err: unknown): GroupAnswer {
  const code = (err as { code?: unknown }).code;
  return { kind: 'failed', id, message: err instanceof Error ? err.message : String(err), code: typeof code === 'string' ? code : undefined };
}
