// GET /api/drill?format=csv: every item behind a number, as a spreadsheet opens it. Written a page at a time, so
// a long export hands the thread back between pages (to ingest's posts, to the live hub) instead of holding it.
import type Database from 'better-sqlite3';
import type { KpiFilters } from '../kpi/types';
import { MAX_LIMIT, SCAN_BUDGET, decodeCursor, getDrillPage, type DrillItem, type DrillPosition, type Measure, type ScanBudget } from './getDrill';

/** Rows an export holds at most; a last line says so when there were more. */
export const CSV_MAX_ROWS = 100_000;

const COLUMNS = ['kind', 'id', 'ticket', 'at', 'team', 'channel', 'priority', 'category', 'agent', 'valueSec', 'score', 'withinTarget', 'connected', 'onTime', 'confirmed', 'due'] as const satisfies readonly (keyof DrillItem)[];

/**
 * One cell: ids and names come from outside, so one a spreadsheet would read as a formula (= + - @, or a tab or
 * carriage return before one) is prefixed with ' (CSV injection); quoted per RFC 4180 when it holds a comma, a
 * quote or a line break.
 */
export function csvCell(v: string | number | boolean | null): string {
  if (v === null) return '';
  let text = String(v);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const row = (cells: (string | number | boolean | null)[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** The file's name: the measure and the window, in times a file system takes (no colons). */
export function csvFileName(measure: Measure, window: { from: number; to: number }): string {
  const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z').replaceAll(':', '');
  return `${measure}-${stamp(window.from)}-${stamp(window.to)}.csv`;
}

/**
 * The export as a stream of UTF-8 text: a byte order mark (Excel reads a file without one in the machine's code
 * page, GBK on zh-CN Windows, and names come out garbled), the header row, then a page of items per pull.
 */
export function drillCsv(
  sqlite: Database.Database,
  measure: Measure,
  window: { from: number; to: number },
  filters: KpiFilters,
  now: number,
  maxRows = CSV_MAX_ROWS,
  budget: ScanBudget = SCAN_BUDGET
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: DrillPosition | null = null;
  let written = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${row([...COLUMNS])}`));
        return;
      }
      // A page may come back empty (a sparse filter: getDrill's scan budget): read on until there is a row or the end,
      // as a pull that enqueues nothing is not called again; handing the thread back between pages, as a sparse
      // export of a long window otherwise walked all of it before anything else (a post, a wall) was answered.
      for (let first = true; ; first = false) {
        if (!first) await new Promise((resolve) => setImmediate(resolve));
        const page = getDrillPage(sqlite, measure, window, filters, now, Math.min(MAX_LIMIT, maxRows - written), after, budget);
        written += page.items.length;
        let text = page.items.map((item) => row(COLUMNS.map((k) => item[k]))).join('');
        const capped = written >= maxRows && page.next !== null;
        if (capped) text += row([`# capped at ${maxRows} rows; there are more: narrow the window or the filters to export the rest`]);
        if (text) controller.enqueue(encoder.encode(text));
        if (page.next === null || capped) return controller.close();
        after = decodeCursor(page.next, measure);
        if (text) return;
      }
    }
  });
}
