// A table as a CSV file a spreadsheet opens as it is: UTF-8 with a BOM (Excel on a Chinese Windows reads a file
// without one as GBK), fields quoted per RFC 4180, lines ending CRLF.

export type Cell = string | number | null | undefined;

/**
 * One field. A cell a spreadsheet would run as a formula (= + - @, and the tab or carriage return some read the same
 * way) is prefixed with ': agents' and teams' names come from the events, which anyone posting them writes.
 */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows: Cell[][]): string {
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
