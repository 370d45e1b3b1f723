import type Database from 'better-sqlite3';

/**
 * The stored event with the highest id that starts with `idPrefix` (one probe of the id index): for ids that count
 * up, as the simulator's do, its newest. Undefined when none is stored.
 */
export function newestEventWithIdPrefix(sqlite: Database.Database, idPrefix: string): { id: string; at: number } | undefined {
  // Ids compare as bytes: every id with the prefix sorts below the prefix followed by U+FFFF (EF BF BF in UTF-8).
  return sqlite.prepare('SELECT id, at FROM events WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1').get(idPrefix, `${idPrefix}\uffff`) as
    | { id: string; at: number }
    | undefined;
}
