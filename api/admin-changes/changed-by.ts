// Who an admin's request is, as the change history and the 412s name them: the admin's name, or "admin token".
import type { Context } from 'hono';
import { principalOf } from '../auth/middleware';
import type { ChangedBy } from './record';

export function changedBy(c: Context, now: number): ChangedBy {
  const who = principalOf(c)!;
  return { by: who.username ?? `${who.role} token`, at: now };
}
