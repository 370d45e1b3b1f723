// GET /api/admin/changes (role: admin): every change an admin made (targets, SLA policy, team names, users, tokens),
// newest first, a page of PAGE at a time: `?kind=` keeps one kind, `?cursor=` (the last page's `next`) goes on.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { requireRole } from '../auth/middleware';
import { ADMIN_CHANGE_KINDS } from '../admin-changes/kinds';
import { cached } from '../queries/windowTotals';
import { IN_PLAIN_WORDS } from '../plain-words';
import { issuesToErrors, type ParamError } from './params';

export const ADMIN_CHANGES_PAGE = 50;

const query = z.strictObject({
  kind: z.enum(ADMIN_CHANGE_KINDS, { message: `not a kind of change; expected one of ${ADMIN_CHANGE_KINDS.join(', ')}` }).optional(),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, { message: "is not a page's cursor: give the `next` of the page before, or leave it out for the newest" })
    .transform(Number)
    .optional()
});

type Row = { id: number; at: number; by: string; kind: string; key: string; before: string | null; after: string | null };

export function adminChangeRoutes(deps: AppDeps) {
  const sqlite = deps.db.$client;
  return new Hono().get('/', requireRole(deps.db, 'admin', deps.now), (c) => {
    const all = c.req.queries();
    const twice: ParamError[] = Object.entries(all)
      .filter(([, values]) => values.length > 1)
      .map(([path, values]) => ({ path, message: `given ${values.length} times; give it once` }));
    const read = query.safeParse(Object.fromEntries(Object.entries(all).map(([k, values]) => [k, values[0]])), IN_PLAIN_WORDS);
    if (twice.length || !read.success) return c.json({ errors: [...twice, ...(read.success ? [] : issuesToErrors(read.error))] }, 400);
    const { kind, cursor } = read.data;
    const rows = cached(
      sqlite,
      'SELECT id, at, by, kind, key, before, after FROM admin_changes WHERE (@kind IS NULL OR kind = @kind) AND id < @cursor ORDER BY id DESC LIMIT @limit'
    ).all({ kind: kind ?? null, cursor: cursor ?? Number.MAX_SAFE_INTEGER, limit: ADMIN_CHANGES_PAGE + 1 }) as Row[];
    const page = rows.slice(0, ADMIN_CHANGES_PAGE);
    const changes = page.map((r) => ({
      ...r,
      at: new Date(r.at).toISOString(),
      before: r.before === null ? null : JSON.parse(r.before),
      after: r.after === null ? null : JSON.parse(r.after)
    }));
    return c.json({ changes, next: rows.length > ADMIN_CHANGES_PAGE ? String(page.at(-1)!.id) : null });
  });
}
