// An admin's change of KPI targets reaches every connected wall at once, as an update (no reload), whatever its
// filters; a wall connecting afterwards gets them in its snapshot.
import { describe, expect, it } from 'vitest';
import { DEFAULT_KPI_TARGETS } from '../../api/kpi/targets';
import { endedAfterEach, listenQuiet, recordingWall } from '../helpers/live';

const live = endedAfterEach();

const wall = (token: string, filters?: Record<string, string>) => recordingWall(live, token, filters);

describe('KPI targets on the live feed', () => {
  it('sends an admin\'s new targets to every connected wall at once, and in the snapshot of walls that connect later', async () => {
    const { display, admin, port } = await listenQuiet(live, 'live-targets');

    const centre = wall(display);
    const team = wall(display, { team: 'wallet' });
    await centre.until((m) => m.type === 'snapshot');
    await team.until((m) => m.type === 'snapshot' && m.filters.team === 'wallet');
    expect(centre.messages[0]!.targets).toEqual(DEFAULT_KPI_TARGETS);

    const res = await fetch(`http://127.0.0.1:${port}/api/targets`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ 'csat.pct': { warn: 95, critical: 90 }, 'backlog.unattended': { warn: 3, critical: 8 } })
    });
    expect(res.status).toBe(200);
    const changed = { ...DEFAULT_KPI_TARGETS, 'csat.pct': { higherIsBetter: true, warn: 95, critical: 90 }, 'backlog.unattended': { higherIsBetter: false, warn: 3, critical: 8 } };
    for (const w of [centre, team]) expect((await w.until((m) => m.type === 'update' && m.targets['csat.pct']!.warn === 95)).targets).toEqual(changed);

    const later = wall(display);
    expect((await later.until((m) => m.type === 'snapshot')).targets).toEqual(changed);
  });
});
