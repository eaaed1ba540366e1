type Cell<T> = { readonly value: T; readonly next: Cell<T> } | undefined;

/**
 * An immutable first-in first-out queue: `push` and `shift` return a new
 * queue and never change the old one, in O(1) (`shift` amortized). The
 * supervisor defers the commands that arrive while an operation is under
 * way; with an array copied on each change, a burst of n deferred commands
 * (10,000 runs waking at once) cost O(n²).
 *
 * @example
 * ```ts
 * const q = pushQueue(pushQueue(emptyQueue<number>(), 1), 2);
 * shiftQueue(q); // [1, queue of 2]
 * ```
 */
export interface EventQueue<T> extends Iterable<T> {
  readonly length: number;
}

class Queue<T> implements EventQueue<T> {
  constructor(
    /** Oldest first. */
    readonly front: Cell<T>,
    /** Newest first. */
    readonly back: Cell<T>,
    readonly length: number,
  ) {}

  *[Symbol.iterator](): Iterator<T> {
    for (let cell = this.front; cell !== undefined; cell = cell.next) yield cell.value;
    const back: T[] = [];
    for (let cell = this.back; cell !== undefined; cell = cell.next) back.push(cell.value);
    for (let i = back.length - 1; i >= 0; i--) yield back[i] as T;
  }
}

const EMPTY = new Queue<never>(undefined, undefined, 0);

/** The empty queue. */
export function emptyQueue<T>(): EventQueue<T> {
  return EMPTY;
}

/** A queue with `value` added at the end. */
export function pushQueue<T>(queue: EventQueue<T>, value: T): EventQueue<T> {
  const q = queue as Queue<T>;
  return new Queue(q.front, { value, next: q.back }, q.length + 1);
}

/** The first value and the queue without it, or `undefined` when empty. */
export function shiftQueue<T>(queue: EventQueue<T>): [T, EventQueue<T>] | undefined {
  let q = queue as Queue<T>;
  if (q.front === undefined) {
    if (q.back === undefined) return undefined;
    let front: Cell<T>;
    for (let cell: Cell<T> = q.back; cell !== undefined; cell = cell.next) {
      front = { value: cell.value, next: front };
    }
    q = new Queue(front, undefined, q.length);
  }
  const head = q.front as NonNullable<Cell<T>>;
  return [head.value, new Queue(head.next, q.back, q.length - 1)];
}
