// SLA policies as a supervisor reads them in /api/kpis and /api/agents: a first response is judged by the version in
// effect at its time, whenever and in whatever order its events arrive; a rebuild and a restart judge alike.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SlaRule } from '../../api/kpi/sla-policies';
import { saveSlaPolicy } from '../../api/sla/saveSlaPolicy';
import { testApp } from '../helpers/app';
import { derivedTables } from '../helpers/derived';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const MIN = 60_000;
/** A version saved at NOW takes effect at 12:06 (NOW + 5 min ahead, then the next whole minute). */
const EFFECTIVE = NOW + 6 * MIN;
const RULES: SlaRule[] = [
  { priority: 'urgent', channel: 'chat', targetSec: 600 },
  { priority: 'urgent', channel: null, targetSec: 60 }
];

let clock = NOW;
let apps: ReturnType<typeof testApp>[] = [];
const app = (path?: string) => {
  const t = testApp({ now: () => clock, path });
  apps.push(t);
  return t;
};
afterEach(() => {
  for (const t of apps) t.close();
  apps = [];
  clock = NOW;
});

/** Saves `rules` as an admin would at the clock's time, and tells ingest, as the route does. */
function savePolicy(t: ReturnType<typeof testApp>, rules: SlaRule[]) {
  saveSlaPolicy(t.rt.db.$client, rules, 'admin', clock);
  t.rt.commits.slaPoliciesChanged();
}

/**
 * Five tickets around 12:06. A: urgent email answered by ann 1 s before it, in 239 s (the default, 300 s: within).
 * B: urgent email answered by bob 30 s after it, in 150 s (the any-channel rule, 60 s: breached). C: urgent chat
 * answered by cy in 400 s (the chat rule, 600 s: within). D: urgent phone answered by dee in 90 s (60 s: breached).
 * H: high email answered by hal in 2400 s (no rule for high: the default, 1800 s: breached).
 */
let n = 0;
const e = (type: string, at: number, fields: Record<string, unknown>) => ({ id: `s${++n}`, type, at, ...fields });
function tickets() {
  n = 0;
  const ticket = (id: string, channel: string, priority: string, created: number, agent: string, replied: number) => [
    e('ticket.created', created, { ticket: id, channel, priority, team: 'wallet' }),
    e('ticket.assigned', created, { ticket: id, agent }),
    e('ticket.replied', replied, { ticket: id, agent })
  ];
  return [
    ...ticket('H', 'email', 'high', NOW - 60 * MIN, 'hal', NOW - 20 * MIN),
    ...ticket('A', 'email', 'urgent', EFFECTIVE - 4 * MIN, 'ann', EFFECTIVE - 1000),
    ...ticket('B', 'email', 'urgent', EFFECTIVE - 2 * MIN, 'bob', EFFECTIVE + 30_000),
    ...ticket('C', 'chat', 'urgent', EFFECTIVE, 'cy', EFFECTIVE + 400_000),
    ...ticket('D', 'phone', 'urgent', EFFECTIVE + MIN, 'dee', EFFECTIVE + MIN + 90_000)
  ];
}

async function judged(t: ReturnType<typeof testApp>) {
  const k = await t.kpis();
  const agents = (await t.agents()).agents as { agent: string; firstResponse: { withinTarget: number; breached: number } }[];
  return {
    withinTarget: k.firstResponse.withinTarget,
    breached: k.firstResponse.breached,
    agents: Object.fromEntries(agents.map((a) => [a.agent, [a.firstResponse.withinTarget, a.firstResponse.breached]]))
  };
}

const EXPECTED = {
  withinTarget: 2,
  breached: 3,
  agents: { ann: [1, 0], bob: [0, 1], cy: [1, 0], dee: [0, 1], hal: [0, 1] }
};

/** A shuffle that is the same at every run. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('first responses judged by the SLA policy of their time', () => {
  it('judges a first response stamped at or after effectiveFrom by the new rules, one before by the old, in /api/kpis and /api/agents', async () => {
    const t = app();
    savePolicy(t, RULES);
    clock = NOW + 60 * MIN;
    expect((await t.post(tickets())).status).toBe(200);
    expect(await judged(t)).toEqual(EXPECTED);
  });

  it('gives the same answers to events sent shuffled, in pieces and twice across the save as to all of them sent after it', async () => {
    const all = tickets();
    const reference = app();
    savePolicy(reference, RULES);
    clock = NOW + 60 * MIN;
    expect((await reference.post([...all].reverse())).status).toBe(200);
    expect((await reference.post(all)).body).toMatchObject({ accepted: 0 });

    clock = NOW;
    const t = app();
    // Before the save: what the clock lets in then (up to 5 min ahead), shuffled.
    const early = all.filter((x) => x.at <= NOW + 5 * MIN);
    expect(early.length).toBeGreaterThan(3);
    expect((await t.post(shuffled(early, 7))).status).toBe(200);
    savePolicy(t, RULES);
    clock = NOW + 60 * MIN;
    const rest = shuffled(all, 11);
    for (let i = 0; i < rest.length; i += 4) expect((await t.post(rest.slice(i, i + 4))).status).toBe(200);
    expect((await t.post(shuffled(all, 13))).body).toMatchObject({ accepted: 0 });

    expect(await judged(t)).toEqual(EXPECTED);
    expect(await judged(reference)).toEqual(EXPECTED);
    expect(derivedTables(t.rt.db.$client)).toEqual(derivedTables(reference.rt.db.$client));
  });

  it('rebuilds to what was stored incrementally, with a history of versions', async () => {
    const t = app();
    savePolicy(t, [{ priority: 'urgent', channel: null, targetSec: 30 }]);
    clock = NOW + 30_000;
    // The same minute: this one replaces the pending one.
    savePolicy(t, RULES);
    clock = NOW + 30 * MIN;
    // A later version that only tightens high, from 12:36 on: nothing of the scenario is judged by it.
    savePolicy(t, [{ priority: 'high', channel: null, targetSec: 60 }]);
    clock = NOW + 60 * MIN;
    expect((await t.post(tickets())).status).toBe(200);
    const incremental = derivedTables(t.rt.db.$client);
    t.rt.ingest.rebuild();
    expect(derivedTables(t.rt.db.$client)).toEqual(incremental);
    expect(await judged(t)).toEqual(EXPECTED);
  });

  it('keeps the version that judged stored first responses when the server clock is set back and an admin saves again', async () => {
    const t = app();
    savePolicy(t, RULES);
    // The server clock ran 20 min fast: tickets stored meanwhile, answered after 12:06, judged by RULES.
    clock = NOW + 20 * MIN;
    expect((await t.post(tickets())).status).toBe(200);
    expect(await judged(t)).toEqual(EXPECTED);
    // NTP sets it right, back to 12:00, and an admin puts the defaults back.
    clock = NOW;
    savePolicy(t, []);
    const versions = (await t.get('/api/sla-policies')).body.versions as { effectiveFrom: number; rules: SlaRule[] }[];
    expect(versions.find((v) => v.effectiveFrom === EFFECTIVE)?.rules).toEqual(RULES);
    // The first responses stored (the last at 12:08:30) are judged as they were, by a rebuild too: its facts and rollups
    // equal what was stored (not its backlog, which it takes as of the clock, now back before those tickets).
    const counted = () => {
      const { facts, rollups } = derivedTables(t.rt.db.$client);
      return { facts, rollups };
    };
    const incremental = counted();
    t.rt.ingest.rebuild();
    expect(counted()).toEqual(incremental);
    expect(await judged(t)).toEqual(EXPECTED);
  });

  it('keeps the policies across a restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-sla-judged-')), 'floor.sqlite');
    const first = app(path);
    savePolicy(first, RULES);
    first.close();
    apps = [];
    clock = NOW + 60 * MIN;
    const again = app(path);
    expect((await again.post(tickets())).status).toBe(200);
    expect(await judged(again)).toEqual(EXPECTED);
  });
});
