// Rows written many to a statement: better-sqlite3 spends about as long on a call as SQLite spends writing a
// small row, so a commit's hundreds of fact and rollup rows go a few dozen to an INSERT.
import type Database from 'better-sqlite3';

/**
 * Returns a function that writes rows given as one flat array of values (`perRow` to a row, in the order of
 * `columns`) with `INSERT INTO table (columns) VALUES (…), (…) [suffix]`, `maxRows` rows to a statement. A
 * statement for each number of rows is prepared when first needed.
 */
export function manyRows(sqlite: Database.Database, table: string, columns: readonly string[], maxRows: number, suffix = ''): (values: readonly unknown[]) => void {
  const perRow = columns.length;
  const row = `(${columns.map(() => '?').join(', ')})`;
  const statements = new Map<number, Database.Statement>();
  const insert = (rows: number) => {
    let s = statements.get(rows);
    if (!s) statements.set(rows, (s = sqlite.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(rows).fill(row).join(', ')} ${suffix}`)));
    return s;
  };
  return (values) => {
    for (let at = 0; at < values.length; at += maxRows * perRow) {
      const chunk = values.slice(at, at + maxRows * perRow);
      insert(chunk.length / perRow).run(chunk);
    }
  };
}
