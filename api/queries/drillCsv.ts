// GET /api/drill?format=csv: every item behind a number, as a spreadsheet opens it. Written a page at a time, so
// a long export hands the thread back between pages (to ingest's posts, to the live hub) instead of holding it.
import type Database from 'better-sqlite3';
import { en, type MessageKey } from '../../web/lib/i18n/en';
import { zhCN } from '../../web/lib/i18n/zh-cn';
import { nameIsOffset, steadyOffset, zoneNameIn, zoneOffsetAt } from '../../web/lib/i18n/zone';
import { zonedParts } from '../kpi/time';
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

/** The languages a file for people is written in: the pages' own. */
export const CSV_LANGS = ['en', 'zh-CN'] as const;
export type CsvLang = (typeof CSV_LANGS)[number];

/**
 * A file for people (`&lang=`): headers and words in the page's language, times as the centre's wall clock reads
 * them, yes/no. Without it the file is for machines: the JSON's field names and values, times in UTC.
 */
export interface CsvForPeople {
  lang: CsvLang;
  timezone: string;
}

const DICTIONARIES = { en, 'zh-CN': zhCN } as const;

function say(lang: CsvLang, key: MessageKey, params: Record<string, string | number> = {}): string {
  return DICTIONARIES[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as the centre's wall clock reads it, in the form Excel takes for a date and time: 2026-12-07 12:15:00. */
export function wallTime(ms: number, timezone: string): string {
  const p = zonedParts(ms, timezone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** A dictionary's word for a value (`channel.chat` → 在线聊天, `category.refund` → 退款), or the value as sent when it has none. */
function word(lang: CsvLang, prefix: string, v: string | null): string | null {
  const key = `${prefix}.${v}`;
  return v !== null && key in en ? say(lang, key as MessageKey) : v;
}

/**
 * The centre's zone as the headings of a file's times say it, as the pages name it: "中国标准时间，GMT+8，Asia/Shanghai",
 * "Pacific Time, America/Los_Angeles" (no offset: the clocks change, so one would be wrong for some rows). The id
 * stays last, for a machine (or a person) that needs the zone exactly; alone where the language has no words for it.
 */
export function csvZone(lang: CsvLang, timezone: string, window: { from: number; to: number }): string {
  const name = zoneNameIn(lang, timezone, window.from);
  if (name === timezone) return timezone;
  const offset = nameIsOffset(name) ? null : steadyOffset(timezone, window.from, window.to);
  return offset ? say(lang, 'drill.zone.csv', { name, offset, id: timezone }) : say(lang, 'drill.zone.csvName', { name, id: timezone });
}

/** The header and the cells of a file for people. */
function peopleColumns({ lang, timezone }: CsvForPeople, window: { from: number; to: number }): { header: string[]; cells: (item: DrillItem) => (string | number | null)[] } {
  const yesNo = (v: boolean | null) => (v === null ? null : say(lang, v ? 'drill.csv.yes' : 'drill.csv.no'));
  const time = (v: string | null) => (v === null ? null : wallTime(Date.parse(v), timezone));
  const zone = csvZone(lang, timezone, window);
  const header = COLUMNS.map((k) => say(lang, `drill.csv.${k}`, { zone }));
  // A zone that changes its clocks has no one offset for the headings, and a night it falls back reads 01:30 twice:
  // each time's offset gets a column at the end, so the time stays one a spreadsheet takes as a date.
  const perRow = steadyOffset(timezone, window.from, window.to) === null && zoneOffsetAt(timezone, window.from) !== null;
  const offset = (v: string | null) => (v === null ? null : zoneOffsetAt(timezone, Date.parse(v)));
  if (perRow) header.push(say(lang, 'drill.csv.atOffset'), say(lang, 'drill.csv.dueOffset'));
  return {
    header,
    cells: (i) => [
      say(lang, `drill.csv.kind.${i.kind}`),
      i.id,
      i.ticket,
      time(i.at),
      i.team,
      word(lang, 'channel', i.channel),
      word(lang, 'priority', i.priority),
      word(lang, 'category', i.category),
      i.agent,
      i.valueSec,
      i.score,
      yesNo(i.withinTarget),
      yesNo(i.connected),
      yesNo(i.onTime),
      yesNo(i.confirmed),
      time(i.due),
      ...(perRow ? [offset(i.at), offset(i.due)] : [])
    ]
  };
}

/**
 * The file's name: the measure and the window, in times a file system takes (no colons). A file for people names
 * the centre's days (the last day the window holds, as the reports do); a bound off midnight adds its wall time.
 */
export function csvFileName(measure: Measure, window: { from: number; to: number }, timezone?: string): string {
  if (!timezone) {
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z').replaceAll(':', '');
    return `${measure}-${stamp(window.from)}-${stamp(window.to)}.csv`;
  }
  const local = (ms: number) => wallTime(ms, timezone).replace(' ', 'T').replaceAll(':', '');
  const midnight = (ms: number) => local(ms).endsWith('T000000');
  const first = midnight(window.from) ? local(window.from).slice(0, 10) : local(window.from).slice(0, 15);
  const last = midnight(window.to) ? local(window.to - 1).slice(0, 10) : local(window.to).slice(0, 15);
  return first === last ? `${measure}-${first}.csv` : `${measure}-${first}-${last}.csv`;
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
  budget: ScanBudget = SCAN_BUDGET,
  forPeople: CsvForPeople | null = null
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const { header, cells } = forPeople ? peopleColumns(forPeople, window) : { header: [...COLUMNS], cells: (item: DrillItem) => COLUMNS.map((k) => item[k]) };
  const cappedLine = forPeople
    ? say(forPeople.lang, 'drill.csv.capped', { rows: maxRows })
    : `# capped at ${maxRows} rows; there are more: narrow the window or the filters to export the rest`;
  let after: DrillPosition | null = null;
  let written = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${row(header)}`));
        return;
      }
      // A page may come back empty (a sparse filter: getDrill's scan budget): read on until there is a row or the end,
      // as a pull that enqueues nothing is not called again; handing the thread back between pages, as a sparse
      // export of a long window otherwise walked all of it before anything else (a post, a wall) was answered.
      for (let first = true; ; first = false) {
        if (!first) await new Promise((resolve) => setImmediate(resolve));
        const page = getDrillPage(sqlite, measure, window, filters, now, Math.min(MAX_LIMIT, maxRows - written), after, budget);
        written += page.items.length;
        let text = page.items.map((item) => row(cells(item))).join('');
        const capped = written >= maxRows && page.next !== null;
        if (capped) text += row([cappedLine]);
        if (text) controller.enqueue(encoder.encode(text));
        if (page.next === null || capped) return controller.close();
        after = decodeCursor(page.next, measure);
        if (text) return;
      }
    }
  });
}
