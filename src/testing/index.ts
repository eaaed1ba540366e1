// Test environment: in-memory store, virtual clock, time skipping
export { TestEnvironment } from './test-environment.js';
export type { TestEnvironmentOptions } from './test-environment.js';
export { clockPort } from './clock-port.js';
export type { ClockPort } from './clock-port.js';
export { virtualClock } from '../core/index.js';
export type { VirtualClock } from '../core/index.js';

// Replay without side effects
export { replayHistory } from '../index.js';
export type { ReplayOutcome, ReplayResult } from '../index.js';

// Stores
export { MemoryStore, createMemoryStoreData, verifyMemoryStore } from '../store/index.js';
export type { MemoryStoreData, MemoryStoreOptions } from '../store/index.js';

// Disk faults
export { FaultInjectingStore } from './fault-injecting-store.js';
export type {
  DiskFault,
  FailOptions,
  FaultInjectingStoreOptions,
  FaultStats,
} from './fault-injecting-store.js';

// Conformance suite
export { describeEventStoreConformance } from './store-conformance.js';
export type { CorruptionTarget, StoreFactory } from './store-conformance.js';
