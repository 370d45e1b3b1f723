// The KPI targets an admin set are kept in the database: they outlive a restart, and every KPI never set keeps
// its default (api/kpi/targets.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../db/open';
import { DEFAULT_KPI_TARGETS } from '../../api/kpi/targets';
import { getKpiTargets } from '../../api/queries/getKpiTargets';
import { setKpiTargets } from '../../api/targets/setKpiTargets';

const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('KPI targets in the database', () => {
  it('keeps an admin\'s targets across a restart, the defaults for the rest, and a reset brings the default back', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-targets-')), 'floor.sqlite');
    const first = openDb(path);
    expect(Object.values(getKpiTargets(first.$client)).every((t) => t.isDefault)).toBe(true);
    setKpiTargets(first.$client, { 'csat.pct': { warn: 85, critical: 60 }, 'backlog.unattended': { warn: 10, critical: 30 } }, 'admin', NOW);
    first.$client.close();

    const again = openDb(path);
    const targets = getKpiTargets(again.$client);
    expect(Object.keys(targets)).toEqual(Object.keys(DEFAULT_KPI_TARGETS));
    expect(targets['csat.pct']).toEqual({ higherIsBetter: true, warn: 85, critical: 60, isDefault: false, default: { warn: 80, critical: 70 } });
    expect(targets['backlog.unattended']).toMatchObject({ warn: 10, critical: 30, isDefault: false });
    for (const [kpi, d] of Object.entries(DEFAULT_KPI_TARGETS))
      if (kpi !== 'csat.pct' && kpi !== 'backlog.unattended') expect(targets[kpi], kpi).toMatchObject({ ...d, isDefault: true });

    setKpiTargets(again.$client, { 'csat.pct': null }, 'admin', NOW + 1000);
    expect(getKpiTargets(again.$client)['csat.pct']).toMatchObject({ warn: 80, critical: 70, isDefault: true });
    expect(getKpiTargets(again.$client)['backlog.unattended']).toMatchObject({ warn: 10, critical: 30, isDefault: false });
    again.$client.close();
  });
});
