import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyQueue, pushQueue, shiftQueue } from '../../supervisors/event-queue.js';
import type { EventQueue } from '../../supervisors/event-queue.js';

describe('EventQueue', () => {
  it('behaves as an array used first-in first-out, and never changes an old version', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer(), { nil: undefined })), (ops) => {
        // An integer pushes it; undefined shifts.
        let queue: EventQueue<number> = emptyQueue();
        let model: number[] = [];
        const versions: Array<[EventQueue<number>, number[]]> = [];
        for (const op of ops) {
          if (op === undefined) {
            const shifted = shiftQueue(queue);
            expect(shifted?.[0]).toBe(model[0]);
            if (shifted !== undefined) queue = shifted[1];
            model = model.slice(1);
          } else {
            queue = pushQueue(queue, op);
            model = [...model, op];
          }
          expect(queue.length).toBe(model.length);
          versions.push([queue, model]);
        }
        for (const [version, expected] of versions) expect([...version]).toEqual(expected);
      }),
    );
  });
});
