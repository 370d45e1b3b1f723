import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { briefDurationParts, durationParts, elapsedParts, formatClock, formatDuration, formatValue, formatZone, onWallClock, formatPct, partsText, pickLocale, setLocale, t, wholePctParts, type ValueKind } from '../../web/lib/i18n';
import { agentRows, callbackRows, handledRule, median, onTimeCell } from '../../web/lib/kpi/agents';
import { DEFAULT_KPI_TARGETS, levelFor } from '../../api/kpi/targets';
import { agentsByStatus, kpiValues } from '../../web/lib/kpi/values';
import { axisDuration, visibleSlots } from '../../web/lib/charts/options';
import { wallOptions } from '../../web/lib/wall/options';
import { tileFigure } from '../../web/lib/wall/tile';
import { LiveFeed, STALE_AFTER_MS, sameJson } from '../../web/lib/live/live.svelte';
import { en } from '../../web/lib/i18n/en';
import { zhCN } from '../../web/lib/i18n/zh-cn';
import { Session } from '../../web/lib/auth/session.svelte';

// As the agents board shows them (digits and units as one text here).
const formatWholePct = (v: number) => partsText(wholePctParts(v));
const formatElapsed = (sec: number) => partsText(elapsedParts(sec));
const formatBriefDuration = (sec: number) => partsText(briefDurationParts(sec));

describe('i18n', () => {
  it('has the same keys in every language', () => expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort()));
  it('formats durations humanely', () => {
    setLocale('en');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(252)).toBe('4m 12s');
    expect(formatDuration(7500)).toBe('2h 05m');
    expect(formatDuration(3 * 86400 + 7200)).toBe('3d 02h');
    expect(partsText(durationParts(1800, true))).toBe('30m');
    expect(formatDuration(null)).toBe('—');
    setLocale('zh-CN');
    expect(formatDuration(252)).toBe('4分12秒');
    expect(formatDuration(7500)).toBe('2小时05分');
    expect(t('wall.stale', { time: '12:00:01' }) + t('wall.staleAge', { age: '2分钟' })).toBe('正在重新连接——数据截至 12:00:01，已过 2分钟');
    setLocale('en');
    expect(t('wall.stale', { time: '12:00:01' }) + t('wall.staleAge', { age: '2m' })).toBe('Reconnecting — figures as of 12:00:01, 2m old');
  });
  it('writes minutes with no seconds after them as 分钟 in Chinese, where 30分 alone reads as 30 points', () => {
    setLocale('zh-CN');
    const target = t('sub.targetMax', { value: formatValue('duration', 1800, true) });
    const age = t('wall.staleAge', { age: partsText(elapsedParts(75)) });
    expect([target, age, formatBriefDuration(15 * 60 + 12), axisDuration(600)]).toEqual(['目标 ≤ 30分钟', '，已过 1分钟', '15分钟', '10分钟']);
    // Minutes before seconds, or after hours, are 分.
    expect([formatDuration(252), formatDuration(7500), axisDuration(5400)]).toEqual(['4分12秒', '2小时05分', '1小时30分']);
    setLocale('en');
    expect([formatValue('duration', 1800, true), formatElapsed(75)]).toEqual(['30m', '1m']);
  });
  it('counts in the singular for exactly one, in English', () => {
    setLocale('en');
    expect([0, 1, 2, 1234].map((n) => t('sub.ratings', { count: n.toLocaleString('en') }, n))).toEqual(['0 ratings', '1 rating', '2 ratings', '1,234 ratings']);
    expect(t('sub.ofFirstResponses', { count: '1' }, 1)).toBe('of 1 first response');
    setLocale('zh-CN');
    expect([1, 2].map((n) => t('sub.ratings', { count: n }, n))).toEqual(['1 条评价', '2 条评价']);
    setLocale('en');
  });
  it('keeps dense board cells short: whole percents, minutes for time in status', () => {
    setLocale('en');
    expect(formatWholePct(76.6)).toBe('77%');
    expect(formatWholePct(99.7)).toBe('99%');
    expect(formatElapsed(45)).toBe('45s');
    expect(formatElapsed(12 * 60 + 39)).toBe('12m');
    expect(formatElapsed(7 * 3600 + 2 * 60 + 5)).toBe('7h 02m');
    expect(formatElapsed(16 * 3600 + 12 * 60)).toBe('16h');
    expect(formatElapsed(2 * 86400 + 5 * 3600)).toBe('2d 05h');
    // First response in an agent's row: seconds while they still matter, whole minutes from 10 minutes on.
    expect(formatBriefDuration(4 * 60 + 54)).toBe('4m 54s');
    expect(formatBriefDuration(15 * 60 + 12)).toBe('15m');
    expect(formatBriefDuration(2 * 3600 + 5 * 60 + 40)).toBe('2h 05m');
    setLocale('zh-CN');
    expect(formatElapsed(12 * 60 + 39)).toBe('12分钟');
    expect(formatBriefDuration(15 * 60 + 12)).toBe('15分钟');
    expect(formatElapsed(16 * 3600 + 12 * 60)).toBe('16小时');
    setLocale('en');
  });
  it('writes every rate to a tenth, a whole one too: 87.0 % beside 94.1 %, not a figure that changes size as it crosses a whole percent', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      setLocale(locale);
      expect([87, 87.04, 94.1, 0.96, 50].map((v) => partsText(tileFigure('pct', v, undefined).parts))).toEqual(['87.0%', '87.0%', '94.1%', '1.0%', '50.0%']);
      // A target is a whole percent, and said as one.
      expect(formatValue('pct', 90, true)).toBe('90%');
    }
    setLocale('en');
  });
  it('never rounds up to a perfect 100 %', () => {
    setLocale('en');
    expect(formatPct(99.97)).toBe('99.9%');
    expect(formatPct(100)).toBe('100.0%');
    expect(formatPct(88.666)).toBe('88.7%');
  });
  it('never rounds a rate that is not zero down to 0 %: one abandoned ticket in 3,000 is not none', () => {
    setLocale('en');
    expect(formatPct(100 / 3000)).toBe('<0.1%');
    expect(formatPct(0.05)).toBe('0.1%');
    expect(formatPct(0)).toBe('0.0%');
    expect(formatWholePct(0.3)).toBe('<1%');
    expect(formatWholePct(0.5)).toBe('1%');
    expect(formatWholePct(0)).toBe('0%');
    setLocale('zh-CN');
    expect(formatPct(0.01)).toBe('<0.1%');
    setLocale('en');
  });
  it('picks the language from ?lang, else the browser', () => {
    expect(pickLocale('zh-CN', 'en-US')).toBe('zh-CN');
    expect(pickLocale('en', 'zh-TW')).toBe('en');
    expect(pickLocale(null, 'zh-HK')).toBe('zh-CN');
    expect(pickLocale(null, 'de-DE')).toBe('en');
    expect(pickLocale(null, ['fr-FR', 'zh-CN', 'en'])).toBe('zh-CN');
    expect(pickLocale('fr', ['de', 'en-GB', 'zh'])).toBe('en');
    expect(pickLocale('en_US', ['zh-CN'])).toBe('en');
  });
});

describe('the wall clock', () => {
  it('tells the time of the KPI day’s zone, as the charts do, whatever the browser’s zone', () => {
    setLocale('en');
    const at = Date.parse('2026-12-02T07:34:20Z');
    expect(formatClock(at, 'Asia/Shanghai')).toBe('15:34:20');
    expect(formatClock(at, 'America/Santiago')).toBe('04:34:20');
    // The zone is named as the locale writes it, by any of its names; one the browser does not know, not at all.
    expect(formatZone(at, 'Asia/Shanghai')).toBe('GMT+8');
    expect(formatZone(at, 'Asia/Calcutta')).toBe('GMT+5:30');
    expect(formatZone(at, 'UTC')).toBe('UTC');
    expect(formatZone(at, 'Not/AZone')).toBe('');
    // A zone this browser does not know falls back to its own clock rather than showing nothing.
    // Its own: not a whole number of hours from UTC's in every zone (India's is 13:04:20).
    const own = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(at);
    expect(formatClock(at, 'Not/AZone')).toBe(own);
  });
});

describe('chart axes', () => {
  it('label durations as the wall writes them, one style up the axis: 0, 30m, 1h, 1h 30m, 2h', () => {
    const ticks = [0, 1800, 3600, 5400, 7200];
    expect(ticks.map(axisDuration)).toEqual(['0', '30m', '1h', '1h 30m', '2h']);
    setLocale('zh-CN');
    expect(ticks.map(axisDuration)).toEqual(['0', '30分钟', '1小时', '1小时30分', '2小时']);
    setLocale('en');
  });
  it('plot times as the centre’s wall clock reads them, so ticks fall on its round hours in any browser', () => {
    // 10:00 in Kolkata is 04:30 UTC: plotted at 10:00, where a UTC tick falls.
    expect(onWallClock(Date.UTC(2026, 11, 5, 4, 30), 'Asia/Kolkata')).toBe(Date.UTC(2026, 11, 5, 10, 0));
    expect(onWallClock(Date.UTC(2026, 11, 5, 2, 0, 0, 250), 'Asia/Shanghai')).toBe(Date.UTC(2026, 11, 5, 10, 0, 0, 250));
    // Across Los Angeles' spring forward: 01:00 PST, then 03:00 PDT an hour later.
    expect(onWallClock(Date.UTC(2026, 2, 8, 9), 'America/Los_Angeles')).toBe(Date.UTC(2026, 2, 8, 1));
    expect(onWallClock(Date.UTC(2026, 2, 8, 10), 'America/Los_Angeles')).toBe(Date.UTC(2026, 2, 8, 3));
    const at = Date.UTC(2026, 11, 5, 4, 30);
    expect(onWallClock(at, 'Not/AZone')).toBe(at - new Date(at).getTimezoneOffset() * 60_000);
  });
});

describe('tile colours', () => {
  const t = DEFAULT_KPI_TARGETS;
  it('are green at exactly the target the tile shows, amber just short of it, red past the critical line', () => {
    expect(levelFor(t['firstResponse.withinTargetPct'], 90)).toBe('ok');
    expect(levelFor(t['firstResponse.withinTargetPct'], 89.9)).toBe('warn');
    expect(levelFor(t['firstResponse.withinTargetPct'], 79.9)).toBe('critical');
    expect(levelFor(t['csat.pct'], 80)).toBe('ok');
    expect(levelFor(t['tickets.abandonedPct'], 5)).toBe('ok');
    expect(levelFor(t['tickets.abandonedPct'], 5.1)).toBe('warn');
    expect(levelFor(t['firstResponse.p50Sec'], 600)).toBe('ok');
    expect(levelFor(t['firstResponse.p50Sec'], 601)).toBe('warn');
  });
  it('are amber, not red, exactly on the critical line: red is past it', () => {
    expect(levelFor(t['firstResponse.withinTargetPct'], 80)).toBe('warn');
    expect(levelFor(t['csat.pct'], 70)).toBe('warn');
    expect(levelFor(t['firstResponse.p50Sec'], 1800)).toBe('warn');
    expect(levelFor(t['firstResponse.p50Sec'], 1801)).toBe('critical');
  });
  it('never show a figure that reads as meeting the target in amber or red: a miss is rounded away from the line', () => {
    setLocale('en');
    const shown = (kpi: string, kind: ValueKind, value: number) => {
      const figure = tileFigure(kind, value, t[kpi]);
      return `${partsText(figure.parts)} ${figure.level}`;
    };
    expect(shown('firstResponse.withinTargetPct', 'pct', 89.96)).toBe('89.9% warn');
    expect(shown('firstResponse.withinTargetPct', 'pct', 90.04)).toBe('90.0% ok');
    expect(shown('firstResponse.withinTargetPct', 'pct', 79.97)).toBe('79.9% critical');
    expect(shown('csat.pct', 'pct', 70)).toBe('70.0% warn');
    expect(shown('tickets.abandonedPct', 'pct', 5.04)).toBe('5.1% warn');
    expect(shown('tickets.abandonedPct', 'pct', 5.05)).toBe('5.1% warn');
    expect(shown('csat.pct', 'pct', 79.95)).toBe('79.9% warn');
    expect(shown('tickets.abandonedPct', 'pct', 4.96)).toBe('5.0% ok');
    expect(shown('tickets.abandonedPct', 'pct', 10.01)).toBe('10.1% critical');
    expect(shown('firstResponse.p50Sec', 'duration', 600.4)).toBe('10m 01s warn');
    expect(shown('firstResponse.p50Sec', 'duration', 600)).toBe('10m 00s ok');
    expect(shown('resolution.p50Sec', 'duration', 4 * 3600 + 30)).toBe('4h 01m warn');
    expect(shown('backlog.oldestUnattendedSec', 'duration', 3600.5)).toBe('1h 01m critical');
    expect(shown('firstResponse.withinTargetPct', 'pct', 0.02)).toBe('<0.1% critical');
    // A figure that already reads as a miss is shown as always: the same as the p90 tile beside it shows it.
    expect(shown('firstResponse.p50Sec', 'duration', 605.5)).toBe('10m 05s warn');
    expect(shown('backlog.oldestUnattendedSec', 'duration', 40 * 86400 + 21)).toBe('40d 00h critical');
    expect(shown('tickets.abandonedPct', 'pct', 7.04)).toBe('7.0% warn');
    setLocale('zh-CN');
    expect(shown('firstResponse.p50Sec', 'duration', 600.4)).toBe('10分01秒 warn');
    setLocale('en');
  });
  it('agree with the figure shown, read back as a number, at any value near a line', () => {
    setLocale('en');
    const readBack = (kind: ValueKind, text: string) =>
      kind === 'pct' ? Number(text.replace('%', '')) : [...text.matchAll(/(\d+)([dhms])/g)].reduce((sum, [, n, u]) => sum + Number(n) * { d: 86400, h: 3600, m: 60, s: 1 }[u as 'd'], 0);
    const kinds: [string, ValueKind, number][] = [['firstResponse.withinTargetPct', 'pct', 0.001], ['tickets.abandonedPct', 'pct', 0.001], ['firstResponse.p50Sec', 'duration', 0.01], ['resolution.p50Sec', 'duration', 0.6]];
    for (const [kpi, kind, step] of kinds)
      for (const line of [t[kpi].warn, t[kpi].critical])
        for (let i = -2000; i <= 2000; i++) {
          const figure = tileFigure(kind, line + i * step, t[kpi]);
          expect([kpi, line + i * step, levelFor(t[kpi], readBack(kind, partsText(figure.parts)))]).toEqual([kpi, line + i * step, figure.level]);
        }
  });
  it('make one overdue callback amber and five red: none is the target', () => {
    expect([0, 1, 4, 5].map((n) => levelFor(t['backlog.callbacksOverdue'], n))).toEqual(['ok', 'warn', 'warn', 'critical']);
    expect(levelFor(t['csat.pct'], null)).toBe('none');
  });
});

describe('wall options', () => {
  it('reads team, rotate, page and token', () => {
    expect(wallOptions(new URLSearchParams('team=cards&rotate=30&page=agents&token=abc'))).toEqual({ team: 'cards', rotateSec: 30, page: 'agents', token: 'abc' });
    expect(wallOptions(new URLSearchParams('rotate=1&page=nope'))).toMatchObject({ rotateSec: 5, page: 'overview', team: null, token: null });
    expect(wallOptions(new URLSearchParams('rotate=abc')).rotateSec).toBeNull();
    // A browser fires a timer of over 2^31 - 1 ms (24.8 days) at once: ?rotate=9999999 flipped pages without end.
    expect(wallOptions(new URLSearchParams('rotate=9999999')).rotateSec).toBe(86_400);
  });
});

const agent = (id: string, over: Record<string, unknown> = {}) => ({
  agent: id, name: id, team: 'a', status: 'busy', statusSince: null, open: 0,
  firstResponse: { count: 5, avgSec: 300, p50Sec: 300, p90Sec: 600, withinTarget: 5, breached: 0 },
  resolution: { count: 20, avgSec: 1, p50Sec: 1, p90Sec: 1 },
  csat: { responses: 10, positive: 9, pct: 90, avg: 4.5 },
  callbacks: { scheduled: 0, attempts: 0, connected: 0, completed: 0, completedOnTime: 0, confirmed: 0 },
  ...over
}) as any;

describe('agents board', () => {
  const targets = DEFAULT_KPI_TARGETS;
  it('medians', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
  const frt = (p50Sec: number) => ({ firstResponse: { ...agent('x').firstResponse, p50Sec } });
  const csat = (pct: number, responses = 10) => ({ csat: { responses, positive: (pct * responses) / 100, pct, avg: 4 } });
  it('flags agents past the admin\'s targets, those first, with their team\'s median beside', () => {
    const rows = agentRows([agent('b'), agent('c'), agent('slow', frt(900)), agent('d')], targets);
    expect(rows[0].agent.agent).toBe('slow');
    expect(rows[0].firstResponseP50).toMatchObject({ level: 'warn', by: 'target', median: 300 });
    expect(rows[0].level).toBe('warn');
    expect(rows.slice(1).every((r) => r.level === 'ok')).toBe(true);
    const strict = { ...targets, 'firstResponse.p50Sec': { ...targets['firstResponse.p50Sec'], critical: 800 } };
    expect(agentRows([agent('slow', frt(900))], strict)[0].level).toBe('critical');
  });
  it('flags a team slow together, each at its median, where a comparison with the team saw nothing', () => {
    const rows = agentRows(['a', 'b', 'c'].map((id) => agent(id, { ...frt(1500), ...csat(60) })), targets);
    expect(rows.map((r) => [r.firstResponseP50.level, r.csat.level, r.firstResponseP50.median])).toEqual(Array(3).fill(['warn', 'critical', 1500]));
  });
  it('lists those on shift first: an agent gone home is no one to help now, however their day went', () => {
    const home = agent('home', { status: 'offline', ...csat(40) });
    const rows = agentRows([agent('b'), home, agent('c'), agent('slow', { status: 'away', ...frt(900) }), agent('d')], targets);
    expect(rows.map((r) => r.agent.agent)).toEqual(['slow', 'b', 'c', 'd', 'home']);
    expect(rows.at(-1)!.level).toBe('critical');
  });
  it('never shows a figure that reads on the better side of the target than its colour', () => {
    const row = (over: Record<string, unknown>) => agentRows([agent('a', over)], targets)[0];
    // 10 min 30 s is "10m" to the minute: amber beside "target ≤ 10m" unless shown as 11 minutes.
    expect(row(frt(630)).firstResponseP50).toMatchObject({ level: 'warn', shown: 660 });
    expect(row(frt(590)).firstResponseP50).toMatchObject({ level: 'ok', shown: 590 });
    expect(row(frt(1500)).firstResponseP50.shown).toBe(1500);
    // 79.6 % is "80%": amber beside "target ≥ 80 %" unless shown as 79 %.
    expect(row(csat(79.6)).csat).toMatchObject({ level: 'warn', shown: 79 });
    expect(row(csat(80.4)).csat).toMatchObject({ level: 'ok', shown: 80.4 });
  });
  it('colours no satisfaction over fewer than three ratings, and no volume against a team of fewer than three', () => {
    expect(agentRows([agent('a', csat(0, 2))], targets)[0].csat).toMatchObject({ level: 'none', shown: 0 });
    const rows = agentRows([agent('a1', { resolution: { ...agent('x').resolution, count: 0 } }), agent('a2', frt(9000))], targets);
    expect(rows.map((r) => [r.agent.agent, r.handled.level, r.firstResponseP50.level])).toEqual([['a2', 'none', 'critical'], ['a1', 'none', 'ok']]);
  });
  it('warns on tickets handled at half the team\'s median or less, the rule its heading says in each language', () => {
    const handled = (count: number) => ({ resolution: { ...agent('x').resolution, count } });
    const levels = (last: number) => agentRows([agent('a', handled(20)), agent('b', handled(20)), agent('c', handled(20)), agent('d', handled(last))], targets).find((r) => r.agent.agent === 'd')!.handled.level;
    // The team's median is 20: 10 is half, amber; 11 is more than half.
    expect(levels(10)).toBe('warn');
    expect(levels(11)).toBe('ok');
    setLocale('en');
    expect(handledRule()).toBe('>\u00a0½ team median');
    setLocale('zh-CN');
    expect(handledRule()).toBe('>\u00a0½ 团队\u200b中位数');
    setLocale('en');
  });
  it('lists names in the order of the wall\'s language, numbers by value: pinyin in Chinese whatever the browser\'s own language', () => {
    const named = (names: string[]) => names.map((name, i) => agent(`id${i}`, { name }));
    setLocale('zh-CN');
    const chinese = named(['张伟', '王芳', '陈静', '李娜']);
    expect(agentRows(chinese, targets).map((r) => r.agent.name)).toEqual(['陈静', '李娜', '王芳', '张伟']);
    expect(callbackRows(chinese.map((a: any) => ({ ...a, callbacks: { ...a.callbacks, attempts: 1 } })), 10).shown.map((a) => a.name)).toEqual(['陈静', '李娜', '王芳', '张伟']);
    setLocale('en');
    expect(agentRows(named(['Agent 16', 'Agent 8', 'Agent 100']), targets).map((r) => r.agent.name)).toEqual(['Agent 8', 'Agent 16', 'Agent 100']);
  });
  it('colours an agent\'s callbacks on time by the target once three are completed, never reading better than the colour', () => {
    const done = (completed: number, completedOnTime: number) => agent('a', { callbacks: { ...agent('x').callbacks, completed, completedOnTime } });
    const target = targets['callbacks.onTimePct'];
    expect(onTimeCell(done(4, 1), target)).toEqual({ level: 'critical', shown: 25 });
    expect(onTimeCell(done(4, 4), target)).toEqual({ level: 'ok', shown: 100 });
    expect(onTimeCell(done(2, 0), target)).toEqual({ level: 'none', shown: 0 });
    expect(onTimeCell(done(0, 0), target)).toEqual({ level: 'none', shown: null });
    // 89.6 % is "90%": amber beside "target ≥ 90 %" unless shown as 89 %.
    expect(onTimeCell(done(250, 224), target)).toEqual({ level: 'warn', shown: 89 });
  });
  it('lists the agents doing callback work, most attempts first, and says how many did not fit', () => {
    const cb = (scheduled: number, attempts: number, completed: number) => ({ callbacks: { ...agent('x').callbacks, scheduled, attempts, completed } });
    const agents = [agent('idle'), agent('b', cb(1, 2, 1)), agent('a', cb(0, 2, 1)), agent('c', cb(0, 2, 2)), agent('d', cb(3, 0, 0)), agent('e', cb(0, 5, 0))];
    expect(callbackRows(agents, 10).shown.map((a) => a.agent)).toEqual(['e', 'c', 'a', 'b', 'd']);
    expect(callbackRows(agents, 10).hidden).toBe(0);
    const cut = callbackRows(agents, 3);
    expect(cut.shown.map((a) => a.agent)).toEqual(['e', 'c', 'a']);
    expect(cut.hidden).toBe(2);
    expect(callbackRows([agent('idle')], 3)).toEqual({ shown: [], hidden: 0 });
  });
  it('counts agents by status, one who never sent a status as unknown, not offline', () => {
    expect(agentsByStatus([agent('a'), agent('b', { status: 'available' }), agent('c', { status: null })])).toEqual({ available: 1, busy: 1, away: 0, offline: 0, unknown: 1 });
  });
});

describe('kpi values', () => {
  it('derives the ratios, null when there is nothing to divide', () => {
    const k: any = {
      tickets: { created: 200, resolved: 0, reopened: 0, escalated: 0, abandoned: 10 },
      firstResponse: { count: 50, avgSec: null, p50Sec: 60, p90Sec: 120, withinTarget: 45, breached: 5 },
      resolution: { count: 0, avgSec: null, p50Sec: null, p90Sec: null },
      csat: { responses: 0, positive: 0, pct: null, avg: null },
      callbacks: { scheduled: 0, attempts: 0, connected: 0, completed: 0, completedOnTime: 0, confirmed: 0 },
      backlog: { open: 1, unassigned: 0, unattended: 0, oldestUnattendedSec: null, callbacksPending: 0, callbacksOverdue: 0 }
    };
    const v = kpiValues(k);
    expect(v['firstResponse.withinTargetPct']).toBe(90);
    // Abandoned out of the contacts that met an end in the queue (an agent's first response, or the customer leaving).
    expect(v['tickets.abandonedPct']).toBeCloseTo((100 * 10) / 60, 9);
    expect(v['callbacks.onTimePct']).toBeNull();
  });

  it('never reads abandonment over 100 %: just after midnight, two chats of last night left and one came in', () => {
    const k: any = {
      tickets: { created: 1, resolved: 0, reopened: 0, escalated: 0, abandoned: 2 },
      firstResponse: { count: 0, avgSec: null, p50Sec: null, p90Sec: null, withinTarget: 0, breached: 0 },
      resolution: { count: 0, avgSec: null, p50Sec: null, p90Sec: null },
      csat: { responses: 0, positive: 0, pct: null, avg: null },
      callbacks: { scheduled: 0, attempts: 0, connected: 0, completed: 0, completedOnTime: 0, confirmed: 0 },
      backlog: { open: 1, unassigned: 1, unattended: 1, oldestUnattendedSec: 30, callbacksPending: 0, callbacksOverdue: 0 }
    };
    expect(kpiValues(k)['tickets.abandonedPct']).toBe(100);
    expect(kpiValues({ ...k, tickets: { ...k.tickets, abandoned: 0 } })['tickets.abandonedPct']).toBeNull();
  });
});

describe('chart window', () => {
  it('starts an hour before the day got busy and shows at least four hours', () => {
    const from = '2026-11-24T00:00:00Z';
    const created = Array.from({ length: 60 }, (_, i) => (i >= 32 ? 20 : 0));
    const s = { slotMs: 900000, from, created, resolved: created, firstResponseP90Sec: [], backlog: [] };
    const w = visibleSlots(s, '2026-11-24T14:55:00Z');
    expect(w.last).toBe(59);
    expect(w.first).toBe(28);
    expect(visibleSlots({ ...s, created: [], resolved: [] }, '2026-11-24T02:00:00Z')).toMatchObject({ first: 0, last: 8 });
  });
});

class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  sent: string[] = [];
  closed = false;
  constructor(public url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.();
  }
  message(msg: object) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop(code = 1006) {
    this.onclose?.({ code });
  }
}

const snapshot = (seq: number, filters = {}) => ({
  type: seq === 1 ? 'snapshot' : 'update', seq, at: new Date().toISOString(), timezone: 'UTC', filters,
  windows: { today: {} as any, lastHour: {} as any }, agents: [], targets: {},
  series: { slotMs: 900000, from: new Date().toISOString(), created: [], resolved: [], firstResponseP90Sec: [], backlog: [] }
});

describe('LiveFeed', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal('location', { protocol: 'https:', host: 'wall.example' });
    vi.stubGlobal('window', { addEventListener: vi.fn(), removeEventListener: vi.fn() });
    vi.stubGlobal('fetch', vi.fn(async () => ({ status: 401 })));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('counts on a team\'s wall its own agents and those of no known team who worked for it, as its board lists them', () => {
    const feed = new LiveFeed({ filters: { team: 'cards' } });
    const stop = feed.listen();
    FakeSocket.all[0].open();
    const agents = [agent('a', { team: 'cards' }), agent('b', { team: null, status: null }), agent('c', { team: null, status: 'away' }), agent('d', { team: 'risk' })];
    FakeSocket.all[0].message({ ...snapshot(1, { team: 'cards' }), agents });
    expect(feed.agentCounts).toEqual({ available: 0, busy: 1, away: 1, offline: 0, unknown: 1 });
    stop();
  });
  it('passes the token, subscribes, goes stale after silence, reconnects and clears once data arrives', async () => {
    const feed = new LiveFeed({ filters: { team: 'cards' }, token: 'a b' });
    const stop = feed.listen();
    const first = FakeSocket.all[0];
    expect(first.url).toBe('wss://wall.example/api/live?token=a%20b');
    first.open();
    expect(JSON.parse(first.sent[0])).toEqual({ type: 'subscribe', filters: { team: 'cards' } });
    first.message(snapshot(1, {}));
    expect(feed.message).toBeNull(); // unscoped data is never shown on a team wall
    first.message(snapshot(2, { team: 'cards' }));
    expect(feed.fresh).toBe(true);
    expect(feed.stale).toBe(false);
    vi.advanceTimersByTime(STALE_AFTER_MS + 1000);
    expect(feed.stale).toBe(true);
    expect(first.closed).toBe(true);
    expect(feed.message?.seq).toBe(2);
    vi.advanceTimersByTime(600);
    const second = FakeSocket.all[1];
    expect(second).toBeDefined();
    second.open();
    second.message(snapshot(1, { team: 'cards' }));
    expect(feed.stale).toBe(false);
    stop();
    expect(second.closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all.length).toBe(2);
  });

  it('backs off exponentially up to about ten seconds', () => {
    const feed = new LiveFeed();
    const stop = feed.listen();
    const gaps: number[] = [];
    for (let i = 0; i < 10; i++) {
      const n = FakeSocket.all.length;
      FakeSocket.all[n - 1].drop();
      let waited = 0;
      while (FakeSocket.all.length === n) {
        vi.advanceTimersByTime(50);
        waited += 50;
      }
      gaps.push(waited);
    }
    expect(gaps[0]).toBeLessThanOrEqual(550);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10_050);
    expect(gaps[9]).toBeGreaterThanOrEqual(5000);
    stop();
  });

  it('shows "not authorised" when the server refuses the socket', async () => {
    const feed = new LiveFeed();
    const stop = feed.listen();
    FakeSocket.all[0].drop(1006);
    vi.advanceTimersByTime(1000);
    FakeSocket.all[1].drop(1006);
    await vi.waitFor(() => expect(feed.unauthorised).toBe(true));
    stop();
    const other = new LiveFeed();
    const stop2 = other.listen();
    FakeSocket.all.at(-1)!.drop(4401);
    expect(other.unauthorised).toBe(true);
    stop2();
  });

  it('says so when a wall that was showing figures is signed out or its token revoked, instead of only reconnecting', async () => {
    const feed = new LiveFeed({ token: 'revoked' });
    const stop = feed.listen();
    FakeSocket.all[0].message(snapshot(1));
    // The server ends a live feed whose token was deleted or whose session ended with 4401.
    FakeSocket.all[0].drop(4401);
    expect(feed.stale).toBe(true);
    expect(feed.unauthorised).toBe(true);
    stop();
    // A server restarted since refuses the handshake itself: the browser sees only 1006, and a plain GET says why.
    const other = new LiveFeed({ token: 'revoked' });
    const stop2 = other.listen();
    FakeSocket.all.at(-1)!.message(snapshot(1));
    FakeSocket.all.at(-1)!.drop(1006);
    for (let i = 0; i < 2; i++) {
      const n = FakeSocket.all.length;
      while (FakeSocket.all.length === n) vi.advanceTimersByTime(50);
      FakeSocket.all.at(-1)!.drop(1006);
    }
    await vi.waitFor(() => expect(other.unauthorised).toBe(true));
    expect(other.message?.seq).toBe(1);
    stop2();
  });

  it('says a proxy must pass on Host when the server takes its page for another site\'s (4409), and keeps trying', () => {
    const feed = new LiveFeed();
    const stop = feed.listen();
    FakeSocket.all[0].open();
    FakeSocket.all[0].drop(4409);
    expect(feed.refusal).toBe('otherSite');
    expect(feed.unauthorised).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.all.length).toBe(2);
    FakeSocket.all[1].open();
    FakeSocket.all[1].message(snapshot(1));
    expect(feed.refusal).toBeNull();
    stop();
  });

  it('does not blame the token when the server accepts it but handshakes still fail (426 to a plain GET)', async () => {
    const probed = vi.fn(async () => ({ status: 426 }));
    vi.stubGlobal('fetch', probed);
    const feed = new LiveFeed();
    const stop = feed.listen();
    FakeSocket.all[0].drop(1006);
    vi.advanceTimersByTime(1000);
    FakeSocket.all[1].drop(1006);
    await vi.waitFor(() => expect(probed).toHaveBeenCalled());
    await Promise.resolve();
    expect(feed.unauthorised).toBe(false);
    stop();
  });

  it('asks again why its handshakes fail when a check hangs (a proxy that holds the GET), and says the token is refused', async () => {
    // The first check is held unanswered for as long as nothing aborts it; the ones after are answered 401.
    const probed = vi.fn(
      (_url: string, init?: { signal?: AbortSignal }) =>
        probed.mock.calls.length > 1
          ? Promise.resolve({ status: 401 })
          : new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))
    );
    vi.stubGlobal('fetch', probed);
    const feed = new LiveFeed({ token: 'revoked' });
    const stop = feed.listen();
    // Two minutes of handshakes refused: with the first check never ending, no other was made, and it said "Connecting…".
    let dropped = 0;
    for (let waited = 0; waited < 120_000; waited += 50) {
      while (dropped < FakeSocket.all.length) FakeSocket.all[dropped++].drop(1006);
      vi.advanceTimersByTime(50);
      await Promise.resolve();
    }
    await vi.waitFor(() => expect(feed.unauthorised).toBe(true));
    expect(probed.mock.calls.length).toBeGreaterThan(1);
    stop();
  });

  it('says a proxy is not passing WebSockets on once two checks in a row find the server serving it (426), not after one', async () => {
    const probed = vi.fn(async () => ({ status: 426, text: async () => '' }));
    vi.stubGlobal('fetch', probed);
    const feed = new LiveFeed();
    const stop = feed.listen();
    const failAgain = async (times: number) => {
      for (let i = 0; i < times; i++) {
        const n = FakeSocket.all.length;
        FakeSocket.all.at(-1)!.drop(1006);
        await vi.waitFor(() => expect(probed.mock.calls.length).toBeGreaterThanOrEqual(Math.max(0, n - 1)));
        while (FakeSocket.all.length === n) vi.advanceTimersByTime(50);
      }
    };
    await failAgain(2);
    expect(feed.refusal).toBeNull();
    await failAgain(1);
    await vi.waitFor(() => expect(feed.refusal).toBe('noUpgrade'));
    expect(feed.unauthorised).toBe(false);
    FakeSocket.all.at(-1)!.open();
    FakeSocket.all.at(-1)!.message(snapshot(1));
    expect(feed.refusal).toBeNull();
    stop();
  });

  it('keeps the series and targets objects of the last message while their content is the same', () => {
    const feed = new LiveFeed();
    const stop = feed.listen();
    const socket = FakeSocket.all[0];
    socket.message(snapshot(1));
    const { series, targets } = feed.message!;
    socket.message(snapshot(2));
    expect(feed.message?.seq).toBe(2);
    expect(feed.message?.series).toBe(series);
    expect(feed.message?.targets).toBe(targets);
    const busier = snapshot(3);
    busier.series.backlog = [[Date.now(), 4] as never];
    socket.message(busier);
    expect(feed.message?.series).not.toBe(series);
    expect(feed.message?.series.backlog).toEqual([[Date.now(), 4]]);
    expect(feed.message?.targets).toBe(targets);
    stop();
  });

  it('compares parsed JSON deeply', () => {
    expect(sameJson({ a: [1, null, { b: 'x' }] }, { a: [1, null, { b: 'x' }] })).toBe(true);
    expect(sameJson({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson(null, {})).toBe(false);
    expect(sameJson([[1, 2]], [[1, 3]])).toBe(false);
  });

  it('tells time by the server’s clock, not by a wall whose own clock is minutes off', () => {
    // The TV's clock is five minutes fast; the server stamps its messages with the right time.
    vi.setSystemTime(new Date('2026-11-24T10:05:00Z'));
    const feed = new LiveFeed();
    const stop = feed.listen();
    FakeSocket.all[0].message({ ...snapshot(1), at: '2026-11-24T10:00:00.000Z' });
    expect(feed.secondsSinceAt).toBe(0);
    expect(feed.clock).toBe(Date.parse('2026-11-24T10:00:00Z'));
    vi.advanceTimersByTime(3000);
    expect(feed.secondsSinceAt).toBe(3);
    expect(feed.clock).toBe(Date.parse('2026-11-24T10:00:03Z'));
    stop();
  });

  it('goes stale after silence and says how old its figures are when the TV\'s clock is put back meanwhile', () => {
    // A TV that booted with its clock an hour fast is put right by NTP while the wall runs.
    vi.setSystemTime(new Date('2026-11-24T10:00:00Z'));
    const feed = new LiveFeed();
    const stop = feed.listen();
    FakeSocket.all[0].message(snapshot(1));
    vi.setSystemTime(new Date('2026-11-24T09:00:00Z'));
    vi.advanceTimersByTime(2000);
    expect(feed.clock).toBe(Date.parse(feed.message!.at) + 2000);
    vi.advanceTimersByTime(STALE_AFTER_MS - 1000);
    expect(feed.stale).toBe(true);
    expect(feed.staleForSec).toBe(13);
    stop();
  });

  it('counts the time a machine slept in the age of its figures', () => {
    vi.setSystemTime(new Date('2026-11-24T10:00:00Z'));
    const feed = new LiveFeed();
    const stop = feed.listen();
    FakeSocket.all[0].message(snapshot(1));
    FakeSocket.all[0].drop();
    vi.advanceTimersByTime(1000);
    expect(feed.staleForSec).toBe(1);
    // Asleep for two hours: no timer ran, and performance.now() stood still.
    vi.setSystemTime(Date.now() + 2 * 3_600_000);
    vi.advanceTimersByTime(1000);
    expect(feed.staleForSec).toBe(2 * 3600 + 2);
    stop();
  });

  it('counts the oldest wait up from the message time, frozen once stale', () => {
    vi.setSystemTime(new Date('2026-11-24T10:00:00Z'));
    const feed = new LiveFeed();
    const stop = feed.listen();
    FakeSocket.all[0].message(snapshot(1));
    vi.advanceTimersByTime(5000);
    expect(feed.secondsSinceAt).toBe(5);
    vi.advanceTimersByTime(STALE_AFTER_MS);
    expect(feed.stale).toBe(true);
    expect(feed.secondsSinceAt).toBe(0);
    stop();
  });
});

describe('signing in', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('blames the name or password only for a 401, or a 400 for one no user has: a server that cannot sign anyone in now (503, a full disk) says so', async () => {
    const session = new Session();
    vi.stubGlobal('fetch', vi.fn(async () => ({ ok: false, status: 503, json: async () => ({ error: 'unavailable' }) })));
    await session.login('admin', 'right-password');
    expect(session.error).toBe('failed');
    expect(session.errorStatus).toBe(503);
    setLocale('en');
    expect(t('landing.loginFailed', { status: 503 })).toMatch(/could not sign you in \(503\)\. Try again/);
    vi.stubGlobal('fetch', vi.fn(async () => ({ ok: false, status: 401, json: async () => ({ error: 'unauthorized' }) })));
    await session.login('admin', 'wrong-password');
    expect(session.error).toBe('wrong');
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await session.login('admin', 'right-password');
    expect(session.error).toBe('unreachable');
  });
});
