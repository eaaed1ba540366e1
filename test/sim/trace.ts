import { createHash } from 'node:crypto';
import type { MemoryStoreData } from '../../src/store/index.js';

/**
 * The simulator's record of what it did and what it saw, in order. Its
 * digest, with the bytes of the durable tables, identifies an execution:
 * the same seed must give the same digest.
 */
export class Trace {
  readonly #lines: string[] = [];

  add(line: string): void {
    this.#lines.push(line);
  }

  get length(): number {
    return this.#lines.length;
  }

  /** The last `n` lines, for a failure report. */
  tail(n: number): readonly string[] {
    return this.#lines.slice(-n);
  }

  /** sha256 over every line and every key and value of the durable tables, in key order. */
  digest(data: MemoryStoreData): string {
    const hash = createHash('sha256');
    for (const line of this.#lines) hash.update(line).update('\n');
    const tables = [
      ['history', data.history],
      ['runs', data.runs],
      ...Object.entries(data.indexes),
    ] as const;
    for (const [name, table] of tables) {
      hash.update(`#${name}\n`);
      for (const [key, value] of table.range()) {
        hash.update(key).update('\u0000').update(value).update('\n');
      }
    }
    return hash.digest('hex');
  }
}
