/**
 * The simulator's only source of randomness. Every choice a simulation
 * makes (workload, activity behaviour, acknowledgements, crash points) is
 * drawn from a {@link Prng} derived from the seed, so a seed replays the
 * same execution.
 */
export interface Prng {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Picks a key by weight; weights need not sum to one. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  /**
   * An independent stream for one purpose, derived from the seed and `label`
   * only, so that adding draws to one stream never shifts another.
   */
  fork(label: string): Prng;
}

/** FNV-1a over the parts, then a final avalanche: a stable 32-bit hash. */
export function hash32(...parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${String(part)}\u0001`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A number in [0, 1) that depends only on the parts: a seeded function, not a stream. */
export function unitHash(...parts: ReadonlyArray<string | number>): number {
  return hash32(...parts) / 2 ** 32;
}

/** Creates a mulberry32 generator seeded with `hash32(seed)`. */
export function createPrng(seed: number | string): Prng {
  let state = hash32('prng', seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    between: (lo, hi) => lo + int(hi - lo + 1),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty array');
      return items[int(items.length)] as T;
    },
    weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
      const entries = Object.entries(weights) as Array<[K, number]>;
      const total = entries.reduce((sum, [, w]) => sum + w, 0);
      let r = next() * total;
      for (const [key, weight] of entries) {
        r -= weight;
        if (r < 0) return key;
      }
      return (entries[entries.length - 1] as [K, number])[0];
    },
    fork: (label) => createPrng(`${String(seed)}/${label}`),
  };
}
