// The reports pages' own logic: a range's days in the centre's calendar, a CSV a spreadsheet opens safely, and a
// table sorted by the column a manager clicked.
import { describe, expect, it } from 'vitest';
import type { DrillItem } from '../../api/queries/getDrill';
import { csvCell, toCsv } from '../../web/lib/reports/csv';
import { READ_ON_PAGES, readOn } from '../../web/lib/reports/drill.svelte';
import { addDays, customRange, dateIn, presetOf, presetRange, rangeOf } from '../../web/lib/reports/range';
import { nextSort, sortRows } from '../../web/lib/reports/sort';

describe('report ranges, in the centre\'s days', () => {
  // 23:30 UTC on 30 November: already 1 December in Shanghai, still 30 November in New York.
  const now = Date.UTC(2026, 10, 30, 23, 30);

  it('counts today as the centre\'s date, not the browser\'s', () => {
    expect(presetRange('today', now, 'Asia/Shanghai')).toEqual({ from: '2026-12-01', to: '2026-12-02' });
    expect(presetRange('today', now, 'America/New_York')).toEqual({ from: '2026-11-30', to: '2026-12-01' });
  });

  it('makes yesterday, the last 7 and 30 days and this month end where they should', () => {
    expect(presetRange('yesterday', now, 'Asia/Shanghai')).toEqual({ from: '2026-11-30', to: '2026-12-01' });
    expect(presetRange('last7', now, 'Asia/Shanghai')).toEqual({ from: '2026-11-25', to: '2026-12-02' });
    expect(presetRange('last30', now, 'America/New_York')).toEqual({ from: '2026-11-01', to: '2026-12-01' });
    expect(presetRange('thisMonth', now, 'America/New_York')).toEqual({ from: '2026-11-01', to: '2026-12-01' });
    expect(presetRange('thisMonth', now, 'Asia/Shanghai')).toEqual({ from: '2026-12-01', to: '2026-12-02' });
  });

  it('steps over a daylight-saving change and a leap day by the calendar', () => {
    expect(addDays('2026-03-08', 1)).toBe('2026-03-09');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(dateIn(Date.UTC(2026, 2, 8, 12), 'America/New_York')).toBe('2026-03-08');
  });

  it('knows a preset again from its days, and reads a custom range typed as first and last day', () => {
    expect(presetOf({ from: '2026-11-25', to: '2026-12-02' }, now, 'Asia/Shanghai')).toBe('last7');
    expect(presetOf({ from: '2026-11-24', to: '2026-12-02' }, now, 'Asia/Shanghai')).toBeNull();
    expect(customRange('2026-11-01', '2026-11-30')).toEqual({ from: '2026-11-01', to: '2026-12-01' });
    expect(customRange('2026-11-30', '2026-11-01')).toBeNull();
  });

  it('falls back to today for an address whose days are missing, not days, or backwards', () => {
    const today = { from: '2026-12-01', to: '2026-12-02', asked: false };
    expect(rangeOf('2026-11-02', '2026-11-05', now, 'Asia/Shanghai')).toEqual({ from: '2026-11-02', to: '2026-11-05', asked: true });
    expect(rangeOf(null, null, now, 'Asia/Shanghai')).toEqual(today);
    expect(rangeOf('2026-02-30', '2026-03-02', now, 'Asia/Shanghai')).toEqual(today);
    expect(rangeOf('2026-11-05', '2026-11-02', now, 'Asia/Shanghai')).toEqual(today);
  });
});

describe('report CSV', () => {
  it('quotes per RFC 4180 and starts with a BOM, lines ending CRLF', () => {
    expect(toCsv([['team', 'note'], ['pay, ments', 'say "hi"\nbye'], [3, null]])).toBe('\uFEFFteam,note\r\n"pay, ments","say ""hi""\nbye"\r\n3,\r\n');
  });

  it('keeps a spreadsheet from running a name as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@sum')).toBe("'@sum");
    expect(csvCell('王芳')).toBe('王芳');
    // A figure the page computed is a number, not a name: a negative one stays a number.
    expect(csvCell(-2)).toBe('-2');
  });
});

describe('report sorting', () => {
  const rows = [
    { name: 'Agent 10', frt: 300 },
    { name: 'Agent 9', frt: null },
    { name: 'Agent 2', frt: 60 }
  ];

  it('sorts by a figure either way, those with none last', () => {
    expect(sortRows(rows, (r) => r.frt, 'asc', 'en').map((r) => r.name)).toEqual(['Agent 2', 'Agent 10', 'Agent 9']);
    expect(sortRows(rows, (r) => r.frt, 'desc', 'en').map((r) => r.name)).toEqual(['Agent 10', 'Agent 2', 'Agent 9']);
  });

  it('sorts names as people read numbers in them', () => {
    expect(sortRows(rows, (r) => r.name, 'asc', 'en').map((r) => r.name)).toEqual(['Agent 2', 'Agent 9', 'Agent 10']);
  });

  it('turns the same column the other way, and starts a new one in its own first direction', () => {
    expect(nextSort({ column: 'name', direction: 'asc' }, 'name', 'asc')).toEqual({ column: 'name', direction: 'desc' });
    expect(nextSort({ column: 'name', direction: 'desc' }, 'frt', 'desc')).toEqual({ column: 'frt', direction: 'desc' });
  });
});

describe('the tickets behind a number, a page at a time', () => {
  const item = (id: string) => ({ id }) as unknown as DrillItem;
  /** The server's pages, by the cursor each is asked with; every cursor asked for is noted. */
  const pages = (byCursor: Record<string, { items: DrillItem[]; next: string | null }>, asked: (string | null)[]) => async (cursor: string | null) => {
    asked.push(cursor);
    return byCursor[cursor ?? ''] ?? null;
  };

  it('reads on through empty pages the server answers for a sparse filter, to the first with tickets', async () => {
    const asked: (string | null)[] = [];
    const got = await readOn(pages({ '': { items: [], next: 'a' }, a: { items: [], next: 'b' }, b: { items: [item('T-9')], next: 'c' } }, asked), null);
    expect(got).toEqual({ items: [item('T-9')], next: 'c' });
    expect(asked).toEqual([null, 'a', 'b']);
  });

  it('says there is nothing only at the real end, and stops reading on after a bounded number of empty pages', async () => {
    expect(await readOn(pages({ '': { items: [], next: 'a' }, a: { items: [], next: null } }, []), null)).toEqual({ items: [], next: null });
    const endless = async (cursor: string | null) => ({ items: [], next: `${cursor ?? ''}x` });
    const got = await readOn(endless, null);
    expect(got).toEqual({ items: [], next: 'x'.repeat(READ_ON_PAGES) });
  });

  it('gives nothing when a page fails, for the list to say so', async () => {
    expect(await readOn(pages({ '': { items: [], next: 'a' } }, []), null)).toBeNull();
  });
});
