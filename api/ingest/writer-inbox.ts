// The writer thread's inbox: the groups of requests the main thread posted while a transaction ran, folded
// into ONE transaction; if that fails, each group alone, so one failure fails only its own group (not while another
// connection holds the database: then every group fails alike).
import { heldElsewhere } from './failure';
import { takeGroup } from './group-commit';
import type { BatchResult, Bodies } from './ingest';
import type { GroupAnswer } from './writer';

/** A group of requests as posted: its id, and each request's events as JSON texts. */
export interface Posted {
  id: number;
  bodies: Bodies;
}

const count = (bodies: Bodies) => bodies.reduce((n, b) => n + b.length, 0);

/** Takes the groups for the next transaction off the front of `inbox` (at least one). */
export const takeGroups = (inbox: Posted[]): Posted[] => takeGroup(inbox, (p) => count(p.bodies));

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
    // Held by another connection, each group alone would wait the busy timeout again, one after the other.
    if (groups.length === 1 || heldElsewhere(err)) {
      for (const p of groups) answer(failed(p.id, err));
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
