// An admin's change (a user, a token) in its write turn, answered as PUT /api/targets answers a busy database.
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import { heldElsewhere, RETRY_AFTER_SECONDS } from '../ingest/failure';
import { inWriteTurn } from '../write-turn';

/** Runs an admin's write in its turn; a 503 that says nothing changed when the database stays held elsewhere (a backup). */
export async function adminWrite<T>(c: Context, deps: AppDeps, write: () => T, nothing: string): Promise<{ ok: true; value: T } | { ok: false; answer: Response }> {
  try {
    return { ok: true, value: await inWriteTurn(deps.db.$client, write) };
  } catch (err) {
    if (!heldElsewhere(err)) throw err;
    c.header('Retry-After', String(RETRY_AFTER_SECONDS));
    return { ok: false, answer: c.json({ error: 'unavailable', message: `The database is busy (another process, such as a backup, holds it): ${nothing}; try again in a few seconds.` }, 503) };
  }
}
