import { afterEach, describe } from 'vitest';
import type { EventStore } from '../store/index.js';
import { defineCommitCases } from './conformance/commit-cases.js';
import { defineHistoryCases } from './conformance/history-cases.js';
import { defineIndexCases } from './conformance/index-cases.js';
import { defineLifecycleCases } from './conformance/lifecycle-cases.js';
import { defineListingCases } from './conformance/listing-cases.js';
import type { ConformanceContext } from './conformance/context.js';

/** A stored record that {@link StoreFactory.corrupt} makes undecodable. */
export type CorruptionTarget =
  | {
      readonly kind: 'event';
      readonly workflowId: string;
      readonly runId: string;
      readonly seq: number;
    }
  | { readonly kind: 'summary'; readonly workflowId: string; readonly runId: string };

/**
 * How the conformance suite gets stores. Only `open` is required; the cases
 * that need `reopen` or `corrupt` are not defined (not skipped: absent) when
 * the factory lacks them.
 */
export interface StoreFactory<S extends EventStore = EventStore> {
  /** Opens a fresh, empty store. The suite closes it after each case. */
  open(): Promise<S>;
  /** Opens the data of `closed` (already closed by the suite) in a new store. */
  reopen?(closed: S): Promise<S>;
  /**
   * Replaces the stored bytes of `target` in `store` with bytes that cannot
   * be decoded, and returns the store to go on with (the same one, or a new
   * one over the same data if the store had to be closed to tamper with it).
   */
  corrupt?(store: S, target: CorruptionTarget): Promise<S>;
  /** Called after each case, once its stores are closed (e.g. to remove temp dirs). */
  cleanup?(): Promise<void>;
}

/**
 * Defines the {@link EventStore} conformance suite with vitest's `describe`
 * and `it`: round trip of every event type, range reads, sequence conflicts,
 * concurrent commits, atomic multi-run commits, malformed appends, every
 * index kept consistent with history, timer due boundaries, listing filters
 * and cursors, calls after close, and (when the factory supports them)
 * reopening and corruption reporting. Any store that passes it can back the
 * engine.
 *
 * @param name names the store in test titles.
 * @param factory opens (and optionally reopens or corrupts) stores.
 *
 * @example
 * ```ts
 * import { describeEventStoreConformance } from 'aion-ts/testing';
 * describeEventStoreConformance('MyStore', { open: async () => new MyStore() });
 * ```
 */
export function describeEventStoreConformance<S extends EventStore>(
  name: string,
  factory: StoreFactory<S>,
): void {
  describe(`EventStore conformance: ${name}`, () => {
    const opened: S[] = [];
    const track = (store: S): S => {
      opened.push(store);
      return store;
    };
    const ctx: ConformanceContext<S> = {
      open: async () => track(await factory.open()),
      reopen:
        factory.reopen === undefined
          ? undefined
          : async (store) => {
              await store.close();
              return track(await (factory.reopen as (s: S) => Promise<S>)(store));
            },
      corrupt:
        factory.corrupt === undefined
          ? undefined
          : async (store, target) =>
              track(
                await (factory.corrupt as NonNullable<StoreFactory<S>['corrupt']>)(store, target),
              ),
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      await factory.cleanup?.();
    });
    defineHistoryCases(ctx);
    defineCommitCases(ctx);
    defineIndexCases(ctx);
    defineListingCases(ctx);
    defineLifecycleCases(ctx);
  });
}
