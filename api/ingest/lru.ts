/**
 * A size-bounded map that forgets what was least recently used, approximately: entries live in a young and
 * an old generation; a hit in the old one moves the entry to the young one, and when the young one is full
 * the old one is dropped whole. A hit in the young generation is one plain lookup, with no reordering: the
 * ingest path touches its hot rows many times per event. Holds between `capacity` and 2 × `capacity` entries.
 */
export class Lru<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.set(key, aged);
    }
    return aged;
  }

  set(key: K, value: V): void {
    if (!this.young.has(key) && this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
    this.old.delete(key);
    this.young.set(key, value);
  }

  delete(key: K): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  /** Every value held, in no particular order. */
  *values(): IterableIterator<V> {
    yield* this.young.values();
    yield* this.old.values();
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
