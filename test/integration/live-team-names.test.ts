// An admin's save of a team's names reaches every connected page at once, as an update (no reload), whatever its
// filters; a page connecting afterwards gets them in its snapshot; and updates after that do not carry them again.
import { describe, expect, it } from 'vitest';
import { endedAfterEach, listenQuiet, recordingWall } from '../helpers/live';

const live = endedAfterEach();

const wall = (token: string, filters?: Record<string, string>) => recordingWall(live, token, filters);

describe('Team names on the live feed', () => {
  it("sends an admin's new names to every connected page at once, in the snapshot of pages that connect later, and not again in later updates", async () => {
    const { display, admin, port } = await listenQuiet(live, 'live-team-names');
    const put = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${port}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const centre = wall(display);
    const team = wall(display, { team: 'payments' });
    await centre.until((m) => m.type === 'snapshot');
    await team.until((m) => m.type === 'snapshot' && m.filters.team === 'payments');
    // No team is named yet.
    expect(centre.messages[0]!.teamNames).toEqual([]);

    expect((await put('/api/team-names/payments', { names: { en: 'Payments', 'zh-CN': '支付团队' } })).status).toBe(200);
    const named = [{ team: 'payments', names: { en: 'Payments', 'zh-CN': '支付团队' } }];
    for (const w of [centre, team]) expect((await w.until((m) => m.type === 'update' && m.teamNames !== undefined)).teamNames).toEqual(named);

    // A name taken away (null) is sent too: the team has no name left, and is no longer listed.
    expect((await put('/api/team-names/payments', { names: { en: null, 'zh-CN': null } })).status).toBe(200);
    for (const w of [centre, team]) await w.until((m) => m.type === 'update' && m.teamNames !== undefined && m.teamNames.length === 0);
    expect((await put('/api/team-names/payments', { names: { en: null, 'zh-CN': '支付团队' } })).status).toBe(200);
    const zhOnly = [{ team: 'payments', names: { en: null, 'zh-CN': '支付团队' } }];
    for (const w of [centre, team]) await w.until((m) => m.type === 'update' && JSON.stringify(m.teamNames) === JSON.stringify(zhOnly));

    // A page that connects later has them in its snapshot.
    const later = wall(display);
    expect((await later.until((m) => m.type === 'snapshot')).teamNames).toEqual(zhOnly);

    // Another change (targets): its update brings no names, which have not changed since each page had them.
    const before = centre.messages.length;
    expect((await put('/api/targets', { 'csat.pct': { warn: 95, critical: 90 } })).status).toBe(200);
    await centre.until((m) => m.type === 'update' && m.targets['csat.pct']!.warn === 95);
    await later.until((m) => m.type === 'update' && m.targets['csat.pct']!.warn === 95);
    expect(centre.messages.slice(before).some((m) => 'teamNames' in m)).toBe(false);
    expect(later.messages.slice(1).some((m) => 'teamNames' in m)).toBe(false);
  });
});
