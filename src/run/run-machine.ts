import { fromPromise, setup, spawnChild, stopChild } from 'xstate';

/**
 * What the engine supplies to a run actor: the lifecycle work. `run/` keeps
 * the shape; the engine provides the behaviour with `machine.provide`, so
 * this module never touches the store, timers or the clock.
 */
export interface RunActorHost {
  /** The actor of the current incarnation started; events for it go to `self`. */
  attach(self: { send(event: RunActorEvent): void }): void;
  /** Loads history, replays it and runs the code live; resolves when the run ended. */
  execute(report: (phase: 'replaying' | 'running' | 'blocked') => void): Promise<void>;
  /** Runs one activity attempt to its result. */
  attempt(request: AttemptSpawn, signal: AbortSignal): Promise<AttemptOutput>;
  /** An attempt finished (the actor has already released it). */
  attemptDone(output: AttemptOutput): void;
}

/** The request to start an attempt actor. */
export interface AttemptSpawn {
  readonly activityId: number;
  readonly attempt: number;
}

/** What an attempt actor resolves with. */
export interface AttemptOutput {
  readonly activityId: number;
  readonly attempt: number;
  readonly result: unknown;
}

/** Events a run actor accepts. */
export type RunActorEvent =
  | { readonly type: 'ATTEMPT.START'; readonly request: AttemptSpawn }
  | { readonly type: 'ATTEMPT.STOP'; readonly activityId: number; readonly attempt: number }
  | { readonly type: 'PHASE'; readonly phase: 'replaying' | 'running' | 'blocked' };

/** The name of an attempt child actor. */
export function attemptActorId(activityId: number, attempt: number): string {
  return `attempt:${activityId}.${attempt}`;
}

/**
 * The run-lifecycle machine: `loading` (history read and replay under way)
 * -> `running` (live) -> `done`; `blocked` on nondeterminism (nothing is
 * recorded; a reopen with fixed code resumes it). Activity attempts are
 * spawned as children, so stopping or crashing the run actor stops them. An
 * exception from the execution is not handled here on purpose: the actor
 * errors, and its supervisor decides (restart by replay, or crash loop).
 */
export const runMachine = setup({
  types: {
    context: {} as { readonly host: RunActorHost },
    input: {} as { readonly host: RunActorHost },
    events: {} as RunActorEvent,
  },
  actors: {
    execute: fromPromise<void, { host: RunActorHost; self: { send(e: RunActorEvent): void } }>(
      // A phase reported after the run actor stopped (engine closing) has no one to tell.
      ({ input, signal }) => {
        // Attach here, not in an entry action: invoked actors start first.
        input.host.attach(input.self);
        return input.host.execute((phase) => {
          if (!signal.aborted) input.self.send({ type: 'PHASE', phase });
        });
      },
    ),
    attempt: fromPromise<AttemptOutput, { host: RunActorHost; request: AttemptSpawn }>(
      ({ input, signal }) => input.host.attempt(input.request, signal),
    ),
  },
}).createMachine({
  id: 'run',
  context: ({ input }) => ({ host: input.host }),
  // The execution is invoked on the root so that its completion ends the
  // actor from any phase; attempts are handled one level down, where a
  // guarded wildcard picks out their completions first.
  invoke: {
    id: 'execution',
    src: 'execute',
    input: ({ context, self }) => ({ host: context.host, self }),
    onDone: '.done',
  },
  initial: 'loading',
  states: {
    loading: {},
    running: {},
    blocked: {},
    done: { type: 'final' },
  },
  on: {
    PHASE: [
      { guard: ({ event }) => event.phase === 'running', target: '.running' },
      { guard: ({ event }) => event.phase === 'blocked', target: '.blocked' },
    ],
    'ATTEMPT.START': {
      actions: spawnChild('attempt', {
        id: ({ event }) => {
          const { request } = event;
          return attemptActorId(request.activityId, request.attempt);
        },
        input: ({ context, event }) => ({
          host: context.host,
          request: (event as StartEvent).request,
        }),
      }),
    },
    'ATTEMPT.STOP': {
      actions: stopChild(({ event }) => {
        const stop = event;
        return attemptActorId(stop.activityId, stop.attempt);
      }),
    },
    '*': {
      guard: ({ event }) => isAttemptDone(event),
      actions: [
        stopChild(({ event }) => (event as unknown as AttemptDoneEvent).actorId),
        ({ context, event }) =>
          context.host.attemptDone((event as unknown as AttemptDoneEvent).output),
      ],
    },
  },
});

type StartEvent = Extract<RunActorEvent, { type: 'ATTEMPT.START' }>;
interface AttemptDoneEvent {
  readonly type: string;
  readonly actorId: string;
  readonly output: AttemptOutput;
}

const DONE_PREFIX = 'xstate.done.actor.attempt:';

function isAttemptDone(event: { type: string }): boolean {
  return event.type.startsWith(DONE_PREFIX);
}
