// The plain model of SPEC.md (test/helpers/spec-model.ts) against GET /api/kpis and /api/agents over a
// simulated centre's days, with rollups compacted to different extents in between: windows of any length and
// offset (1 ms, minutes, across compacted and uncompacted hours, years), days in the centre's zone named by date
// alone and the default window "today" (DST days of 23 and 25 hours, 30-minute DST, +5:45), late events and
// retries landing in compacted days, and every filter.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactRollups } from '../../api/ingest/rollup-compaction';
import { generateHistory } from '../../api/sim';
import { testApp } from '../helpers/app';
import { backlogModel, expectNear, matches, modelOf, windowModel, type Ev, type Filters } from '../helpers/spec-model';

const H = 3_600_000;
const D = 24 * H;
const RUNS = Number(process.env.FC_RUNS ?? 15);

/** The zones, and a day of each (its local date) whose simulated traffic is stored, with the day before. */
const ZONES: [string, string[]][] = [
  ['America/New_York', ['2026-03-08', '2026-11-01']],
  ['Australia/Lord_Howe', ['2026-04-05', '2026-10-04']],
  ['America/St_Johns', ['2026-11-01']],
  ['Asia/Kathmandu', ['2026-11-24']],
  ['Asia/Kolkata', ['2026-11-24']]
];

/** The local date (YYYY-MM-DD) of an instant in a zone, as Intl reads it. */
const localDate = (ms: number, tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);

/** The first instant of a local date: found by bisection on the date Intl gives, independently of the product's calendar code. */
function localMidnight(date: string, tz: string): number {
  let lo = Date.parse(`${date}T00:00:00Z`) - 16 * H;
  let hi = lo + 32 * H;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDate(mid, tz) < date) lo = mid;
    else hi = mid;
  }
  return hi;
}
const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + D).toISOString().slice(0, 10);

/** Events as the model reads them: times in epoch ms. */
const asModel = (events: Record<string, unknown>[]): Ev[] =>
  events.map((e) => ({ ...e, at: typeof e.at === 'number' ? e.at : Date.parse(e.at as string), ...(e.due !== undefined ? { due: typeof e.due === 'number' ? e.due : Date.parse(e.due as string) } : {}) }) as Ev);

function simulatedDays(tz: string, dates: string[]) {
  return dates.flatMap((date, i) => {
    const to = localMidnight(nextDate(date), tz) + 2 * H;
    return [...generateHistory({ from: localMidnight(date, tz) - D, to, timezone: tz, ticketsPerHour: 25, seed: 7 + i, idPrefix: `d${i}-` })].flat();
  });
}

describe('the numbers over rollups compacted or not, in any zone, against the spec read literally', () => {
  for (const [tz, dates] of ZONES) {
    it(`${tz}: every window and filter answers as a plain replay, before, during and after compaction and late events`, async () => {
      const all = simulatedDays(tz, dates);
      const end = Math.max(...asModel(all).map((e) => e.at));
      let clock = end + 10 * 60_000;
      const t = testApp({ now: () => clock, timezone: tz, memoSubjects: 20, tailLimit: 100 });
      const sqlite = t.rt.db.$client;
      // Every 29th event is held back, to arrive after its day has been compacted; 40 others are sent again.
      const late = all.filter((_, i) => i % 29 === 5);
      const onTime = all.filter((_, i) => i % 29 !== 5);
      for (let i = 0; i < onTime.length; i += 2000) expect((await t.post(onTime.slice(i, i + 2000))).status).toBe(200);

      const firstDay = localMidnight(dates[0], tz) - D;
      // Instants windows start or end near: local midnights, DST changes, UTC hours and days, the week's edge.
      const anchors = [
        ...new Set(
          dates.flatMap((d) => {
            const m = localMidnight(d, tz);
            return [m - D, m, localMidnight(nextDate(d), tz), m + 2 * H, m + 3 * H, Date.parse(`${d}T00:00:00Z`), Math.floor(m / (7 * D)) * 7 * D];
          })
        )
      ];
      const facts0 = modelOf(asModel(onTime)).facts;
      const pick = <K extends 'team' | 'channel' | 'category' | 'agent'>(k: K) => facts0.find((f) => f[k] !== null && f.kind === 'first_response')![k]!;
      const FILTERS: Filters[] = [
        {},
        { team: pick('team') },
        { channel: pick('channel') },
        { priority: 'urgent' },
        { priority: 'normal' },
        { category: pick('category') },
        { agent: pick('agent') },
        { team: 'risk', channel: 'chat' },
        { team: pick('team'), agent: pick('agent') },
        { channel: 'chat', priority: 'high' },
        { category: pick('category'), agent: pick('agent') }
      ];
      const windowArb = fc.oneof(
        fc.tuple(fc.constantFrom(...anchors), fc.integer({ min: -3 * H, max: 3 * H }), fc.constantFrom(1, 60_000, 5 * 60_000, 59 * 60_000, H, 25 * H, 2 * D)),
        fc.tuple(fc.constantFrom(...anchors), fc.integer({ min: -300, max: 300 }).map((m) => m * 60_000), fc.integer({ min: 1, max: 3 * D })),
        // 1 ms windows and windows that end at a fact's own time, or just after it.
        fc.tuple(fc.constantFrom(...facts0.map((f) => f.at)), fc.constantFrom(-1, 0, 1, -H), fc.constantFrom(1, 2, H, H + 1)),
        fc.tuple(fc.constant(firstDay), fc.constantFrom(-400 * D, -D, 0), fc.constantFrom(800 * D, 3 * D, 2 * 365 * D))
      );

      const check = async (events: Ev[], stage: string) => {
        const { facts } = modelOf(events);
        const agents = [...new Set(facts.flatMap((f) => (f.agent === null ? [] : [f.agent])))].slice(0, 6);
        const compare = async (w: { from: number; to: number }, filters: Filters, query: Record<string, string | number> = w) => {
          const got = await t.kpis({ ...query, ...filters });
          expect([got.from, got.to], `${stage}: window of ${JSON.stringify(query)}`).toEqual([new Date(w.from).toISOString(), new Date(w.to).toISOString()]);
          const where = `${stage}: ${JSON.stringify(query)} ${JSON.stringify(filters)}`;
          try {
            expectNear(got, windowModel(facts.filter((f) => matches(f, w, filters))));
          } catch (e) {
            throw new Error(`${where}\n${(e as Error).message}`);
          }
        };
        // Each stored local day by its date, and the default window at its first instant, its last, and midway.
        for (const date of [...new Set(dates.flatMap((d) => [localDate(localMidnight(d, tz) - 1, tz), d]))]) {
          const w = { from: localMidnight(date, tz), to: localMidnight(nextDate(date), tz) };
          for (const filters of FILTERS.slice(0, 3)) await compare(w, filters, { from: date, to: nextDate(date) });
          for (const at of [w.from, w.to - 1, (w.from + w.to) / 2]) {
            clock = at;
            await compare(w, {}, {});
          }
          clock = end + 10 * 60_000;
        }
        await fc.assert(
          fc.asyncProperty(windowArb, fc.constantFrom(...FILTERS), async ([anchor, offset, length], filters) => {
            const w = { from: anchor + offset, to: anchor + offset + length };
            await compare(w, filters);
            const team = filters.team;
            const rows = (await t.agents({ ...w, team })).agents as any[];
            for (const name of agents) {
              const row = rows.find((a) => a.agent === name);
              const want = windowModel(facts.filter((f) => matches(f, w, { team, agent: name })));
              if (!row) expect(want.firstResponse.count + want.resolution.count + want.csat.responses + want.callbacks.attempts + want.callbacks.scheduled, `${stage}: ${name}`).toBe(0);
              else
                try {
                  expectNear(row, want, { agentRow: true });
                } catch (e) {
                  throw new Error(`${stage}: agent ${name} over ${JSON.stringify(w)} team ${team}\n${(e as Error).message}`);
                }
            }
          }),
          { numRuns: RUNS }
        );
      };

      await check(asModel(onTime), 'nothing compacted');
      compactRollups(sqlite, { endedBy: localMidnight(dates[0], tz) + 5 * H, maxBuckets: 30 });
      await check(asModel(onTime), 'part compacted');
      compactRollups(sqlite);
      await check(asModel(onTime), 'all compacted');
      // Late events into compacted days, and retries of events already counted there.
      expect((await t.post(late)).status).toBe(200);
      expect((await t.post(onTime.filter((_, i) => i % 97 === 3))).body.accepted).toBe(0);
      await check(asModel(all), 'late events, not yet compacted');
      compactRollups(sqlite, { maxBuckets: 5 });
      await check(asModel(all), 'late events, part compacted');
      compactRollups(sqlite);
      await check(asModel(all), 'late events, all compacted');
      const { tickets, callbacks } = modelOf(asModel(all));
      for (const filters of FILTERS) expect((await t.kpis(filters)).backlog, JSON.stringify(filters)).toEqual(backlogModel(tickets, callbacks, filters, clock));
      // Every agent named by an event is listed, with the open tickets assigned to them now.
      const rows = (await t.agents()).agents as { agent: string; open: number }[];
      const named = [...new Set(all.flatMap((e) => (typeof e.agent === 'string' ? [e.agent] : [])))].sort();
      expect(rows.map((a) => a.agent).sort()).toEqual(named);
      for (const a of rows) expect(a.open, a.agent).toBe(tickets.filter((m) => m.open?.assignee === a.agent).length);
      // Status, since when (the start of the latest run of it), name and team: the latest events by (at, id), however late they came.
      const byTime = asModel(all).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const a of rows as any[]) {
        const statuses = byTime.filter((e) => e.type === 'agent.status' && e.agent === a.agent);
        const last = statuses.at(-1);
        let since = statuses.length - 1;
        while (since > 0 && statuses[since - 1].status === last?.status) since--;
        const seen = byTime.filter((e) => (e.type === 'ticket.assigned' || e.type === 'callback.scheduled') && e.agent === a.agent && e.team !== undefined).at(-1);
        expect({ status: a.status, statusSince: a.statusSince, name: a.name, team: a.team }, a.agent).toEqual({
          status: last?.status ?? null,
          statusSince: last ? new Date(statuses[since].at).toISOString() : null,
          name: statuses.filter((e) => e.name !== undefined).at(-1)?.name ?? null,
          team: statuses.filter((e) => e.team !== undefined).at(-1)?.team ?? seen?.team ?? null
        });
      }
      t.close();
    }, 600_000);
  }
});
