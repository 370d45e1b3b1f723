// Random bad input, from valid events with fields replaced by odd values, odd bodies and odd query strings:
// every answer is a 2xx or a 4xx that says what was wrong and where, never a 5xx, and a refused batch stores
// nothing. The named cases are in events.test.ts and kpis.test.ts; this looks for the ones nobody named.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const t = testApp({ now: () => NOW });
afterAll(() => t.close());

const odd = fc.constantFrom<unknown>(
  null, true, 0, -1, 1.5, 1e308, -1e308, 2 ** 53, '', ' ', 'x'.repeat(300), '\u0000', '\uD800', '工单', '😀', [], {}, [1], { a: 1 },
  '2026-11-24T11:00:00Z', '2026-11-24T11:00:00', '2026-13-40T25:61:61Z', '2026-11-24T11:00:00+08:00', '+002026-11-24T11:00:00Z',
  'NaN', 'Infinity', NOW, NOW + 1e12, -NOW, '1e3'
);
const TYPES = [
  'ticket.created', 'ticket.assigned', 'ticket.replied', 'ticket.resolved', 'ticket.reopened', 'ticket.rated', 'ticket.waiting',
  'ticket.priority_changed', 'ticket.escalated', 'ticket.abandoned', 'callback.scheduled', 'callback.attempted', 'callback.completed',
  'callback.cancelled', 'callback.confirmed', 'agent.status', 'ticket.nope'
];
const FIELDS = ['id', 'type', 'at', 'ticket', 'callback', 'agent', 'channel', 'team', 'priority', 'category', 'score', 'due', 'status', 'name', 'outcome', 'reason', '__proto__'];

let n = 0;
/** A plausible event of any type, then up to three fields set to odd values and perhaps one dropped. */
const event = fc
  .record({
    type: fc.constantFrom(...TYPES),
    ago: fc.integer({ min: 0, max: 86_400_000 }),
    ticket: fc.integer({ min: 0, max: 30 }),
    odd: fc.array(fc.tuple(fc.constantFrom(...FIELDS), odd), { maxLength: 3 }),
    drop: fc.option(fc.constantFrom(...FIELDS))
  })
  .map(({ type, ago, ticket, odd: replaced, drop }) => {
    const e: Record<string, unknown> = {
      id: `fz-${n++}`, type, at: NOW - ago, ticket: `T${ticket}`, callback: `C${ticket}`, agent: 'ann', channel: 'chat', team: 'wallet',
      score: 4, due: NOW + 3_600_000, status: 'busy', outcome: 'connected', reason: 'pre_approval'
    };
    for (const [k, v] of replaced) Object.defineProperty(e, k, { value: v, enumerable: true, configurable: true, writable: true });
    if (drop !== null) delete e[drop];
    return e;
  });

const stored = () => t.rt.db.$client.prepare('SELECT count(*) FROM events').pluck().get() as number;

describe('random input', () => {
  it('POST /api/events: a 200, or a 400 naming each bad event by index and field, with nothing stored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 4 }), fc.boolean(), async (batch, single) => {
        const before = stored();
        const res = await t.post(single ? batch[0] : batch);
        if (res.status === 200) {
          expect(res.body.accepted + res.body.duplicates).toBe(single ? 1 : batch.length);
          return;
        }
        expect(res.status).toBe(400);
        expect(res.body.errors.length).toBeGreaterThan(0);
        for (const err of res.body.errors) {
          expect(err.index).toBeGreaterThanOrEqual(0);
          expect(err.index).toBeLessThan(single ? 1 : batch.length);
          expect(typeof err.path).toBe('string');
          expect(err.message.length).toBeGreaterThan(0);
        }
        expect(stored()).toBe(before);
      }),
      { numRuns: 400, seed: 20 }
    );
  });

  it('POST /api/events with odd bodies and content types: a 4xx that says why, nothing stored', async () => {
    const body = fc.oneof(
      fc.constantFrom('', 'null', '[]', '{}', '[null]', '[1,2]', '"x"', '{"id":', '\n\n', '[{}]{}', '\uFEFF[]', '{"id":"a"}\n{bad'),
      fc.string({ maxLength: 200 })
    );
    const type = fc.constantFrom('application/json', 'application/x-ndjson', 'text/plain', '', 'application/json; charset=latin1');
    await fc.assert(
      fc.asyncProperty(body, type, async (text, contentType) => {
        const before = stored();
        const res = await t.post(text, { raw: true, contentType });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.body.errors[0].message.length).toBeGreaterThan(0);
        expect(stored()).toBe(before);
      }),
      { numRuns: 200, seed: 20 }
    );
  });

  it('GET /api/kpis and /api/agents with odd query strings: a 200 or a 400 naming the parameter', async () => {
    const KEYS = ['from', 'to', 'team', 'channel', 'priority', 'category', 'agent', 'teams'];
    const params = fc.array(fc.tuple(fc.constantFrom(...KEYS), odd.map(String)), { maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('kpis', 'agents'), params, async (path, pairs) => {
        const res = await t.get(`/api/${path}?${new URLSearchParams(pairs)}`);
        if (res.status === 200) return;
        expect(res.status).toBe(400);
        const named = JSON.stringify(res.body);
        expect(pairs.some(([k]) => named.includes(k))).toBe(true);
      }),
      { numRuns: 300, seed: 20 }
    );
  });
});
