/**
 * A signal that arrives while the run is ending is refused (nothing may
 * follow the terminal event, which may already be buffered), and the signal
 * that ended the run is accepted.
 */
import { expect, it } from 'vitest';
import { defineWorkflow } from '../../src/index.js';
import { TestEnvironment } from '../../src/testing/index.js';

const once = defineWorkflow('once', async (ctx, _input: null) => ctx.signal<number>('go'));

it('ends the run with the signal it waited for when another arrives as it ends', async () => {
  const env = await TestEnvironment.create({ workflows: [once] });
  try {
    const handle = await env.engine.start(once, null, { workflowId: 'once' });
    await env.idle();
    const late = new Promise((resolve) => setImmediate(resolve)).then(() =>
      handle.signal('late', 2),
    );
    const [go, lateOutcome] = await Promise.allSettled([handle.signal('go', 1), late]);
    expect(go.status).toBe('fulfilled');
    expect(lateOutcome).toMatchObject({
      status: 'rejected',
      reason: { code: 'WORKFLOW_NOT_RUNNING' },
    });
    expect(await env.result(handle)).toBe(1);
  } finally {
    await env.close();
  }
});
