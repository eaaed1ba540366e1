import { describe, expect, it } from 'vitest';
import { ApplicationError, ChildWorkflowFailedError, defineWorkflow } from '../../src/index.js';
import { expectEquivalentAtEveryCrashPoint, recordScenario } from '../helpers/crash-points.js';
import type { Scenario } from '../helpers/crash-points.js';

/** Sleeps a minute, returns ten times its input and who its parent run is. */
const leaf = defineWorkflow('leaf', async (ctx, n: number) => {
  await ctx.sleep('1m');
  return { n: n * 10, parentRunId: ctx.parentRunId ?? null };
});

/** Continues as new `left` times, a minute apart, then returns how often it did. */
const restless = defineWorkflow(
  'restless',
  async (ctx, state: { left: number; runs: number }): Promise<number> => {
    await ctx.sleep('1m');
    if (state.left > 0) return ctx.continueAsNew({ left: state.left - 1, runs: state.runs + 1 });
    return state.runs;
  },
);

const broken = defineWorkflow('broken', async (_ctx, _input: null) => {
  throw new ApplicationError('the leaf broke', { type: 'LeafBroke' });
});

function failureOf(error: unknown): unknown {
  if (!(error instanceof ChildWorkflowFailedError)) return 'unexpected';
  const cause = error.cause as { name?: string; code?: string; message?: string };
  return { code: error.code, child: error.childWorkflowId, cause: cause.code ?? cause.name };
}

/** Every way of starting a child, and every way a child can end. */
const parent = defineWorkflow('parent', async (ctx, _input: null) => {
  const awaited = await ctx.child(leaf, 1);
  const started = await ctx.startChild(leaf, 2, { workflowId: 'custom-leaf' });
  const followed = await ctx.child(restless, { left: 2, runs: 0 });
  const failed = await ctx.child(broken, null).catch(failureOf);
  const timedOut = await ctx.child(leaf, 3, { executionTimeout: '30s' }).catch(failureOf);
  return {
    awaited: awaited.n,
    parentRunIdSeen: awaited.parentRunId === ctx.runId,
    started: {
      id: started.workflowId,
      hasRunId: started.runId !== '',
      result: await started.result(),
    },
    followed,
    failed,
    timedOut,
  };
});

const EXPECTED = {
  awaited: 10,
  parentRunIdSeen: true,
  started: {
    id: 'custom-leaf',
    hasRunId: true,
    result: { n: 20, parentRunId: expect.any(String) },
  },
  followed: 2,
  failed: { code: 'WORKFLOW_FAILED', child: 'parent-1/4', cause: 'LeafBroke' },
  timedOut: { code: 'WORKFLOW_FAILED', child: 'parent-1/5', cause: 'WORKFLOW_TIMED_OUT' },
};

const scenario: Scenario = {
  name: 'children',
  workflows: [parent, leaf, restless, broken],
  activities: [],
  start: (engine) => engine.start(parent, null, { workflowId: 'parent-1' }),
};

describe('child workflows', () => {
  it('starts children, delivers every kind of outcome and follows continue-as-new', async () => {
    const { commits, runs } = await recordScenario(scenario);
    const root = runs.find((r) => r.summary.workflowId === 'parent-1');
    expect(root?.history.at(-1)).toMatchObject({ type: 'WorkflowCompleted', result: EXPECTED });
    const rootRunId = root?.summary.runId;

    // Default ids are `${parentWorkflowId}/${ordinal}`; each child knows its parent.
    const children = runs.filter((r) => r.summary.workflowId !== 'parent-1');
    expect(new Set(children.map((r) => r.summary.workflowId))).toEqual(
      new Set(['parent-1/1', 'custom-leaf', 'parent-1/3', 'parent-1/4', 'parent-1/5']),
    );
    for (const child of children) {
      expect(child.summary.parent).toEqual({ workflowId: 'parent-1', runId: rootRunId });
    }

    // Each child starts in the batch of its ChildWorkflowStarted: no commit
    // holds one without the other.
    let starts = 0;
    for (const commit of commits) {
      for (const append of commit) {
        for (const started of append.events) {
          if (started.type !== 'ChildWorkflowStarted') continue;
          starts++;
          const child = commit.find((a) => a.runId === started.childRunId);
          expect(child?.workflowId).toBe(started.childWorkflowId);
          expect(child?.expectedSeq).toBe(0);
          expect(child?.events[0]).toMatchObject({
            type: 'WorkflowStarted',
            parent: { workflowId: 'parent-1', runId: rootRunId },
          });
        }
      }
    }
    expect(starts).toBe(5);

    // One outcome per child, the restless one's from the last run of its chain.
    const outcomes = (root?.history ?? []).flatMap((e) =>
      e.type === 'ChildWorkflowCompleted' || e.type === 'ChildWorkflowFailed'
        ? [`${e.type} ${e.childWorkflowId}`]
        : [],
    );
    expect(outcomes.sort()).toEqual([
      'ChildWorkflowCompleted custom-leaf',
      'ChildWorkflowCompleted parent-1/1',
      'ChildWorkflowCompleted parent-1/3',
      'ChildWorkflowFailed parent-1/4',
      'ChildWorkflowFailed parent-1/5',
    ]);
    const chain = runs.filter((r) => r.summary.workflowId === 'parent-1/3');
    expect(chain.map((r) => r.summary.status).sort()).toEqual([
      'completed',
      'continuedAsNew',
      'continuedAsNew',
    ]);
    expect(chain.every((r) => r.summary.parent?.runId === rootRunId)).toBe(true);
  });

  it('recovers the parent and its children from a crash at every commit', async () => {
    const recording = await expectEquivalentAtEveryCrashPoint(scenario);
    const root = recording.runs.find((r) => r.summary.workflowId === 'parent-1');
    expect(root?.history.at(-1)).toMatchObject({ type: 'WorkflowCompleted', result: EXPECTED });
    expect(recording.runs).toHaveLength(8);
  });
});
