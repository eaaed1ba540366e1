// Contract
export type {
  CommitResult,
  Durability,
  EventStore,
  ListFilter,
  ListPage,
  RunAppend,
  RunSummary,
  TimerEntry,
} from './event-store.js';
