// Ingests the incidents Volvo IT opened on 24–26 April 2012 (their whole lives, into late May) and checks the
// API against a plain reading of the log's rows (volvo-plain.ts), which shares no code with the events
// volvo.ts sends. What the bank's calls cannot show: reassignment between owners and support teams (a fact
// counts in the team of its time), reopening and resolving again, tickets open for weeks across every window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactRollups } from '../../api/ingest/rollup-compaction';
import { testApp } from '../helpers/app';
import { derivedTables } from '../helpers/derived';
import { backlogModel, expectNear, matches, windowModel, type Filters } from '../helpers/spec-model';
import { readVolvoRows, volvoEvents, type VolvoRow } from './volvo';
import { plainIncident } from './volvo-plain';

const at = (local: string) => Date.parse(`${local}+01:00`);
const [FIRST_DAY, END_DAY] = [at('2012-04-24T00:00:00'), at('2012-04-27T00:00:00')];
const NOW = at('2012-06-01T12:00:00');
/** A Tuesday with a fifth of the incidents still open. */
const MIDWAY = at('2012-05-08T12:00:00');
const DAY = 86_400_000;

const rows = readVolvoRows();
const opened = new Map<string, number>();
for (const r of rows) if (!opened.has(r.sr)) opened.set(r.sr, r.at);
const slice = rows.filter((r) => opened.get(r.sr)! >= FIRST_DAY && opened.get(r.sr)! < END_DAY);
const bySr = new Map<string, VolvoRow[]>();
for (const r of slice) bySr.set(r.sr, [...(bySr.get(r.sr) ?? []), r]);
const incidents = [...bySr.values()].map(plainIncident);
const facts = incidents.flatMap((m) => m.facts);
const busiest = (of: (f: (typeof facts)[number]) => string | null, n: number) => {
  const count = new Map<string, number>();
  for (const f of facts) if (of(f) !== null) count.set(of(f)!, (count.get(of(f)!) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([k]) => k);
};

/** A fresh app at `now` that is sent the slice's events, as the helpdesk had sent them by then. */
async function ingested(now: number) {
  const app = testApp({ now: () => now, timezone: 'Europe/Stockholm' });
  const events = volvoEvents(slice.filter((r) => r.at <= now));
  // Shuffled, in odd batch sizes, and every 13th event sent again in a later batch, as a retrying sender would.
  const sent = [...events, ...events.filter((_, i) => i % 13 === 0)];
  for (let i = sent.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [sent[i], sent[j]] = [sent[j], sent[i]];
  }
  let accepted = 0;
  for (let i = 0, size = 311; i < sent.length; i += size, size = size === 311 ? 1499 : 311) {
    const r = await app.post(sent.slice(i, i + size));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    accepted += r.body.accepted;
  }
  expect(accepted).toBe(events.length);
  return app;
}

let t: ReturnType<typeof testApp>;
let midway: ReturnType<typeof testApp>;
afterAll(() => {
  t?.close();
  midway?.close();
});
beforeAll(async () => {
  t = await ingested(NOW);
  midway = await ingested(MIDWAY);
});

describe('Volvo IT incidents opened 24–26 April 2012', () => {
  it('reads 626 incidents, with reassignments, escalations between teams and reopenings among them', () => {
    expect(bySr.size).toBe(626);
    const count = (kind: string) => facts.filter((f) => f.kind === kind).length;
    expect([count('created'), count('escalated'), count('reopened'), count('resolved')]).toEqual([626, 1173, 82, 708]);
    // Plenty of incidents end in another team than the one they were opened in.
    expect(incidents.filter((m) => m.facts.some((f) => f.team !== m.facts[0].team)).length).toBeGreaterThan(300);
  });

  it('counts the whole period as the plain reading does', async () => {
    const w = { from: FIRST_DAY, to: NOW };
    expectNear(await t.kpis(w), windowModel(facts.filter((f) => matches(f, w, {}))));
  });

  it('matches every day from 24 April to 23 May, and windows that cut days in odd places', async () => {
    const windows = Array.from({ length: 30 }, (_, d) => ({ from: FIRST_DAY + d * DAY, to: FIRST_DAY + (d + 1) * DAY }));
    windows.push({ from: at('2012-04-25T13:17:00'), to: at('2012-05-02T08:00:00') }, { from: at('2012-05-03T09:30:00'), to: at('2012-05-03T10:45:00') });
    for (const w of windows) {
      const label = `${new Date(w.from).toISOString()}..${new Date(w.to).toISOString()}`;
      const want = windowModel(facts.filter((f) => matches(f, w, {})));
      const got = await t.kpis(w);
      expect({ label, ...got.tickets }).toEqual({ label, ...want.tickets });
      expectNear(got, want);
    }
  });

  it('counts each fact in the support team the incident was in at its time', async () => {
    const weeks = [{ from: FIRST_DAY, to: FIRST_DAY + 7 * DAY }, { from: FIRST_DAY + 7 * DAY, to: NOW }];
    for (const team of busiest((f) => f.team, 6))
      for (const w of weeks) {
        const want = windowModel(facts.filter((f) => matches(f, w, { team })));
        const got = await t.kpis({ ...w, team });
        expect({ team, ...got.tickets }).toEqual({ team, ...want.tickets });
        expectNear(got, want);
      }
  });

  it('credits each agent with the first responses and resolutions of their own, per team', async () => {
    const w = { from: FIRST_DAY, to: NOW };
    const { agents } = await t.agents(w);
    for (const agent of busiest((f) => f.agent, 12)) {
      const row = agents.find((a: any) => a.agent === agent);
      const want = windowModel(facts.filter((f) => matches(f, w, { agent })));
      expect({ agent, fr: row?.firstResponse.count, res: row?.resolution.count }).toEqual({ agent, fr: want.firstResponse.count, res: want.resolution.count });
      expectNear(row, want, { agentRow: true });
      expect({ agent, open: row.open }).toEqual({ agent, open: incidents.filter((m) => m.open?.assignee === agent).length });
    }
    for (const team of busiest((f) => f.team, 3)) {
      const rows = (await t.agents({ ...w, team })).agents as any[];
      for (const agent of busiest((f) => (f.team === team ? f.agent : null), 4)) {
        const want = windowModel(facts.filter((f) => matches(f, w, { team, agent })));
        const row = rows.find((a) => a.agent === agent);
        expect({ team, agent, fr: row?.firstResponse.count, res: row?.resolution.count }).toEqual({ team, agent, fr: want.firstResponse.count, res: want.resolution.count });
      }
    }
  });

  it('filters by priority and product (category)', async () => {
    const w = { from: FIRST_DAY, to: NOW };
    const filters: Filters[] = [{ priority: 'high' }, { priority: 'low' }, ...busiest((f) => f.category, 2).map((category) => ({ category }))];
    for (const q of filters) expectNear(await t.kpis({ ...w, ...q }), windowModel(facts.filter((f) => matches(f, w, q))));
  });

  it('has nothing open once the log ends: every incident was completed', async () => {
    expect(incidents.filter((m) => m.open)).toHaveLength(0);
    expect((await t.kpis()).backlog).toEqual(backlogModel(incidents, [], {}, NOW));
  });
});

describe('the same incidents as the floor saw them on 8 May 2012 at noon', () => {
  const known = [...bySr.values()].map((list) => list.filter((r) => r.at <= MIDWAY)).filter((list) => list.length).map(plainIncident);
  const knownFacts = known.flatMap((m) => m.facts);

  it('keeps the backlog of incidents still open, waiting on an agent or not, by team, owner and priority', async () => {
    expect(known.filter((m) => m.open).length).toBe(138);
    expect(known.filter((m) => m.open?.waitFrom !== null && m.open?.waitFrom !== undefined).length).toBeGreaterThan(10);
    const filters: Filters[] = [{}, { priority: 'normal' }, { priority: 'high' }, ...busiest((f) => f.team, 4).map((team) => ({ team })), ...busiest((f) => f.agent, 4).map((agent) => ({ agent }))];
    for (const q of filters) expect({ q, ...(await midway.kpis(q)).backlog }).toEqual({ q, ...backlogModel(known, [], q, MIDWAY) });
  });

  it('answers today (Stockholm) and each owner\'s open incidents now', async () => {
    const today = { from: at('2012-05-08T00:00:00') - 3_600_000, to: at('2012-05-09T00:00:00') - 3_600_000 };
    expectNear(await midway.kpis(), windowModel(knownFacts.filter((f) => matches(f, today, {}))));
    const { agents } = await midway.agents({ from: FIRST_DAY, to: MIDWAY });
    for (const a of agents) expect({ agent: a.agent, open: a.open }).toEqual({ agent: a.agent, open: known.filter((m) => m.open?.assignee === a.agent).length });
  });
});

describe('the same incidents sent as they happened, the hours, days and weeks summed as they went by', () => {
  it('ends with the same facts, rollups, backlog and numbers as the batch sent all at once', async () => {
    let now = FIRST_DAY;
    const live = testApp({ now: () => now, timezone: 'Europe/Stockholm' });
    try {
      const events = volvoEvents(slice);
      const STEP = 12 * 3_600_000;
      const due = (e: Record<string, unknown>) => Date.parse(e.at as string);
      // Twice a day the helpdesk sends what happened since; a reopening weeks later lands in summed weeks.
      for (let sent = 0; now < NOW; ) {
        now = Math.min(now + STEP, NOW);
        const batch = events.filter((e) => due(e) <= now && due(e) > now - STEP);
        if (batch.length) expect((await live.post(batch)).status).toBe(200);
        sent += batch.length;
        compactRollups(live.rt.db.$client, { now });
        if (now === NOW) expect(sent).toBe(events.length);
      }
      expect(derivedTables(live.rt.db.$client)).toEqual(derivedTables(t.rt.db.$client));
      for (let d = 0; d < 30; d++) {
        const w = { from: FIRST_DAY + d * DAY, to: FIRST_DAY + (d + 1) * DAY };
        expectNear(await live.kpis(w), windowModel(facts.filter((f) => matches(f, w, {}))));
      }
    } finally {
      live.close();
    }
  });
});
