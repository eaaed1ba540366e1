import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { serveEngine } from './harness.js';
import type { Served } from './harness.js';

const tempDir = useTempDirs('server-fuzz');
let served: Served;
beforeAll(async () => {
  served = await serveEngine(await tempDir());
  await served.engine.start('waiter', null, { workflowId: 'w' });
});
afterAll(() => served.close());

const ENDPOINTS = ['/api/runs', '/api/runs/w/signal', '/api/runs/w/query', '/api/runs/w/cancel'];

async function post(path: string, body: string): Promise<number> {
  const res = await fetch(`${served.server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${served.server.token}`, 'content-type': 'application/json' },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

describe('server: fuzzed requests', () => {
  it('answers any JSON body with a status below 500 and never pollutes prototypes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        fc.json({ depthSize: 'small' }),
        async (path, body) => {
          const status = await post(path, body);
          expect(status).toBeLessThan(500);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers any text body and any path with a status below 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 60 }),
        fc.string({ maxLength: 20 }),
        async (body, segment) => {
          expect(await post('/api/runs/w/signal', body)).toBeLessThan(500);
          const res = await fetch(
            `${served.server.url}/api/runs/${encodeURIComponent(segment || 'x')}/history`,
            {
              headers: { authorization: `Bearer ${served.server.token}` },
            },
          );
          await res.arrayBuffer();
          expect([200, 400, 404]).toContain(res.status);
        },
      ),
      { numRuns: 100 },
    );
    // Still serving, and the waiting run is still waiting unless a fuzzed signal reached it.
    const described = await served.call('GET', '/api/runs/w');
    expect(described.status).toBe(200);
  });
});
