// An admin's change (targets, an SLA policy, a user, a token) in its write turn, answered as PUT /api/targets answers a busy database, or a
// database whose files were found deleted or replaced under the server.
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import { changeRefused } from '../deleted-database';
import { heldElsewhere, RETRY_AFTER_SECONDS } from '../ingest/failure';
import { inWriteTurn } from '../write-turn';

type Refused = { ok: false; answer: Response };

/**
 * Runs an admin's write in its turn. A 503 that says nothing changed (`nothing`) when the database stays held elsewhere
 * (a backup), or when one of its files was found deleted or replaced (deleted-database.ts): looked at in the turn that
 * commits, as PUT /api/targets does, since a change committed then is lost at the restart.
 */
export async function adminWrite<T>(c: Context, deps: AppDeps, write: () => T, nothing: string, again = 'try again'): Promise<{ ok: true; value: T } | Refused> {
  const unavailable = (body: { error: string; message: string }): Refused => {
    c.header('Retry-After', String(RETRY_AFTER_SECONDS));
    return { ok: false, answer: c.json(body, 503) };
  };
  try {
    const done = await inWriteTurn(deps.db.$client, () => {
      const gone = deps.sideFilesFound?.() ?? null;
      return gone ? { ok: false as const, gone } : { ok: true as const, value: write() };
    });
    if (!done.ok) return unavailable(changeRefused(done.gone, nothing));
    return done;
  } catch (err) {
    if (!heldElsewhere(err)) throw err;
    return unavailable({ error: 'unavailable', message: `The database is busy (another process, such as a backup, holds it): ${nothing}; ${again} in a few seconds.` });
  }
}
