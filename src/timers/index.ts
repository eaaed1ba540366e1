// Timer service
export { createTimerService, timerKey } from './timer-service.js';
export type { TimerService, TimerServiceOptions } from './timer-service.js';
