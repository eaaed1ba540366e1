/** A key range with level's iterator semantics (bounds optional). */
export interface SortedRange {
  readonly gte?: string;
  readonly lt?: string;
  readonly lte?: string;
  readonly reverse?: boolean;
  readonly limit?: number;
}

/**
 * A string-keyed map kept in key order, the in-memory stand-in for one
 * LevelDB sublevel. Inserts are O(n) (array splice), which is fine for the
 * test-sized data a MemoryStore holds.
 *
 * Keys compare as JavaScript strings (UTF-16 code units); LevelDB compares
 * UTF-8 bytes. The two orders differ only between characters above U+FFFF
 * and those in U+E000..U+FFFF, which no key part of ours depends on.
 */
export class SortedMap<V> {
  readonly #keys: string[] = [];
  readonly #values = new Map<string, V>();

  /** How many entries. */
  get size(): number {
    return this.#keys.length;
  }

  get(key: string): V | undefined {
    return this.#values.get(key);
  }

  set(key: string, value: V): void {
    if (!this.#values.has(key)) this.#keys.splice(this.#lowerBound(key), 0, key);
    this.#values.set(key, value);
  }

  delete(key: string): void {
    if (!this.#values.delete(key)) return;
    this.#keys.splice(this.#lowerBound(key), 1);
  }

  /** Entries within `range`, in key order or reversed, at most `limit`. */
  range(range: SortedRange = {}): Array<[string, V]> {
    const start = range.gte === undefined ? 0 : this.#lowerBound(range.gte);
    let end = this.#keys.length;
    if (range.lt !== undefined) end = Math.min(end, this.#lowerBound(range.lt));
    if (range.lte !== undefined) end = Math.min(end, this.#upperBound(range.lte));
    const limit = range.limit === undefined || range.limit < 0 ? Infinity : range.limit;
    const out: Array<[string, V]> = [];
    if (range.reverse === true) {
      for (let i = end - 1; i >= start && out.length < limit; i--) out.push(this.#entry(i));
    } else {
      for (let i = start; i < end && out.length < limit; i++) out.push(this.#entry(i));
    }
    return out;
  }

  #entry(i: number): [string, V] {
    const key = this.#keys[i] as string;
    return [key, this.#values.get(key) as V];
  }

  /** The first index whose key is >= `key`. */
  #lowerBound(key: string): number {
    let lo = 0;
    let hi = this.#keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#keys[mid] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first index whose key is > `key`. */
  #upperBound(key: string): number {
    let lo = 0;
    let hi = this.#keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#keys[mid] as string) <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
