// POST /api/events: parse → validate → group commit → answer. Role: ingest.
import { Hono } from 'hono';
import { splitBody, validateEvents } from '../events/parse';
import type { AppDeps } from '../app';
import { requireRole } from '../auth/middleware';
import { readBody } from './body';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function eventsRoutes(deps: AppDeps) {
  return new Hono().post(
    '/',
    requireRole(deps.db, 'ingest', deps.now),
    async (c) => {
      const body = await readBody(c, MAX_BODY_BYTES);
      if (!body.ok) return c.json({ errors: [{ index: 0, path: '', message: 'body is larger than 10 MB; send smaller batches' }] }, 413);
      const ndjson = (c.req.header('content-type') ?? '').toLowerCase().includes('ndjson');
      const split = splitBody(body.text, ndjson);
      if (!split.ok) return c.json({ errors: split.errors }, 400);
      const valid = validateEvents(split.raw, deps.now());
      if (!valid.ok) return c.json({ errors: valid.errors }, 400);
      const result = await deps.commits.submit(valid.events);
      return c.json(result, 200);
    }
  );
}
