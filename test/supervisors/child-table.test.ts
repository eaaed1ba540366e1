import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  childList,
  emptyChildTable,
  getChild,
  removeChild,
  setChild,
} from '../../supervisors/child-table.js';
import type { ChildTable } from '../../supervisors/child-table.js';

interface Child {
  readonly id: string;
  readonly v: number;
}

describe('ChildTable', () => {
  it('behaves as an ordered list of unique ids and never changes an old version', () => {
    const op = fc.record({
      put: fc.boolean(),
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
      v: fc.integer(),
    });
    fc.assert(
      fc.property(fc.array(op), (ops) => {
        let table: ChildTable<Child> = emptyChildTable();
        let model: Child[] = [];
        const versions: Array<[ChildTable<Child>, Child[]]> = [];
        for (const { put, id, v } of ops) {
          if (put) {
            table = setChild(table, { id, v });
            const at = model.findIndex((c) => c.id === id);
            model =
              at >= 0 ? model.map((c, i) => (i === at ? { id, v } : c)) : [...model, { id, v }];
          } else {
            table = removeChild(table, id);
            model = model.filter((c) => c.id !== id);
          }
          expect(table.size).toBe(model.length);
          expect(getChild(table, id)).toEqual(model.find((c) => c.id === id));
          versions.push([table, model]);
        }
        for (const [version, expected] of versions) {
          expect([...version]).toEqual(expected);
          expect(childList(version)).toEqual(expected);
        }
      }),
    );
  });

  it('keeps start order across many children spread over its buckets', () => {
    let table: ChildTable<Child> = emptyChildTable();
    for (let i = 0; i < 5_000; i++) table = setChild(table, { id: `run-${i}`, v: i });
    for (let i = 0; i < 5_000; i += 2) table = removeChild(table, `run-${i}`);
    const ids = [...table].map((c) => c.v);
    expect(ids).toEqual(Array.from({ length: 2_500 }, (_, k) => 2 * k + 1));
  });
});
