import type Database from 'better-sqlite3';

/**
 * The time of the stored event with the highest id starting with `idPrefix` (one probe of the id index): for ids
 * that count up, as the simulator's do, its newest. Undefined when none is stored.
 */
export function lastEventAtWithIdPrefix(sqlite: Database.Database, idPrefix: string): number | undefined {
  // Ids compare as bytes: every id with the prefix sorts below the prefix followed by U+FFFF (EF BF BF in UTF-8).
  return sqlite.prepare('SELECT at FROM events WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1').pluck().get(idPrefix, `${idPrefix}\uffff`) as number | undefined;
}
