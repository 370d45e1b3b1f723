// The SLA policies an admin saved are kept in the database as versions: they outlive a restart, and a save at the
// minute of a pending version replaces it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../db/open';
import { getSlaPolicies, slaPolicyVersions } from '../../api/queries/getSlaPolicies';
import { saveSlaPolicy } from '../../api/sla/saveSlaPolicy';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const MIN = 60_000;

describe('SLA policies in the database', () => {
  it('keeps every version across a restart, newest first, and a save in the minute of the pending one replaces it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fb-sla-')), 'floor.sqlite');
    const first = openDb(path);
    expect(getSlaPolicies(first.$client, NOW)).toEqual({ defaults: { urgent: 300, high: 1800, normal: 7200, low: 28800 }, now: NOW, versions: [] });
    expect(saveSlaPolicy(first.$client, [{ priority: 'urgent', channel: 'chat', targetSec: 120 }], 'ann', NOW)).toBe(NOW + 6 * MIN);
    expect(saveSlaPolicy(first.$client, [{ priority: 'high', channel: null, targetSec: 900 }], 'bob', NOW + 10 * MIN)).toBe(NOW + 16 * MIN);
    // 20 s later: the same minute, so the typo is corrected, not stacked.
    expect(saveSlaPolicy(first.$client, [{ priority: 'high', channel: null, targetSec: 600 }], 'bob', NOW + 10 * MIN + 20_000)).toBe(NOW + 16 * MIN);
    first.$client.close();

    const again = openDb(path);
    expect(getSlaPolicies(again.$client, NOW + 11 * MIN).versions).toEqual([
      { effectiveFrom: NOW + 16 * MIN, setBy: 'bob', setAt: NOW + 10 * MIN + 20_000, rules: [{ priority: 'high', channel: null, targetSec: 600 }] },
      { effectiveFrom: NOW + 6 * MIN, setBy: 'ann', setAt: NOW, rules: [{ priority: 'urgent', channel: 'chat', targetSec: 120 }] }
    ]);
    expect(slaPolicyVersions(again.$client).map((v) => v.effectiveFrom)).toEqual([NOW + 6 * MIN, NOW + 16 * MIN]);
    again.$client.close();
  });
});
