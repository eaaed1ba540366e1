import type { EventStore } from '../../store/index.js';
import type { CorruptionTarget } from '../store-conformance.js';

/** What the case definitions get from the suite: store access that cleans up after itself. */
export interface ConformanceContext<S extends EventStore = EventStore> {
  /** A fresh store, closed after the case. */
  open(): Promise<S>;
  /** Closes `store` and opens its data again; absent when the factory cannot. */
  readonly reopen: ((store: S) => Promise<S>) | undefined;
  /** Makes one record undecodable; absent when the factory cannot. */
  readonly corrupt: ((store: S, target: CorruptionTarget) => Promise<S>) | undefined;
}
