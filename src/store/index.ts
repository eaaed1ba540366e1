// Contract
export type {
  CommitResult,
  CorruptionListener,
  Durability,
  EventStore,
  ListFilter,
  ListPage,
  RunAppend,
  RunSummary,
  TimerEntry,
} from './event-store.js';

// Stores
export { LevelStore } from './level-store.js';
export type { LevelStoreOptions } from './level-store-options.js';
export type { LevelStoreStats } from './level-store-stats.js';
export type { BatchInfo } from './level-batch.js';
export { MemoryStore, createMemoryStoreData } from './memory-store.js';
export type { MemoryStoreData, MemoryStoreOptions } from './memory-store.js';
export type { GroupCommitStats } from './group-commit.js';

// Checking a store (aion doctor)
export { verifyMemoryStore, verifyRecords, verifyStore } from './store-doctor.js';
export { memoryRawRecords } from './raw-records.js';
export type { RawEntry, RawRecords, SublevelName } from './raw-records.js';
export type {
  StoreProblem,
  StoreProblemKind,
  StoreVerification,
  VerifyOptions,
} from './store-problems.js';
export type { AdmissionRelease } from './write-admission.js';

// Projection and indexes (pure; shared by every store built on them)
export { applyEvents } from './run-projection.js';
export { INDEX_NAMES, indexChanges } from './index-changes.js';
export type { IndexName, IndexOp } from './index-changes.js';
export { planCommit } from './commit-plan.js';
export type { CommitPlan, HeadReader, PlannedRun } from './commit-plan.js';

// Key layout
export {
  KEY_END,
  KEY_SEPARATOR,
  describeKey,
  historyKey,
  listingKey,
  parseRunKey,
  parseTimerKey,
  runKey,
  seqOfHistoryKey,
  timerKey,
} from './key-codec.js';
export { INDEX_SUBLEVELS } from './level-layout.js';
export { SortedMap } from './sorted-map.js';
