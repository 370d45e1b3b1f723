import type Database from 'better-sqlite3';

/** The time of the stored event with the greatest id of those starting with `idPrefix` (through the id index), if any. */
export function newestEventAt(sqlite: Database.Database, idPrefix: string): number | undefined {
  // Ids compare as bytes: every id with the prefix sorts below the prefix followed by U+FFFF (EF BF BF in UTF-8).
  return sqlite.prepare('SELECT at FROM events WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1').pluck().get(idPrefix, `${idPrefix}\uffff`) as number | undefined;
}
