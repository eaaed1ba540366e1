import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, Engine, defineWorkflow, virtualClock } from '../../src/index.js';
import type {
  ChildHandle,
  OutcomeNotice,
  ParentClosePolicy,
  WorkflowStatus,
} from '../../src/index.js';
import { isTerminalEventType } from '../../src/core/index.js';
import { TestEnvironment } from '../../src/testing/index.js';
import { driveUntil } from '../helpers/drive.js';
import { useTempDirs } from '../helpers/temp-dirs.js';

interface NodeInput {
  readonly depth: number;
  readonly policy: ParentClosePolicy;
  /** Whether the root waits for its child too (below the root every node does). */
  readonly rootAwaits?: boolean;
}

interface NodeResult {
  readonly depth: number;
  readonly own: string;
  readonly below: NodeResult | null;
}

/**
 * One node of a three-level tree (`tree`, `tree/1`, `tree/1/1`): starts its
 * child with the policy, waits for its own `finish` signal, then (below the
 * root) for its child's result. On cancellation it cleans up for a while
 * (shorter the deeper it is, so the leaf ends first) and rethrows.
 */
const node = defineWorkflow('node', async (ctx, input: NodeInput): Promise<NodeResult> => {
  let child: ChildHandle<NodeResult> | undefined;
  if (input.depth < 3) {
    child = await ctx.startChild(
      node,
      { ...input, depth: input.depth + 1 },
      { parentClosePolicy: input.policy },
    );
  }
  try {
    const own = await ctx.signal<string>('finish');
    const waits = input.depth > 1 || input.rootAwaits === true;
    const below = waits && child !== undefined ? await child.result() : null;
    return { depth: input.depth, own, below };
  } catch (error) {
    if (error instanceof CancelledError) await ctx.sleep(`${4 - input.depth}m`);
    throw error;
  }
});

const IDS = ['tree', 'tree/1', 'tree/1/1'] as const;

/** What each policy leaves behind once the root completed and everything settled. */
const EXPECTED: Record<ParentClosePolicy, readonly WorkflowStatus[]> = {
  terminate: ['completed', 'terminated', 'terminated'],
  cancel: ['completed', 'cancelled', 'cancelled'],
  abandon: ['completed', 'completed', 'completed'],
};

const tempDir = useTempDirs('trees');

let env: TestEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** Collects the outcome notices of every engine incarnation. */
function noticesOf(engines: () => Engine, notices: OutcomeNotice[]): () => void {
  const subscription = engines().outcomes$.subscribe((n) => notices.push(n));
  return () => subscription.unsubscribe();
}

async function statuses(engine: Engine): Promise<WorkflowStatus[]> {
  return Promise.all(IDS.map(async (id) => (await engine.describe(id)).status));
}

/** Every run of the tree ended once: one terminal event each, one outcome notice each. */
async function expectEndedOnce(engine: Engine, notices: readonly OutcomeNotice[]): Promise<void> {
  for (const id of IDS) {
    const history = await engine.history(id);
    expect(
      history.filter((e) => isTerminalEventType(e.type)),
      id,
    ).toHaveLength(1);
    expect(isTerminalEventType(history.at(-1)?.type ?? 'WorkflowStarted'), id).toBe(true);
    expect(
      notices.filter((n) => n.workflowId === id),
      id,
    ).toHaveLength(1);
  }
}

/**
 * Starts the tree, finishes the root while its descendants run, lets the
 * policy act, and finishes what remains. `crash` is called at `crashAt`.
 */
async function runTree(
  policy: ParentClosePolicy,
  crashAt: 'none' | 'while-all-run' | 'after-root-ended',
): Promise<{ engine: Engine; notices: OutcomeNotice[] }> {
  env = await TestEnvironment.create({ workflows: [node] });
  const notices: OutcomeNotice[] = [];
  let stop = noticesOf(() => (env as TestEnvironment).engine, notices);
  const crash = async (): Promise<void> => {
    stop();
    await (env as TestEnvironment).crash();
    stop = noticesOf(() => (env as TestEnvironment).engine, notices);
  };
  const root = await env.engine.start(node, { depth: 1, policy }, { workflowId: 'tree' });
  await env.idle();
  expect(await statuses(env.engine)).toEqual(['running', 'running', 'running']);
  if (crashAt === 'while-all-run') await crash();

  await env.engine.signal('tree', 'finish', 'root done');
  expect(await env.result(await env.engine.getHandle('tree', root.runId))).toEqual({
    depth: 1,
    own: 'root done',
    below: null,
  });
  await env.idle();
  if (crashAt === 'after-root-ended') await crash();
  // Whatever was abandoned is finished by hand, deepest first.
  for (const id of ['tree/1/1', 'tree/1']) {
    if ((await env.engine.describe(id)).status === 'running') {
      await env.engine.signal(id, 'finish', `${id} done`);
    }
  }
  await env.settle(
    Promise.all(IDS.map(async (id) => (await env?.engine.getHandle(id))?.result().catch(() => 0))),
  );
  stop();
  return { engine: env.engine, notices };
}

describe('parent/child trees', () => {
  for (const policy of ['terminate', 'cancel', 'abandon'] as const) {
    for (const crashAt of ['none', 'while-all-run', 'after-root-ended'] as const) {
      it(`applies '${policy}' three levels deep (crash: ${crashAt})`, async () => {
        const { engine, notices } = await runTree(policy, crashAt);
        expect(await statuses(engine)).toEqual(EXPECTED[policy]);
        await expectEndedOnce(engine, notices);
        const mid = await engine.history('tree/1');
        const leafOutcome = mid.find(
          (e) => e.type.startsWith('ChildWorkflow') && e.type !== 'ChildWorkflowStarted',
        );
        if (policy === 'abandon') {
          // The leaf's outcome reached its parent, whose result carries it.
          expect(leafOutcome).toMatchObject({ type: 'ChildWorkflowCompleted' });
          expect(mid.at(-1)).toMatchObject({
            type: 'WorkflowCompleted',
            result: {
              depth: 2,
              own: 'tree/1 done',
              below: { depth: 3, own: 'tree/1/1 done', below: null },
            },
          });
        } else if (policy === 'cancel') {
          // The leaf ended first and its cancellation was recorded in its parent.
          expect(leafOutcome).toMatchObject({ type: 'ChildWorkflowCancelled' });
        }
      });
    }
  }

  it('delivers every outcome up a tree that completes, across a LevelDB reopen', async () => {
    const dir = await tempDir();
    const clock = virtualClock(Date.UTC(2024, 0, 1));
    const open = (): Promise<Engine> =>
      Engine.open({ store: dir, durability: 'relaxed', clock, workflows: [node] });
    const input = { depth: 1, policy: 'terminate', rootAwaits: true } as const;
    let engine = await open();
    try {
      let started = 0;
      const counting = engine.events$.subscribe((e) => {
        if (e.type === 'WorkflowStarted') started++;
      });
      await engine.start(node, input, { workflowId: 'tree' });
      await driveUntil(engine, clock, () => started === 3, { quietMs: 20 });
      counting.unsubscribe();
      await engine.signal('tree/1/1', 'finish', 'leaf done');
      await engine.close();

      engine = await open();
      expect(await statuses(engine)).toEqual(['running', 'running', 'completed']);
      await engine.signal('tree/1', 'finish', 'mid done');
      await engine.signal('tree', 'finish', 'root done');
      const root = await engine.getHandle<NodeResult>('tree');
      expect(await root.result()).toEqual({
        depth: 1,
        own: 'root done',
        below: {
          depth: 2,
          own: 'mid done',
          below: { depth: 3, own: 'leaf done', below: null },
        },
      });
      expect(await statuses(engine)).toEqual(['completed', 'completed', 'completed']);
      for (const [id, child] of [
        ['tree', 'tree/1'],
        ['tree/1', 'tree/1/1'],
      ] as const) {
        const outcomes = (await engine.history(id)).filter(
          (e) => e.type === 'ChildWorkflowCompleted' && e.childWorkflowId === child,
        );
        expect(outcomes, id).toHaveLength(1);
      }
    } finally {
      await engine.close();
    }
  });
});
