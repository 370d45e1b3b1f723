// Rows written many to a statement: better-sqlite3 spends about as long on a call as SQLite spends writing a
// small row, so a commit's hundreds of fact, rollup and backlog rows, and a pass's thousands of subject-index
// entries, go many to a statement.
import type Database from 'better-sqlite3';

/**
 * Returns a function that runs the statement `sqlFor(n)` (which takes `perRow` parameters for each of its `n`
 * rows) over rows given as one flat array of values: `maxRows` rows to a statement, and what is left in
 * statements of a power of two rows each, so that at most ~log2(maxRows) + 1 statements are ever prepared
 * (each when first needed).
 */
export function inChunks(sqlite: Database.Database, perRow: number, maxRows: number, sqlFor: (rows: number) => string): (values: readonly unknown[]) => void {
  const statements = new Map<number, Database.Statement>();
  const statement = (rows: number) => {
    let s = statements.get(rows);
    if (!s) statements.set(rows, (s = sqlite.prepare(sqlFor(rows))));
    return s;
  };
  return (values) => {
    for (let at = 0; at < values.length; ) {
      const left = (values.length - at) / perRow;
      const rows = left >= maxRows ? maxRows : 2 ** Math.floor(Math.log2(left));
      // Spread, not an array: better-sqlite3 reads an array argument element by element through V8's API,
      // and 32 fact rows went in 68–87 µs spread against 77–122 as an array.
      statement(rows).run(...values.slice(at, (at += rows * perRow)));
    }
  };
}

/** Writes rows with `INSERT INTO table (columns) VALUES (…), (…) [suffix]` (or `verb` for INSERT), values in the order of `columns`. */
export function manyRows(sqlite: Database.Database, table: string, columns: readonly string[], maxRows: number, suffix = '', verb = 'INSERT'): (values: readonly unknown[]) => void {
  const row = `(${columns.map(() => '?').join(', ')})`;
  return inChunks(sqlite, columns.length, maxRows, (rows) => `${verb} INTO ${table} (${columns.join(', ')}) VALUES ${Array(rows).fill(row).join(', ')} ${suffix}`);
}
