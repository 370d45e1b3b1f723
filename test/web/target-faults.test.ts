// The KPI targets page tells a refused value at its field in the page's language, from what was typed, where it
// showed the server's English ("expected a number, got null" for a field left empty).
import { afterEach, describe, expect, it } from 'vitest';
import { targetFault, type Typed } from '../../web/lib/admin/target-faults';
import { setLocale } from '../../web/lib/i18n';

const p50 = (warn: Typed['warn'], critical: Typed['critical']): Record<string, Typed> => ({
  'firstResponse.p50Sec': { warn, critical, higherIsBetter: false, default: { warn: 600, critical: 1800 } }
});
const csat = (warn: Typed['warn'], critical: Typed['critical']): Record<string, Typed> => ({
  'csat.pct': { warn, critical, higherIsBetter: true, default: { warn: 80, critical: 70 } }
});

afterEach(() => setLocale('en'));

describe('a refused KPI target, in the page\'s words', () => {
  it('says in Chinese what to type, for an emptied field, a fraction of a second, a percentage past 100 and a negative count', () => {
    setLocale('zh-CN');
    expect(targetFault('firstResponse.p50Sec.warn', 'expected a number, got null', p50(null, 1800))).toBe('请在此输入数值；默认值为 600。');
    expect(targetFault('firstResponse.p50Sec.warn', 'expected a whole number of seconds', p50(2.5, 1800))).toBe('应为不小于 0 的整数秒。');
    expect(targetFault('csat.pct.warn', 'must be at most 100', csat(120, 70))).toBe('应为 0 到 100 之间的百分比。');
    expect(
      targetFault('backlog.unattended.warn', 'must be at least 0', { 'backlog.unattended': { warn: -3, critical: 50, higherIsBetter: false, default: { warn: 20, critical: 50 } } })
    ).toBe('应为不小于 0 的整数。');
  });

  it('says which way critical must lie from warn, by the KPI\'s direction, with the values typed', () => {
    const server = 'firstResponse.p50Sec: critical (120) must be at least warn (9000): lower is better, so a value turns red only above the warn target';
    expect(targetFault('firstResponse.p50Sec.critical', server, p50(9000, 120))).toBe(
      'Critical (120) must be at least warn (9,000): lower is better, so a tile turns red only past its warn target.'
    );
    setLocale('zh-CN');
    expect(targetFault('csat.pct.critical', 'csat.pct: critical (90) must be at most warn (80)…', csat(80, 90))).toBe(
      '严重阈值（90）不能大于预警阈值（80）：此指标越高越好，低于预警值后才会变红。'
    );
  });

  it('keeps the server\'s words for a fault that is not a field\'s', () => {
    expect(targetFault('csat.pct', 'unknown field "x"', csat(80, 70))).toBe('unknown field "x"');
    expect(targetFault('', 'body is not JSON', csat(80, 70))).toBe('body is not JSON');
  });
});
