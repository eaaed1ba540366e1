import type { ActorLogic, AnyActorRef, Snapshot } from 'xstate';
import type { AttemptOutput, AttemptRun, AttemptSpawn, RunActorHost } from './run-actor-logic.js';

/** The input of an attempt actor. */
export interface AttemptInput {
  readonly host: RunActorHost;
  readonly request: AttemptSpawn;
}

type AttemptEvent =
  | { readonly type: 'attempt.done'; readonly output: AttemptOutput }
  | { readonly type: 'attempt.error'; readonly error: unknown }
  | { readonly type: 'xstate.stop' };

type AttemptSnapshot = Snapshot<AttemptOutput> & { readonly input: AttemptInput };

const running = new WeakMap<AnyActorRef, AttemptRun>();

/**
 * One activity attempt as an XState actor, child of its run actor: it ends
 * `done` with the attempt's output (the parent receives
 * `xstate.done.actor.<id>`), and stopping it aborts the attempt. Like
 * `fromPromise`, minus the AbortController `fromPromise` makes for every
 * actor: most activities never read `actx.signal`, and the attempt makes its
 * controller only when one does.
 */
export const attemptLogic: ActorLogic<AttemptSnapshot, AttemptEvent, AttemptInput> = {
  getInitialSnapshot: (_scope, input) => ({
    status: 'active',
    output: undefined,
    error: undefined,
    input,
  }),

  start(snapshot, scope) {
    const { self } = scope;
    const run = snapshot.input.host.attempt(snapshot.input.request);
    running.set(self, run);
    run.output.then(
      (output) => {
        if (self.getSnapshot().status === 'active') self.send({ type: 'attempt.done', output });
      },
      (error: unknown) => {
        if (self.getSnapshot().status === 'active') self.send({ type: 'attempt.error', error });
      },
    );
  },

  transition(snapshot, event, scope) {
    if (snapshot.status !== 'active') return snapshot;
    switch (event.type) {
      case 'attempt.done':
        running.delete(scope.self);
        return { ...snapshot, status: 'done', output: event.output };
      case 'attempt.error':
        running.delete(scope.self);
        return { ...snapshot, status: 'error', error: event.error };
      case 'xstate.stop':
        running
          .get(scope.self)
          ?.abort(new DOMException('This operation was aborted', 'AbortError'));
        running.delete(scope.self);
        return { ...snapshot, status: 'stopped' };
      default:
        return snapshot;
    }
  },

  getPersistedSnapshot: (snapshot) => snapshot,
};
