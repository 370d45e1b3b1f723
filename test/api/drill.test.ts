// GET /api/drill: the tickets and callbacks behind a number of /api/kpis, a page at a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app';
import { DRILL_MEASURES } from '../helpers/random-events';

const MEASURES = DRILL_MEASURES;
const NOW = Date.parse('2026-11-24T12:00:00Z');
const m = (minutes: number) => NOW - 6 * 3_600_000 + minutes * 60_000; // 06:00Z + minutes
let n = 0;
const e = (type: string, minutes: number, fields: Record<string, unknown>) => ({ id: `d${++n}`, type, at: m(minutes), ...fields });

/** Tickets of two teams answered by ann and bob, resolved, rated (one twice), escalated, abandoned, reopened; callbacks. */
function scenario() {
  const evs: Record<string, unknown>[] = [];
  for (let i = 1; i <= 7; i++) {
    const ticket = `T${i}`;
    evs.push(e('ticket.created', i * 10, { ticket, channel: i === 5 ? 'email' : 'chat', team: i > 5 ? 'risk' : 'wallet', priority: i === 1 ? 'urgent' : 'normal', category: 'refund' }));
    if (i <= 5) evs.push(e('ticket.assigned', i * 10, { ticket, agent: i % 2 ? 'ann' : 'bob' }));
    if (i <= 5) evs.push(e('ticket.replied', i * 10 + i + (i === 1 ? 5 : 0), { ticket, agent: i % 2 ? 'ann' : 'bob' }));
  }
  evs.push(e('ticket.resolved', 100, { ticket: 'T1' }), e('ticket.rated', 101, { ticket: 'T1', score: 5 }));
  // Rated twice: only the latest (2) counts, credited to bob who resolved it.
  evs.push(e('ticket.resolved', 120, { ticket: 'T2', agent: 'bob' }), e('ticket.rated', 121, { ticket: 'T2', score: 5 }), e('ticket.rated', 125, { ticket: 'T2', score: 2 }));
  evs.push(e('ticket.reopened', 130, { ticket: 'T2' }), e('ticket.resolved', 140, { ticket: 'T2', agent: 'ann' }));
  evs.push(e('ticket.escalated', 150, { ticket: 'T3', team: 'risk', priority: 'high' }));
  evs.push(e('ticket.customer_replied', 300, { ticket: 'T3' }));
  evs.push(e('ticket.abandoned', 75, { ticket: 'T7' }));
  evs.push(
    e('callback.scheduled', 50, { callback: 'C1', reason: 'pre_approval', due: m(90), agent: 'ann', team: 'wallet', ticket: 'T1' }),
    e('callback.attempted', 60, { callback: 'C1', agent: 'ann', result: 'no_answer' }),
    e('callback.attempted', 70, { callback: 'C1', agent: 'ann', result: 'connected' }),
    e('callback.completed', 71, { callback: 'C1', outcome: 'confirmed' }),
    e('callback.scheduled', 60, { callback: 'C2', reason: 'unconfirmed_payment', due: m(120), agent: 'bob', team: 'wallet' }),
    e('callback.scheduled', 340, { callback: 'C3', reason: 'other', due: m(600), agent: 'ann', team: 'risk', ticket: 'T6' })
  );
  return evs;
}

let t: ReturnType<typeof testApp>;
const drill = async (params: Record<string, string | number>, token = t.tokens.manager) => {
  const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  return t.get(`/api/drill?${q}`, token);
};
/** Every item of a measure, page by page. */
async function all(params: Record<string, string | number>) {
  const items: any[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const res = await drill({ ...params, ...(cursor ? { cursor } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.next;
    if (cursor === null) return items;
  }
  throw new Error('no end of pages');
}
const numberAt = (kpis: any, measure: string) => measure.split('.').reduce((o, k) => o[k], kpis) as number;

const WINDOW = { from: new Date(m(0)).toISOString(), to: new Date(NOW).toISOString() };

beforeAll(async () => {
  t = testApp({ now: () => NOW });
  expect((await t.post(scenario())).status).toBe(200);
});
afterAll(() => t.close());

describe('GET /api/drill', () => {
  it('lists as many items as /api/kpis counts, for every measure, with and without filters', async () => {
    for (const filters of [{}, { team: 'wallet' }, { agent: 'ann' }, { channel: 'chat', priority: 'normal' }, { team: 'risk' }] as Record<string, string>[]) {
      const kpis = await t.kpis({ ...WINDOW, ...filters });
      for (const measure of MEASURES) {
        const items = await all({ measure, ...WINDOW, ...filters, limit: 2 });
        expect(items.length, `${measure} ${JSON.stringify(filters)}`).toBe(numberAt(kpis, measure));
      }
    }
    // The numbers are not all zero: the comparison above says something.
    const kpis = await t.kpis(WINDOW);
    expect([kpis.tickets.created, kpis.firstResponse.count, kpis.csat.responses, kpis.callbacks.attempts, kpis.backlog.open]).toEqual([7, 5, 2, 2, 4]);
  });

  it('counts as /api/agents does with agent= and team=', async () => {
    const { agents } = await t.agents({ ...WINDOW, team: 'wallet' });
    const bob = agents.find((a: any) => a.agent === 'bob');
    for (const [measure, want] of [['firstResponse.count', bob.firstResponse.count], ['resolution.count', bob.resolution.count], ['csat.responses', bob.csat.responses], ['callbacks.scheduled', bob.callbacks.scheduled]] as const)
      expect((await all({ measure, ...WINDOW, team: 'wallet', agent: 'bob' })).length, measure).toBe(want);
    expect(bob.csat.responses).toBe(1);
  });

  it('says what is behind each item: newest first, with the duration, score and target of its fact', async () => {
    const first = await drill({ measure: 'firstResponse.count', ...WINDOW });
    expect(first.body).toMatchObject({ measure: 'firstResponse.count', from: WINDOW.from, to: WINDOW.to, next: null });
    expect(first.body.items.map((i: any) => [i.id, i.valueSec, i.withinTarget, i.agent])).toEqual([
      ['T5', 300, true, 'ann'],
      ['T4', 240, true, 'bob'],
      ['T3', 180, true, 'ann'],
      ['T2', 120, true, 'bob'],
      ['T1', 360, false, 'ann']
    ]);
    expect(first.body.items[0]).toMatchObject({ kind: 'ticket', ticket: 'T5', at: new Date(m(55)).toISOString(), team: 'wallet', channel: 'email', priority: 'normal', category: 'refund', score: null });
    // The latest rating wins, credited to the last resolver before it.
    const csat = await drill({ measure: 'csat.responses', ...WINDOW });
    expect(csat.body.items.map((i: any) => [i.id, i.score, i.agent])).toEqual([
      ['T2', 2, 'bob'],
      ['T1', 5, 'ann']
    ]);
    expect((await drill({ measure: 'csat.positive', ...WINDOW })).body.items.map((i: any) => i.id)).toEqual(['T1']);
    // Team and priority at the fact's time: T3's escalation is risk's, its first response wallet's.
    expect((await drill({ measure: 'tickets.escalated', ...WINDOW, team: 'risk' })).body.items.map((i: any) => [i.id, i.priority])).toEqual([['T3', 'high']]);
    expect((await drill({ measure: 'firstResponse.count', ...WINDOW, team: 'risk' })).body.items).toEqual([]);
    const resolved = await drill({ measure: 'tickets.resolved', ...WINDOW });
    expect(resolved.body.items.map((i: any) => [i.id, i.valueSec, i.agent])).toEqual([
      ['T2', (140 - 20) * 60, 'ann'],
      ['T2', (120 - 20) * 60, 'bob'],
      ['T1', 90 * 60, 'ann']
    ]);
    const connected = await drill({ measure: 'callbacks.connected', ...WINDOW });
    expect(connected.body.items).toEqual([
      expect.objectContaining({ kind: 'callback', id: 'C1', ticket: 'T1', at: new Date(m(70)).toISOString(), team: 'wallet', agent: 'ann', channel: null, valueSec: null, score: null, withinTarget: null })
    ]);
  });

  it('lists the backlog as it stands now, whatever the window: the wait so far for unattended, the age otherwise', async () => {
    const unattended = await drill({ measure: 'backlog.unattended', from: '2020-01-01', to: '2020-01-02' });
    expect(unattended.status).toBe(200);
    // T3 waits since the customer's reply at 300; T6 (risk, unassigned) since its creation at 60. Newest wait first.
    expect(unattended.body.items.map((i: any) => [i.id, i.at, i.valueSec])).toEqual([
      ['T3', new Date(m(300)).toISOString(), (360 - 300) * 60],
      ['T6', new Date(m(60)).toISOString(), (360 - 60) * 60]
    ]);
    const open = await drill({ measure: 'backlog.open' });
    expect(open.body.items.map((i: any) => [i.id, i.valueSec, i.agent])).toEqual([
      ['T6', (360 - 60) * 60, null],
      ['T5', (360 - 50) * 60, 'ann'],
      ['T4', (360 - 40) * 60, 'bob'],
      ['T3', (360 - 30) * 60, 'ann']
    ]);
    expect((await drill({ measure: 'backlog.unassigned' })).body.items.map((i: any) => i.id)).toEqual(['T6']);
    const overdue = await drill({ measure: 'backlog.callbacksOverdue' });
    expect(overdue.body.items).toEqual([expect.objectContaining({ kind: 'callback', id: 'C2', ticket: null, agent: 'bob', due: new Date(m(120)).toISOString() })]);
    expect((await drill({ measure: 'backlog.callbacksPending', agent: 'ann' })).body.items.map((i: any) => [i.id, i.ticket])).toEqual([['C3', 'T6']]);
    // Callbacks carry no channel: a channel filter matches none, as in /api/kpis.
    expect((await drill({ measure: 'backlog.callbacksPending', channel: 'chat' })).body.items).toEqual([]);
  });

  it('pages with limit and an opaque cursor: no item twice, none left out, null at the end', async () => {
    const one = await all({ measure: 'tickets.created', ...WINDOW, limit: 1 });
    const whole = (await drill({ measure: 'tickets.created', ...WINDOW, limit: 1000 })).body.items;
    expect(one).toEqual(whole);
    expect(whole.map((i: any) => i.id)).toEqual(['T7', 'T6', 'T5', 'T4', 'T3', 'T2', 'T1']);
    const first = await drill({ measure: 'tickets.created', ...WINDOW, limit: 3 });
    expect(first.body.items).toHaveLength(3);
    expect(typeof first.body.next).toBe('string');
    const backlog = await all({ measure: 'backlog.open', limit: 1 });
    expect(backlog.map((i: any) => i.id)).toEqual(['T6', 'T5', 'T4', 'T3']);
  });

  it('walks at most its scan budget of facts for a page: a sparse filter gets a short page and a next to go on from', async () => {
    const { decodeCursor, getDrillPage } = await import('../../api/queries/getDrill');
    const window = { from: m(0), to: NOW };
    const budget = { step: 3, max: 6 };
    const first = getDrillPage(t.rt.db.$client, 'firstResponse.count', window, { agent: 'ann' }, NOW, 100, null, budget);
    expect(first.items.length).toBeLessThan(3);
    expect(first.next).not.toBeNull();
    const ids: string[] = first.items.map((i) => i.id);
    for (let next = first.next; next !== null; ) {
      const page = getDrillPage(t.rt.db.$client, 'firstResponse.count', window, { agent: 'ann' }, NOW, 100, decodeCursor(next, 'firstResponse.count'), budget);
      ids.push(...page.items.map((i) => i.id));
      next = page.next;
    }
    expect(ids).toEqual(['T5', 'T3', 'T1']);
  });

  it('ranges facts_at from the cursor and each step, not from the window\'s end: one bound on at each way in every walk', async () => {
    // SQLite ranges an index by one bound a side, the first it meets: with the window's beside the step's, every step
    // of a page read from the window's end down (a sparse page of 90 days at 1M tickets: 3–25 s, not 0.1–0.3 s).
    const { decodeCursor, getDrillPage } = await import('../../api/queries/getDrill');
    const fresh = testApp({ now: () => NOW });
    try {
      expect((await fresh.post(scenario())).status).toBe(200);
      const sqlite = fresh.rt.db.$client;
      const seen: string[] = [];
      const prepare = sqlite.prepare.bind(sqlite);
      sqlite.prepare = ((sql: string) => (seen.push(sql), prepare(sql))) as typeof sqlite.prepare;
      const window = { from: m(0), to: NOW };
      const first = getDrillPage(sqlite, 'firstResponse.count', window, { agent: 'ann' }, NOW, 1, null, { step: 3, max: 6 });
      getDrillPage(sqlite, 'firstResponse.count', window, { agent: 'ann' }, NOW, 1, decodeCursor(first.next!, 'firstResponse.count'), { step: 3, max: 6 });
      const walks = seen.filter((sql) => sql.includes('INDEXED BY facts_at'));
      expect(walks.length).toBeGreaterThan(0);
      for (const sql of walks) {
        expect(sql.match(/\bat >=? \?/g), sql).toHaveLength(1);
        expect(sql.match(/\bat <=? \?/g), sql).toHaveLength(1);
      }
    } finally {
      fresh.close();
    }
  });

  it('holds the thread for at most 40,000 facts a page: a sparse filter past them gets an empty page and a next, then its item', async () => {
    const big = testApp({ now: () => NOW });
    try {
      // ann's one first response, at the oldest of 41,000 tickets: 41,000 facts newer than it.
      const start = NOW - 41_000 * 1000;
      const created = Array.from({ length: 41_000 }, (_, i) => ({ id: `x${i}`, type: 'ticket.created', at: start + i * 1000, ticket: `X${i}`, channel: 'chat', category: 'refund', priority: 'normal', team: 'wallet' }));
      for (let i = 0; i < created.length; i += 5000) expect((await big.post(created.slice(i, i + 5000))).status).toBe(200);
      expect((await big.post([{ id: 'x-r', type: 'ticket.replied', at: start + 500, ticket: 'X0', agent: 'ann' }])).status).toBe(200);
      const q = `measure=firstResponse.count&agent=ann&from=${new Date(start - 60_000).toISOString()}&to=${new Date(NOW).toISOString()}`;
      const first = await big.get(`/api/drill?${q}`, big.tokens.manager);
      expect(first.body.items).toEqual([]);
      expect(first.body.next).not.toBeNull();
      const second = await big.get(`/api/drill?${q}&cursor=${first.body.next}`, big.tokens.manager);
      expect(second.body.items.map((i: any) => i.id)).toEqual(['X0']);
    } finally {
      big.close();
    }
  }, 60_000);

  it('reads a page of a large open backlog, not the whole backlog: within the scan budget, a short page and a next to go on from', async () => {
    const { decodeCursor, getDrillPage } = await import('../../api/queries/getDrill');
    const big = testApp({ now: () => NOW });
    try {
      // 1,200 open tickets, a minute apart, delivered newest first: more than are read whole.
      const open = Array.from({ length: 1200 }, (_, i) => ({ id: `b${i}`, type: 'ticket.created', at: NOW - (1200 - i) * 60_000, ticket: `B${String(i).padStart(4, '0')}`, channel: 'chat', category: 'refund', priority: 'normal', team: 'wallet' }));
      const newestFirst = [...open].reverse();
      for (let i = 0; i < newestFirst.length; i += 500) expect((await big.post(newestFirst.slice(i, i + 500))).status).toBe(200);
      const budget = { step: 3, max: 6 };
      const window = { from: m(0), to: NOW };
      const first = getDrillPage(big.rt.db.$client, 'backlog.open', window, {}, NOW, 100, null, budget);
      expect(first.items.length).toBeLessThanOrEqual(6);
      expect(first.next).not.toBeNull();
      const ids: string[] = first.items.map((i) => i.id);
      for (let next = first.next; next !== null; ) {
        const page = getDrillPage(big.rt.db.$client, 'backlog.open', window, {}, NOW, 100, decodeCursor(next, 'backlog.open'), budget);
        ids.push(...page.items.map((i) => i.id));
        next = page.next;
      }
      expect(ids).toEqual(open.map((e) => e.ticket).reverse());
      // Through the API, with the default budget: the same list, 100 a page.
      const viaApi: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await big.get(`/api/drill?measure=backlog.open&limit=100${cursor ? `&cursor=${cursor}` : ''}`, big.tokens.manager);
        expect(res.status).toBe(200);
        viaApi.push(...res.body.items.map((i: any) => i.id));
        cursor = res.body.next;
      } while (cursor !== null);
      expect(viaApi).toEqual(ids);
    } finally {
      big.close();
    }
  });

  it('answers 400 naming what is wrong: the measure, limit, cursor, and the window and filters as /api/kpis does', async () => {
    const missing = await drill({});
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: 'measure', message: expect.stringContaining('tickets.created, tickets.resolved') }]);
    const unknown = await drill({ measure: 'tickets.opened' });
    expect(unknown.body.errors).toEqual([{ path: 'measure', message: expect.stringMatching(/tickets\.opened .*backlog\.callbacksOverdue/) }]);
    expect((await drill({ measure: 'csat.pct' })).status).toBe(400);
    expect((await drill({ measure: 'tickets.created', limit: 1001 })).body.errors).toEqual([{ path: 'limit', message: expect.stringContaining('1 to 1000') }]);
    expect((await drill({ measure: 'tickets.created', limit: 0 })).status).toBe(400);
    expect((await drill({ measure: 'tickets.created', limit: '2.5' })).status).toBe(400);
    expect((await drill({ measure: 'tickets.created', cursor: 'not-a-cursor' })).body.errors).toEqual([{ path: 'cursor', message: expect.stringContaining('next') }]);
    // A backlog's cursor is no window measure's.
    const backlogPage = await drill({ measure: 'backlog.open', limit: 1 });
    expect((await drill({ measure: 'tickets.created', cursor: backlogPage.body.next })).body.errors[0].path).toBe('cursor');
    // The window and filters, read as /api/kpis reads them, every fault at once.
    const bad = await drill({ measure: 'nope', from: '2026-11-24', channel: 'fax', tema: 'x' });
    expect(bad.status).toBe(400);
    const kpisBad = await t.get('/api/kpis?from=2026-11-24&channel=fax&tema=x');
    expect(bad.body.errors.filter((x: any) => x.path !== 'measure')).toEqual(kpisBad.body.errors.map((x: any) => (x.path === 'tema' ? { ...x, message: expect.stringContaining('unknown parameter') } : x)));
    expect(bad.body.errors.map((x: any) => x.path).sort()).toEqual(['channel', 'measure', 'tema', 'to']);
    // A cursor not validly escaped is told once, as the shared parser tells it.
    expect((await t.get('/api/drill?measure=tickets.created&cursor=%FF', t.tokens.manager)).body.errors).toEqual([{ path: 'cursor', message: expect.stringContaining('not valid in an address') }]);
    expect((await drill({ measure: 'tickets.created', from: WINDOW.to, to: WINDOW.from })).body.errors).toEqual([{ path: 'to', message: expect.stringContaining('from must be before to') }]);
  });

  it('is for managers: 401 without credentials, 403 for a supervisor', async () => {
    expect((await drill({ measure: 'tickets.created' }, null as unknown as string)).status).toBe(401);
    expect((await drill({ measure: 'tickets.created' }, t.tokens.supervisor)).status).toBe(403);
    expect((await drill({ measure: 'tickets.created' }, t.tokens.admin)).status).toBe(200);
  });

  it('defaults to today in the configured timezone, as /api/kpis', async () => {
    const res = await drill({ measure: 'tickets.created' });
    const kpis = await t.kpis();
    expect([res.body.from, res.body.to]).toEqual([kpis.from, kpis.to]);
    expect(res.body.items).toHaveLength(kpis.tickets.created);
  });
});

/** Rows of an RFC 4180 text: quoted fields may hold commas, doubled quotes and line breaks; lines end in CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let cell = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += ch;
  }
  expect(cell, 'the last line ends in CRLF').toBe('');
  return rows;
}

describe('GET /api/drill?format=csv', () => {
  const csv = async (params: Record<string, string | number>, token = t.tokens.manager) =>
    t.app.request(`/api/drill?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`, { headers: { authorization: `Bearer ${token}` } });

  it('exports every item, whatever limit says, as a file Excel opens: BOM, header, ISO times, as many rows as /api/kpis counts', async () => {
    const res = await csv({ measure: 'firstResponse.count', ...WINDOW, format: 'csv', limit: 2 });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="firstResponse.count-2026-11-24T060000Z-2026-11-24T120000Z.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1));
    expect(rows[0]).toEqual(['kind', 'id', 'ticket', 'at', 'team', 'channel', 'priority', 'category', 'agent', 'valueSec', 'score', 'withinTarget', 'connected', 'onTime', 'confirmed', 'due']);
    expect(rows.slice(1)).toHaveLength((await t.kpis(WINDOW)).firstResponse.count);
    expect(rows[1]).toEqual(['ticket', 'T5', 'T5', new Date(m(55)).toISOString(), 'wallet', 'email', 'normal', 'refund', 'ann', '300', '', 'true', '', '', '', '']);
    for (const measure of MEASURES) {
      const body = await (await csv({ measure, ...WINDOW, team: 'wallet', format: 'csv' })).text();
      const kpis = await t.kpis({ ...WINDOW, team: 'wallet' });
      expect(parseCsv(body.slice(1)).length - 1, measure).toBe(numberAt(kpis, measure));
    }
  });

  it('quotes per RFC 4180 and defuses cells a spreadsheet would run as formulas', async () => {
    const other = testApp({ now: () => NOW });
    try {
      const evil = [
        e('ticket.created', 10, { ticket: '=HYPERLINK("http://x","y")', channel: 'chat', team: '+team, with "quotes"', category: '@SUM(A1)' }),
        e('ticket.replied', 11, { ticket: '=HYPERLINK("http://x","y")', agent: '-1+1' }),
        e('ticket.created', 12, { ticket: '工单 1', channel: 'chat', team: '钱包', category: 'plain' })
      ];
      expect((await other.post(evil)).status).toBe(200);
      const res = await other.app.request(`/api/drill?measure=tickets.created&from=${WINDOW.from}&to=${WINDOW.to}&format=csv`, { headers: { authorization: `Bearer ${other.tokens.manager}` } });
      const text = await res.text();
      expect(text).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
      const rows = parseCsv(text.replace(/^\uFEFF/, ''));
      expect(rows.slice(1).map((r) => [r[1], r[4], r[7]])).toEqual([
        ['工单 1', '钱包', 'plain'],
        [`'=HYPERLINK("http://x","y")`, `'+team, with "quotes"`, `'@SUM(A1)`]
      ]);
      const fr = parseCsv((await (await other.app.request(`/api/drill?measure=firstResponse.count&from=${WINDOW.from}&to=${WINDOW.to}&format=csv`, { headers: { authorization: `Bearer ${other.tokens.manager}` } })).text()).slice(1));
      expect(fr[1][8]).toBe(`'-1+1`);
    } finally {
      other.close();
    }
  });

  it('stops at the cap and says so in a last line', async () => {
    const { drillCsv } = await import('../../api/queries/drillCsv');
    const read = async (cap: number) => parseCsv((await new Response(drillCsv(t.rt.db.$client, 'tickets.created', { from: m(0), to: NOW }, {}, NOW, cap)).text()).slice(1));
    const capped = await read(3);
    expect(capped.slice(0, 4).map((r) => r[1])).toEqual(['id', 'T7', 'T6', 'T5']);
    expect(capped.slice(4)).toEqual([[expect.stringMatching(/^# capped at 3 rows; there are more/)]]);
    // Exactly as many as the cap: nothing said.
    expect((await read(7)).map((r) => r[1])).toEqual(['id', 'T7', 'T6', 'T5', 'T4', 'T3', 'T2', 'T1']);
  });

  it('goes on past pages a sparse filter leaves empty, to the end', async () => {
    const { drillCsv } = await import('../../api/queries/drillCsv');
    const stream = drillCsv(t.rt.db.$client, 'firstResponse.count', { from: m(0), to: NOW }, { agent: 'ann' }, NOW, 100, { step: 1, max: 1 });
    expect(parseCsv((await new Response(stream).text()).slice(1)).map((r) => r[1])).toEqual(['id', 'T5', 'T3', 'T1']);
  });

  it('hands the thread back between the empty pages of a sparse export: other work is answered before its next row', async () => {
    const { drillCsv } = await import('../../api/queries/drillCsv');
    const reader = drillCsv(t.rt.db.$client, 'firstResponse.count', { from: m(0), to: NOW }, { agent: 'ann' }, NOW, 100, { step: 1, max: 1 }).getReader();
    await reader.read(); // the header
    let turns = 0;
    let reading = true;
    const other = () => {
      if (reading) (turns++, setImmediate(other));
    };
    setImmediate(other);
    const row = await reader.read();
    reading = false;
    expect(new TextDecoder().decode(row.value)).toContain('T5');
    expect(turns).toBeGreaterThan(0);
    await reader.cancel();
  });

  it('writes a file for people with lang=: headers and words in that language, the centre\'s wall-clock times, yes/no', async () => {
    // A centre in Shanghai: an event at 04:15Z is 12:15 there, and its day is the 7th.
    const now = Date.parse('2026-12-07T10:00:00Z');
    const sh = testApp({ now: () => now, timezone: 'Asia/Shanghai' });
    try {
      const at = (hhmm: string) => Date.parse(`2026-12-07T${hhmm}:00Z`);
      const events = [
        { id: 's1', type: 'ticket.created', at: at('04:15'), ticket: 'T-9', channel: 'chat', priority: 'urgent', team: 'wallet', category: 'refund' },
        { id: 's2', type: 'ticket.replied', at: at('04:17'), ticket: 'T-9', agent: 'ann' },
        { id: 's3', type: 'callback.scheduled', at: at('05:00'), callback: 'CB-9', reason: 'other', due: at('05:30'), agent: 'ann', team: 'wallet', ticket: 'T-9' },
        { id: 's4', type: 'callback.completed', at: at('06:00'), callback: 'CB-9', outcome: 'declined', agent: 'ann' }
      ];
      expect((await sh.post(events)).status).toBe(200);
      const get = async (params: Record<string, string>) => {
        const res = await sh.app.request(`/api/drill?${new URLSearchParams({ from: '2026-12-07', to: '2026-12-08', format: 'csv', ...params })}`, {
          headers: { authorization: `Bearer ${sh.tokens.manager}` }
        });
        expect(res.status).toBe(200);
        const bytes = new Uint8Array(await res.arrayBuffer());
        expect([...bytes.slice(0, 3)], 'the BOM').toEqual([0xef, 0xbb, 0xbf]);
        return { name: res.headers.get('content-disposition'), rows: parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1)) };
      };

      const zh = await get({ measure: 'firstResponse.count', lang: 'zh-CN' });
      // The zone named as /reports names it, its offset (Shanghai keeps one all year) and its id, for a machine.
      expect(zh.rows[0]).toEqual(['类型', '编号', '工单', '时间（中国标准时间，GMT+8，Asia/Shanghai）', '团队', '渠道', '优先级', '类别', '坐席', '时长（秒）', '评分', 'SLA 内', '已接通', '按时', '已确认', '到期时间（中国标准时间，GMT+8，Asia/Shanghai）']);
      expect(zh.rows.slice(1)).toEqual([['工单', 'T-9', 'T-9', '2026-12-07 12:17:00', 'wallet', '在线聊天', '紧急', '退款', 'ann', '120', '', '是', '', '', '', '']]);
      // The file is named for the centre's day, not for UTC's instants.
      expect(zh.name).toBe('attachment; filename="firstResponse.count-2026-12-07.csv"');
      const created = await get({ measure: 'tickets.created', lang: 'zh-CN' });
      expect(created.rows[1][3]).toBe('2026-12-07 12:15:00');
      // A callback completed late (at 14:00, due 13:30) and declined: 否, 否.
      const completed = await get({ measure: 'callbacks.completed', lang: 'zh-CN' });
      expect(completed.rows.slice(1).map((r) => [r[0], r[1], r[3], r[13], r[14]])).toEqual([['回电', 'CB-9', '2026-12-07 14:00:00', '否', '否']]);

      const en = await get({ measure: 'firstResponse.count', lang: 'en' });
      expect(en.rows[0]).toEqual(['Kind', 'ID', 'Ticket', 'Time (China Standard Time, GMT+8, Asia/Shanghai)', 'Team', 'Channel', 'Priority', 'Category', 'Agent', 'Duration (seconds)', 'Score', 'Within SLA', 'Connected', 'On time', 'Confirmed', 'Due (China Standard Time, GMT+8, Asia/Shanghai)']);
      expect(en.rows.slice(1)).toEqual([['Ticket', 'T-9', 'T-9', '2026-12-07 12:17:00', 'wallet', 'Chat', 'Urgent', 'Refund', 'ann', '120', '', 'yes', '', '', '', '']]);
      const pending = await get({ measure: 'backlog.callbacksPending', lang: 'en' });
      expect(pending.rows.length, 'CB-9 is completed: none pending').toBe(1);

      // Without lang, the machines' form as before: field names, UTC, true/false, and UTC's instants in the name.
      const machine = await get({ measure: 'firstResponse.count' });
      expect(machine.rows[0].slice(0, 4)).toEqual(['kind', 'id', 'ticket', 'at']);
      expect(machine.rows[1]).toEqual(['ticket', 'T-9', 'T-9', '2026-12-07T04:17:00.000Z', 'wallet', 'chat', 'urgent', 'refund', 'ann', '120', '', 'true', '', '', '', '']);
      expect(machine.name).toBe('attachment; filename="firstResponse.count-2026-12-06T160000Z-2026-12-07T160000Z.csv"');
    } finally {
      sh.close();
    }
  });

  it("names the centre's zone in the time headings as the pages do, summer and winter alike, with an offset only where the zone keeps one", async () => {
    const heading = async (timezone: string, day: string, lang: string) => {
      const app = testApp({ now: () => Date.parse('2026-12-07T10:00:00Z'), timezone });
      try {
        const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        const q = new URLSearchParams({ measure: 'tickets.created', from: day, to: next, format: 'csv', lang });
        const res = await app.app.request(`/api/drill?${q}`, { headers: { authorization: `Bearer ${app.tokens.manager}` } });
        expect(res.status).toBe(200);
        const header = parseCsv((await res.text()).replace(/^\uFEFF/, ''))[0];
        return [header[3], header[15]];
      } finally {
        app.close();
      }
    };
    // Los Angeles: the generic name (not Pacific Daylight/Standard Time), the same in July and in January, and no
    // offset, which would be wrong for the rows on the other side of a change of the clocks.
    for (const day of ['2026-07-15', '2026-01-15']) {
      expect(await heading('America/Los_Angeles', day, 'en'), day).toEqual(['Time (Pacific Time, America/Los_Angeles)', 'Due (Pacific Time, America/Los_Angeles)']);
      expect(await heading('America/Los_Angeles', day, 'zh-CN'), day).toEqual(['时间（北美太平洋时间，America/Los_Angeles）', '到期时间（北美太平洋时间，America/Los_Angeles）']);
    }
    // Zones the languages have no words for read as their offset, once; an old alias by the words of the zone it is.
    expect(await heading('Etc/GMT-3', '2026-12-07', 'zh-CN')).toEqual(['时间（GMT+03:00，Etc/GMT-3）', '到期时间（GMT+03:00，Etc/GMT-3）']);
    expect((await heading('America/Argentina/ComodRivadavia', '2026-12-07', 'en'))[0]).toBe('Time (Argentina Standard Time, GMT-3, America/Argentina/ComodRivadavia)');
  });

  it('says the centre\'s categories in words in a file for people, one it does not know as sent, and codes for machines', async () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    const sh = testApp({ now: () => now, timezone: 'Asia/Shanghai' });
    try {
      const at = (hhmm: string) => Date.parse(`2026-12-07T${hhmm}:00Z`);
      const events = [
        { id: 'k1', type: 'ticket.created', at: at('04:15'), ticket: 'T-1', channel: 'chat', category: 'unconfirmed_payment' },
        { id: 'k2', type: 'ticket.created', at: at('04:16'), ticket: 'T-2', channel: 'chat', category: 'card_dispute' },
        { id: 'k3', type: 'ticket.created', at: at('04:17'), ticket: 'T-3', channel: 'chat' }
      ];
      expect((await sh.post(events)).status).toBe(200);
      const categories = async (lang?: string) => {
        const q = new URLSearchParams({ measure: 'tickets.created', from: '2026-12-07', to: '2026-12-08', format: 'csv', ...(lang ? { lang } : {}) });
        const res = await sh.app.request(`/api/drill?${q}`, { headers: { authorization: `Bearer ${sh.tokens.manager}` } });
        expect(res.status).toBe(200);
        return parseCsv((await res.text()).replace(/^\uFEFF/, '')).slice(1).map((r) => [r[1], r[7]]);
      };
      expect(await categories('zh-CN')).toEqual([['T-3', '其他'], ['T-2', 'card_dispute'], ['T-1', '未确认付款']]);
      expect(await categories('en')).toEqual([['T-3', 'Other'], ['T-2', 'card_dispute'], ['T-1', 'Unconfirmed payment']]);
      expect(await categories()).toEqual([['T-3', 'other'], ['T-2', 'card_dispute'], ['T-1', 'unconfirmed_payment']]);
    } finally {
      sh.close();
    }
  });

  it('refuses a language it has no words for, and lang on a JSON page, saying which', async () => {
    for (const lang of ['fr', 'zh', 'EN']) {
      const bad = await csv({ measure: 'tickets.created', format: 'csv', lang });
      expect(bad.status, lang).toBe(400);
      expect((await bad.json()).errors).toEqual([{ path: 'lang', message: expect.stringMatching(new RegExp(`en or zh-CN.*got ${lang}$`)) }]);
    }
    const json = await csv({ measure: 'tickets.created', lang: 'zh-CN' });
    expect(json.status).toBe(400);
    expect((await json.json()).errors).toEqual([{ path: 'lang', message: expect.stringContaining('format=csv') }]);
  });

  it('refuses an unknown format, and callers below manager, as JSON does', async () => {
    const bad = await csv({ measure: 'tickets.created', format: 'xlsx' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual([{ path: 'format', message: expect.stringContaining('csv') }]);
    expect((await csv({ measure: 'tickets.created', format: 'csv' }, t.tokens.supervisor)).status).toBe(403);
  });
});

describe('GET /api/drill while the writer indexes in arrears', () => {
  it("names each callback's ticket and each open ticket's creation the moment their events are stored, read after read, as the mark moves", async () => {
    // tailLimit 3: the writer indexes every few posts, past events earlier reads found in the tail (tailSeqs.ts).
    const u = testApp({ now: () => NOW, tailLimit: 3 });
    type Ev = { id: string; type: string; at: number; [field: string]: unknown };
    const ev = (id: string, type: string, minutes: number, fields: Record<string, unknown>): Ev => ({ id, type, at: m(minutes), ...fields });
    const created = (id: string, ticket: string, minutes: number) => ev(id, 'ticket.created', minutes, { ticket, channel: 'chat', team: 'wallet' });
    const scheduled = (id: string, callback: string, minutes: number, ticket?: string) =>
      ev(id, 'callback.scheduled', minutes, { callback, reason: 'other', due: m(minutes + 60), ...(ticket ? { ticket } : {}) });
    // Later posts bring earlier creations and schedules (the first one counts, by (at, id)), and later ones that do not,
    // each sometimes in the tail while the other is indexed (a pass after every 3 events: after posts 3, 6, 8, 11, 14, 16).
    const posts = [
      [created('x01', 'T1', 10)],
      [scheduled('x02', 'C1', 20, 'T1')],
      [created('x03', 'T2', 30), ev('x04', 'ticket.assigned', 5, { ticket: 'T3', agent: 'ann' })],
      [scheduled('x05', 'C2', 40, 'T2')],
      [scheduled('x07', 'C1', 25, 'T2')],
      [created('x06', 'T1', 60)],
      [created('x08', 'T3', 15), scheduled('x09', 'C2', 35, 'T3')],
      [created('x10', 'T2', 28)],
      [scheduled('x12', 'C3', 45)],
      [scheduled('x11', 'C3', 45, 'T1')],
      [created('x13', 'T4', 70), scheduled('x14', 'C4', 72, 'T4')],
      [created('x15', 'T4', 75)],
      [scheduled('x16', 'C4', 73, 'T3')],
      [created('x17', 'T5', 80), created('x18', 'T5', 79)],
      [created('x19', 'T6', 90), created('x20', 'T4', 65)],
      [scheduled('x21', 'C4', 71, 'T1')]
    ];
    const first = (evs: Ev[]) => evs.reduce((a, b) => (b.at < a.at || (b.at === a.at && b.id < a.id) ? b : a));
    const groupBy = (evs: Ev[], key: string) => {
      const groups = new Map<string, Ev[]>();
      for (const x of evs) groups.set(x[key] as string, [...(groups.get(x[key] as string) ?? []), x]);
      return groups;
    };
    const iso = (ms: number) => new Date(ms).toISOString();
    const q = (params: Record<string, string>) => `/api/drill?${new URLSearchParams({ ...params, limit: '1000' })}`;
    const posted: Ev[] = [];
    let marks = 0;
    let lastMark = -1;
    try {
      for (const batch of posts) {
        expect((await u.post(batch)).status).toBe(200);
        posted.push(...batch);
        const mark = u.rt.db.$client.prepare('SELECT coalesce(max(seq), 0) FROM subject_events_indexed').pluck().get() as number;
        if (mark !== lastMark) (marks++, (lastMark = mark));
        const after = `after ${batch.map((x) => x.id).join(', ')}`;
        // Open tickets, newest creation first: each one's earliest ticket.created.
        const open = [...groupBy(posted.filter((x) => x.type === 'ticket.created'), 'ticket')].map(([ticket, evs]) => [ticket, iso(first(evs).at)]);
        open.sort((a, b) => (a[1] === b[1] ? (a[0] < b[0] ? 1 : -1) : a[1] < b[1] ? 1 : -1));
        const backlog = await u.get(q({ measure: 'backlog.open' }), u.tokens.manager);
        expect(backlog.body.items.map((i: any) => [i.id, i.at]), after).toEqual(open);
        // Each callback's first schedule: its time, and the ticket it names.
        const schedules = [...groupBy(posted.filter((x) => x.type === 'callback.scheduled'), 'callback')].map(([callback, evs]) => {
          const f = first(evs);
          return [callback, iso(f.at), f.ticket ?? null];
        });
        const facts = await u.get(q({ measure: 'callbacks.scheduled', from: iso(m(0)), to: iso(NOW) }), u.tokens.manager);
        const byId = (a: unknown[], b: unknown[]) => ((a[0] as string) < (b[0] as string) ? -1 : 1);
        expect(facts.body.items.map((i: any) => [i.id, i.at, i.ticket]).sort(byId), after).toEqual(schedules.sort(byId));
      }
      expect(marks).toBe(7);
    } finally {
      u.close();
    }
  });
});
