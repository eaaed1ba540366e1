/**
 * A seeded PRNG for `ctx.random()` and `ctx.uuid()`: the same
 * (workflowId, runId) yields the same sequence on every replay.
 */
export interface DeterministicRandom {
  /** A number in [0, 1). */
  next(): number;
  /** A UUID in v4 format built from the same sequence. */
  uuid(): string;
}

// FNV-1a over the ids: cheap, stable across platforms, good enough to seed.
function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Creates the run's PRNG: sfc32 seeded by hashes of `workflowId` and
 * `runId`. Deterministic by construction; not for cryptography.
 */
export function createDeterministicRandom(workflowId: string, runId: string): DeterministicRandom {
  let a = fnv1a(workflowId, 0x811c9dc5);
  let b = fnv1a(runId, 0x811c9dc5);
  let c = fnv1a(runId, a);
  let d = 1;
  const next32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next32();
  const hex = (n: number): string => n.toString(16).padStart(8, '0');
  return {
    next: () => next32() / 4294967296,
    uuid() {
      const h = hex(next32()) + hex(next32()) + hex(next32()) + hex(next32());
      const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
}
