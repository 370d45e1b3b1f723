import type Database from 'better-sqlite3';

/** Whether an event whose id starts with `idPrefix` is stored (one probe of the id index). */
export function hasEventWithIdPrefix(sqlite: Database.Database, idPrefix: string): boolean {
  // Ids compare as bytes: every id with the prefix sorts below the prefix followed by U+FFFF (EF BF BF in UTF-8).
  return sqlite.prepare('SELECT 1 FROM events WHERE id >= ? AND id < ? LIMIT 1').get(idPrefix, `${idPrefix}\uffff`) !== undefined;
}
