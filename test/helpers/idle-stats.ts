import type { EngineStats } from '../../src/index.js';

/** `engine.stats()` of an engine that holds nothing: every run ended, nothing leaked. */
export const IDLE_ENGINE_STATS: EngineStats = {
  residentRuns: 0,
  residencyEntries: 0,
  wakingRuns: 0,
  blockedRuns: 0,
  runningRuns: 0,
  hostedRuns: 0,
  runActors: 0,
  stoppingActors: 0,
  timersInFlight: 0,
  timerArmed: false,
  watchedRuns: 0,
  startsInProgress: 0,
};
