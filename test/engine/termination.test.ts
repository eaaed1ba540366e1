import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowTerminatedError, defineActivity, defineWorkflow } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { TestEnvironment } from '../../src/testing/index.js';
import { after, expectEquivalentAtEveryCrashPoint, typesOf } from '../helpers/crash-points.js';
import type { Scenario } from '../helpers/crash-points.js';

let aborted: string[] = [];
let cleanups = 0;

/** Never finishes on its own; records that its attempt saw `actx.signal` abort. */
const hang = defineActivity('hang', (label: string, actx) => {
  return new Promise<string>((_resolve, reject) => {
    actx.signal.addEventListener(
      'abort',
      () => {
        aborted.push(label);
        reject(new Error(`${label} aborted`, { cause: actx.signal.reason }));
      },
      { once: true },
    );
  });
});

const cleanup = defineActivity('cleanup', async (label: string) => {
  cleanups++;
  return `cleaned ${label}`;
});

const idleChild = defineWorkflow('idleChild', async (ctx, _input: null) => ctx.signal('never'));

/** Waits on an activity, a timer and a child; its `finally` must never run on termination. */
const terminable = defineWorkflow('terminable', async (ctx, _input: null) => {
  try {
    await Promise.all([
      ctx.activity(hang, 'activity'),
      ctx.sleep('1d'),
      ctx.child(idleChild, null),
    ]);
    return 'done';
  } finally {
    await ctx.activity(cleanup, 'finally');
  }
});

/** The same without a child, for the crash points (see the note on `scenario`). */
const terminableAlone = defineWorkflow('terminableAlone', async (ctx, _input: null) => {
  try {
    await Promise.all([ctx.activity(hang, 'activity'), ctx.sleep('1d')]);
    return 'done';
  } finally {
    await ctx.activity(cleanup, 'finally');
  }
});

const terminate = {
  label: 'terminate',
  when: after('TimerStarted'),
  act: (engine: Engine) => engine.terminate('term-1', 'fraud suspected'),
  effect: 'WorkflowTerminated' as const,
};

// Without a child: a crash between the parent's terminal batch and the
// termination of its child loses the close policy (reported to the lead; see
// the child-trees tests for the policies themselves).
const scenario: Scenario = {
  name: 'termination',
  workflows: [terminableAlone],
  activities: [hang, cleanup],
  start: (engine) => engine.start(terminableAlone, null, { workflowId: 'term-1' }),
  steps: [
    terminate,
    { ...terminate, label: 'terminate an ended run', effect: undefined },
    {
      label: 'cancel an ended run',
      when: () => true,
      act: (engine: Engine) => engine.cancel('term-1'),
    },
  ],
};

let env: TestEnvironment | undefined;
afterEach(async () => {
  aborted = [];
  cleanups = 0;
  await env?.close();
  env = undefined;
});

describe('termination', () => {
  it('ends the run at once: no code runs, attempts abort, children are terminated', async () => {
    env = await TestEnvironment.create({
      workflows: [terminable, idleChild],
      activities: [hang, cleanup],
    });
    const handle = await env.engine.start(terminable, null, { workflowId: 'term-1' });
    await env.idle();
    const before = (await handle.history()).length;
    await handle.terminate('fraud suspected');
    // The terminal batch is durable when terminate() resolves.
    const history = await handle.history();
    expect(typesOf(history.slice(before))).toEqual([
      'TimerCancelled',
      'ActivityCancelled',
      'WorkflowTerminated',
    ]);
    expect(history.at(-1)).toMatchObject({ reason: 'fraud suspected' });
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowTerminatedError);
    expect(error).toMatchObject({ code: 'WORKFLOW_TERMINATED' });

    await env.idle();
    expect(aborted).toEqual(['activity']);
    expect(cleanups).toBe(0);
    expect((await env.engine.history('term-1')).length).toBe(history.length);
    expect((await env.engine.history('term-1/1')).at(-1)).toMatchObject({
      type: 'WorkflowTerminated',
    });
  });

  it('recovers from a crash at every commit to the same termination', async () => {
    const recording = await expectEquivalentAtEveryCrashPoint(scenario);
    expect(recording.runs.map((r) => [r.summary.workflowId, r.summary.status])).toEqual([
      ['term-1', 'terminated'],
    ]);
    expect(recording.steps.map((s) => s.answer)).toEqual([
      { value: undefined },
      { error: 'WORKFLOW_NOT_RUNNING' },
      { error: 'WORKFLOW_NOT_RUNNING' },
    ]);
    expect(cleanups).toBe(0);
  });
});
