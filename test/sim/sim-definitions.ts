import {
  AionError,
  ApplicationError,
  CancelledError,
  defineActivity,
  defineWorkflow,
} from '../../src/index.js';
import type {
  ActivityContext,
  ActivityDefinition,
  ActivityOptions,
  WorkflowContext,
  WorkflowDefinition,
} from '../../src/index.js';
import { hash32 } from './prng.js';
import type {
  ActivityProfile,
  FlowInput,
  FlowState,
  LogEntry,
  Op,
  SignalPayload,
} from './script.js';
import { SimWorld, behaviourOf } from './sim-world.js';

/** The input of the simulated activity. */
export interface TaskInput {
  readonly key: string;
  /** The heartbeat timeout of the call, if any: the activity heartbeats at half of it. */
  readonly hb?: number;
}

/** What the simulated activity returns: unique per execution, so a recorded result names its execution. */
export interface TaskResult {
  readonly key: string;
  readonly attempt: number;
  readonly v: number;
  readonly exec: number;
}

/** The definitions of one simulation, bound to its world. */
export interface SimDefinitions {
  readonly flow: WorkflowDefinition<FlowInput, FlowState>;
  readonly task: ActivityDefinition<TaskInput, TaskResult>;
  readonly workflows: readonly WorkflowDefinition[];
  readonly activities: readonly ActivityDefinition[];
}

/** Sleeps `ms` on the world's clock, heartbeating every `hb / 2` ms when `hb` is set. */
async function work(clock: SimWorld['clock'], ms: number, actx: ActivityContext, hb?: number) {
  if (hb === undefined) return SimWorld.sleep(clock, ms, actx.signal);
  let left = ms;
  const beat = Math.max(1, Math.floor(hb / 2));
  while (left > 0) {
    const slice = Math.min(beat, left);
    await SimWorld.sleep(clock, slice, actx.signal);
    left -= slice;
    actx.heartbeat({ left });
  }
}

function activityOptions(profile: ActivityProfile): ActivityOptions {
  return {
    retry: {
      maxAttempts: profile.maxAttempts,
      initialIntervalMs: profile.initialIntervalMs,
      nonRetryable: ['Fatal'],
    },
    timeoutMs: profile.timeoutMs,
    ...(profile.heartbeatTimeoutMs === undefined
      ? {}
      : { heartbeatTimeoutMs: profile.heartbeatTimeoutMs }),
  };
}

/**
 * Creates the simulated activity and workflow over `world`.
 *
 * The activity's behaviour per attempt comes from {@link behaviourOf}; it
 * waits on the clock of the incarnation it started in, so a crash freezes it
 * with its engine. The workflow interprets a {@link Op} script and logs what
 * its code received: the log is its result, its `state` query, and the
 * `prevLog` of the next run of a continue-as-new, for the checks to compare
 * with history.
 */
export function createSimDefinitions(world: SimWorld): SimDefinitions {
  const task = defineActivity('simTask', async (input: TaskInput, actx): Promise<TaskResult> => {
    const behaviour = behaviourOf(world.seed, input.key, actx.attempt);
    const exec = world.priorExecutions(actx.idempotencyKey, actx.attempt) + 1;
    const record = world.beginAttempt(actx.idempotencyKey, actx.attempt, behaviour);
    const clock = world.clock;
    try {
      if (behaviour.kind === 'hang') {
        // Never returns: only the attempt timeout, a heartbeat timeout or
        // cancellation ends it (the signal rejects the sleep).
        await SimWorld.sleep(clock, Number.MAX_SAFE_INTEGER / 4, actx.signal);
        throw new Error('unreachable');
      }
      await work(clock, behaviour.ms, actx, input.hb);
      if (behaviour.kind === 'fail') throw new Error(`transient failure of ${input.key}`);
      if (behaviour.kind === 'fatal') {
        throw new ApplicationError(`fatal failure of ${input.key}`, { type: 'Fatal' });
      }
      const result: TaskResult = {
        key: input.key,
        attempt: actx.attempt,
        v: hash32(world.seed, input.key, actx.attempt),
        exec,
      };
      record.returned = result;
      return result;
    } catch (error) {
      record.threw = error instanceof Error ? error.name : 'non-error';
      throw error;
    } finally {
      record.finished = true;
    }
  });

  const flow: WorkflowDefinition<FlowInput, FlowState> = defineWorkflow(
    'simFlow',
    async (ctx: WorkflowContext, input: FlowInput): Promise<FlowState> => {
      const interpreter = new Interpreter(ctx, input, world, task, () => flow);
      return interpreter.run();
    },
  );
  return { flow, task, workflows: [flow], activities: [task] };
}

/** A pending child started without waiting. */
interface PendingChild {
  readonly id: string;
  readonly result: Promise<FlowState>;
}

/** Runs one script; one instance per execution of the workflow function. */
class Interpreter {
  readonly #ctx: WorkflowContext;
  readonly #input: FlowInput;
  readonly #world: SimWorld;
  readonly #task: ActivityDefinition<TaskInput, TaskResult>;
  readonly #flow: () => WorkflowDefinition<FlowInput, FlowState>;
  readonly #log: LogEntry[] = [];
  #waiting = 'start';
  #activities = 0;
  #childOrdinal = 0;
  readonly #children: PendingChild[] = [];

  constructor(
    ctx: WorkflowContext,
    input: FlowInput,
    world: SimWorld,
    task: ActivityDefinition<TaskInput, TaskResult>,
    flow: () => WorkflowDefinition<FlowInput, FlowState>,
  ) {
    this.#ctx = ctx;
    this.#input = input;
    this.#world = world;
    this.#task = task;
    this.#flow = flow;
    ctx.onQuery('state', (): FlowState => ({ log: [...this.#log], waiting: this.#waiting }));
  }

  async run(): Promise<FlowState> {
    try {
      const script = this.#input.script;
      for (let pc = 0; pc < script.length; pc++) {
        await this.#step(script[pc] as Op, pc);
      }
      for (const child of this.#children) {
        this.#waiting = `child:${child.id}`;
        await this.#childResult(child.id, child.result);
      }
      this.#waiting = 'done';
      return { log: this.#log, waiting: this.#waiting };
    } catch (error) {
      if (!(error instanceof CancelledError && this.#input.catchCancel)) throw error;
      if (!this.#ctx.cancellation.requested) throw error;
      // Compensation after cancellation: further commands work normally.
      this.#log.push({ k: 'cancelled' });
      const key = `comp:${this.#ctx.workflowId}:${this.#ctx.runId}`;
      const profile = { maxAttempts: 2, initialIntervalMs: 100, timeoutMs: 5_000 };
      await this.#activity(key, profile);
      this.#waiting = 'done';
      return { log: this.#log, waiting: this.#waiting };
    }
  }

  /** The next activity ordinal: allocated synchronously, in call order, as the engine does. */
  #call(key: string, profile: ActivityProfile): { n: number; result: Promise<TaskResult> } {
    const n = ++this.#activities;
    const input: TaskInput =
      profile.heartbeatTimeoutMs === undefined ? { key } : { key, hb: profile.heartbeatTimeoutMs };
    return { n, result: this.#ctx.activity(this.#task, input, activityOptions(profile)) };
  }

  async #activity(key: string, profile: ActivityProfile): Promise<void> {
    this.#waiting = 'activity';
    const { n, result } = this.#call(key, profile);
    await this.#logActivity(n, result);
  }

  async #logActivity(n: number, result: Promise<TaskResult>): Promise<void> {
    try {
      this.#log.push({ k: 'act', n, r: await result });
    } catch (error) {
      if (this.#isOwnCancellation(error) || !(error instanceof AionError)) throw error;
      this.#log.push({ k: 'actErr', n, code: error.code });
    }
  }

  #isOwnCancellation(error: unknown): boolean {
    return error instanceof CancelledError && this.#ctx.cancellation.requested;
  }

  async #childResult(id: string, result: Promise<FlowState>): Promise<void> {
    try {
      this.#log.push({ k: 'child', id, ok: true, r: await result });
    } catch (error) {
      if (this.#isOwnCancellation(error) || !(error instanceof AionError)) throw error;
      this.#log.push({ k: 'child', id, ok: false, code: error.code });
    }
  }

  async #step(op: Op, pc: number): Promise<void> {
    const ctx = this.#ctx;
    switch (op.op) {
      case 'activity':
        return this.#activity(op.key, op.profile);
      case 'parallel': {
        this.#waiting = 'activity';
        const calls = op.keys.map((key) => this.#call(key, op.profile));
        // Every call settles before any is logged, in call order.
        await Promise.allSettled(calls.map((call) => call.result));
        for (const call of calls) await this.#logActivity(call.n, call.result);
        return;
      }
      case 'race': {
        this.#waiting = 'race';
        const call = this.#call(op.key, op.profile);
        call.result.catch(() => undefined);
        try {
          await ctx.withTimeout(call.result, op.ms);
          this.#log.push({ k: 'race', n: call.n, won: 'activity' });
        } catch (error) {
          if (this.#isOwnCancellation(error) || !(error instanceof AionError)) throw error;
          this.#log.push({
            k: 'race',
            n: call.n,
            won: error.code === 'TIMEOUT' ? 'timer' : 'activity',
          });
        }
        return;
      }
      case 'sleep':
        this.#waiting = 'sleep';
        return ctx.sleep(op.ms);
      case 'timerCancel': {
        const timer = ctx.timer(op.ms);
        timer.fired.catch(() => undefined);
        this.#waiting = 'sleep';
        await ctx.sleep(op.sleepMs);
        timer.cancel();
        return;
      }
      case 'signal': {
        this.#waiting = `signal:${op.name}`;
        try {
          const payload = await ctx.signal<SignalPayload>(
            op.name,
            op.timeoutMs === undefined ? {} : { timeout: op.timeoutMs },
          );
          this.#log.push({ k: 'sig', name: op.name, sid: payload.sid });
        } catch (error) {
          if (!(error instanceof AionError) || error.code !== 'TIMEOUT') throw error;
          this.#log.push({ k: 'sigTimeout', name: op.name });
        }
        return;
      }
      case 'child':
        return this.#child(op);
      case 'notify':
        if (this.#input.parentId === undefined) return;
        this.#waiting = 'notify';
        return ctx.signalWorkflow(this.#input.parentId, op.name, {
          sid: `n:${ctx.workflowId}:${ctx.runId}:${pc}`,
        } satisfies SignalPayload);
      case 'entropy':
        this.#log.push({ k: 'entropy', t: ctx.now(), v: ctx.random(), u: ctx.uuid() });
        return;
      case 'continueAsNew':
        ctx.continueAsNew({
          ...this.#input,
          script: this.#input.script.slice(pc + 1),
          prevLog: this.#log,
          generation: this.#input.generation + 1,
        } satisfies FlowInput);
        return;
      case 'fail':
        throw new ApplicationError('scripted failure');
      case 'boom':
        if (this.#world.checking) {
          // Replaying for the checks: a run that never got past this step
          // alive (it was still crashing when it ended) stops here.
          if (this.#world.booms(ctx.runId, pc) <= op.times) await new Promise(() => undefined);
          return;
        }
        if (this.#world.boom(ctx.runId, pc) <= op.times) {
          throw new Error(`scripted crash at step ${pc}`);
        }
        return;
    }
  }

  async #child(op: Extract<Op, { op: 'child' }>): Promise<void> {
    const input: FlowInput = {
      script: op.script,
      catchCancel: op.catchCancel,
      parentId: this.#ctx.workflowId,
      generation: 0,
    };
    const options = { parentClosePolicy: op.policy };
    // The default child id, `${parentWorkflowId}/${childOrdinal}` (SPEC section 7).
    const id = `${this.#ctx.workflowId}/${++this.#childOrdinal}`;
    this.#waiting = `child:${id}`;
    if (op.wait) return this.#childResult(id, this.#ctx.child(this.#flow(), input, options));
    const handle = await this.#ctx.startChild(this.#flow(), input, options);
    const result = handle.result();
    result.catch(() => undefined);
    this.#children.push({ id: handle.workflowId, result });
  }
}
