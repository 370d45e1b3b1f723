// The SLA policies page's reading of GET /api/sla-policies: which version is in effect, what an empty cell means,
// what a save sends, and where a 400 is shown.
import { describe, expect, it } from 'vitest';
import { faultsByCell, gridOf, inherited, rulesOf, versionsAt, type SlaPolicies, type SlaVersion } from '../../web/lib/admin/sla-policy';

const defaults = { urgent: 300, high: 1800, normal: 7200, low: 28800 };
const version = (effectiveFrom: number, rules: SlaVersion['rules'] = []): SlaVersion => ({ effectiveFrom, setBy: 'admin', setAt: effectiveFrom - 300_000, rules });

describe('SLA policy versions', () => {
  it('takes the first version no later than the server\'s now as in effect, and newer ones as pending', () => {
    const policies: SlaPolicies = { defaults, now: 2_000, versions: [version(3_000), version(2_000), version(1_000)] };
    const { inEffect, pending } = versionsAt(policies);
    expect(inEffect?.effectiveFrom).toBe(2_000);
    expect(pending.map((v) => v.effectiveFrom)).toEqual([3_000]);
  });

  it('has none in effect before the first version takes effect, and none at all on a new database', () => {
    expect(versionsAt({ defaults, now: 1, versions: [version(3_000)] })).toEqual({ inEffect: null, pending: [version(3_000)] });
    expect(versionsAt({ defaults, now: 1, versions: [] })).toEqual({ inEffect: null, pending: [] });
  });
});

describe('the SLA grid', () => {
  const rules: SlaVersion['rules'] = [
    { priority: 'urgent', channel: 'chat', targetSec: 120 },
    { priority: 'high', channel: null, targetSec: 900 }
  ];

  it('sends back the rules it was shown, every channel as null, and nothing for an empty cell', () => {
    const grid = gridOf(rules);
    expect(grid['urgent.chat']).toBe(120);
    expect(grid['urgent.any']).toBeNull();
    expect(rulesOf(grid).map((r) => r.rule)).toEqual([
      { priority: 'urgent', channel: 'chat', targetSec: 120 },
      { priority: 'high', channel: null, targetSec: 900 }
    ]);
    expect(rulesOf(gridOf([]))).toEqual([]);
  });

  it('says an empty cell takes its row\'s every-channel value, else the SPEC default', () => {
    const grid = gridOf(rules);
    expect(inherited(grid, defaults, 'high', 'email')).toEqual({ targetSec: 900, from: 'everyChannel' });
    expect(inherited(grid, defaults, 'high', null)).toEqual({ targetSec: 1800, from: 'default' });
    expect(inherited(grid, defaults, 'urgent', 'email')).toEqual({ targetSec: 300, from: 'default' });
  });

  it('shows a 400 at the cell of the rule its path names, and a fault of the body at the form', () => {
    const sent = rulesOf(gridOf(rules)).map((r) => r.cell);
    const faults = faultsByCell(
      [
        { path: 'rules.1.targetSec', message: 'must be an integer from 1 to 2592000' },
        { path: '', message: 'body is not JSON' },
        { path: 'rules.7.channel', message: 'unknown channel' }
      ],
      sent
    );
    expect(faults).toEqual({ 'high.any': 'must be an integer from 1 to 2592000', '': 'body is not JSON; unknown channel' });
    // A cell's value told in the page's language; any other fault in the server's words.
    expect(faultsByCell([{ path: 'rules.1.targetSec', message: 'must be at least 1 second' }, { path: 'rules.0', message: 'a second rule' }], sent, '应为整数秒')).toEqual({
      'high.any': '应为整数秒',
      'urgent.chat': 'a second rule'
    });
  });
});
