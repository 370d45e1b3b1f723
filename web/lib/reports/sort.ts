// A report table's rows in the order of the column a manager chose; rows with no figure last, whichever the direction.

export type Direction = 'asc' | 'desc';

export function sortRows<T>(rows: readonly T[], value: (row: T) => string | number | null, direction: Direction, locale: string): T[] {
  const collator = new Intl.Collator(locale, { numeric: true });
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return sign * (typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y)));
  });
}

/** The direction after a click on a column's header: the other way on the same column; a new column starts `first`. */
export function nextSort(current: { column: string; direction: Direction }, column: string, first: Direction): { column: string; direction: Direction } {
  return current.column === column ? { column, direction: current.direction === 'asc' ? 'desc' : 'asc' } : { column, direction: first };
}
