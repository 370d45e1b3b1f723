// Rows written many to a statement: better-sqlite3 spends about as long on a call as SQLite spends writing a
// small row, so a commit's hundreds of fact and rollup rows, and a pass's thousands of subject-index entries,
// go many to an INSERT.
import type Database from 'better-sqlite3';

/**
 * Returns a function that writes rows given as one flat array of values (`columns.length` to a row, in the
 * order of `columns`) with `INSERT INTO table (columns) VALUES (…), (…) [suffix]`: `maxRows` rows to a
 * statement, and what is left in statements of a power of two rows each, so that at most ~log2(maxRows) + 1
 * statements are ever prepared (each when first needed).
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
    for (let at = 0; at < values.length; ) {
      const left = (values.length - at) / perRow;
      const rows = left >= maxRows ? maxRows : 2 ** Math.floor(Math.log2(left));
      insert(rows).run(values.slice(at, (at += rows * perRow)));
    }
  };
}
