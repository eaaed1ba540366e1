import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, toArray } from 'rxjs';
import { createApiClient } from '../../src/server/index.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait-until.js';
import { readEvents, serveEngine } from './harness.js';
import type { Served } from './harness.js';

const tempDir = useTempDirs('server-sse');
let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

async function open(): Promise<Served> {
  served = await serveEngine(await tempDir());
  return served;
}

const types = (messages: { event: string; data: string }[]) =>
  messages.map((m) => (m.event === 'history' ? JSON.parse(m.data).type : `<${m.event}>`));

describe('server: SSE streams', () => {
  it('streams a run history, then live events with their seq as id, then end', async () => {
    const { engine, server } = await open();
    await engine.start('waiter', null, { workflowId: 'w' });
    const messages = await readEvents(
      server,
      '/api/runs/w/events',
      (m) => m.at(-1)?.event === 'end',
      {},
      async () => {
        await waitUntil(async () => (await engine.history('w')).length >= 1);
        await engine.signal('w', 'go', 42);
      },
    );
    expect(types(messages)).toEqual([
      'WorkflowStarted',
      'SignalReceived',
      'WorkflowCompleted',
      '<end>',
    ]);
    expect(messages.slice(0, 3).map((m) => m.id)).toEqual(['1', '2', '3']);
  });

  it('resumes a history stream after Last-Event-ID, and answers 204 past the end', async () => {
    const { engine, server } = await open();
    await (await engine.start('greet', 'x', { workflowId: 'g' })).result();
    const resumed = await readEvents(
      server,
      '/api/runs/g/events',
      (m) => m.at(-1)?.event === 'end',
      {
        'last-event-id': '2',
      },
    );
    expect(resumed.filter((m) => m.event === 'history').map((m) => m.id)).toEqual(['3', '4']);
    const byQuery = await readEvents(
      server,
      '/api/runs/g/events?lastEventId=3',
      (m) => m.at(-1)?.event === 'end',
    );
    expect(byQuery.filter((m) => m.event === 'history').map((m) => m.id)).toEqual(['4']);
    const done = await fetch(`${server.url}/api/runs/g/events`, {
      headers: { authorization: `Bearer ${server.token}`, 'last-event-id': '4' },
    });
    expect(done.status).toBe(204);
    const unknown = await fetch(`${server.url}/api/runs/nope/events`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(unknown.status).toBe(404);
  });

  it('streams outcomes, the event firehose and supervision as they happen', async () => {
    const { engine, server } = await open();
    const [outcomes, firehose, supervision] = await Promise.all([
      readEvents(server, '/api/outcomes', (m) => m.some((x) => x.event === 'outcome')),
      readEvents(server, '/api/events', (m) =>
        m.some((x) => x.event === 'history' && JSON.parse(x.data).type === 'WorkflowCompleted'),
      ),
      readEvents(server, '/api/supervision', (m) => m.some((x) => x.event === 'supervision')),
      (async () => {
        // Let the three streams connect before the run starts.
        await waitUntil(async () => {
          const info = await fetch(`${server.url}/api/info`, {
            headers: { authorization: `Bearer ${server.token}` },
          });
          return ((await info.json()) as { streams: number }).streams === 3;
        });
        await engine.start('greet', 'y', { workflowId: 'g2' });
      })(),
    ]);
    const outcome = JSON.parse(outcomes.find((m) => m.event === 'outcome')!.data);
    expect(outcome).toMatchObject({
      workflowId: 'g2',
      workflowType: 'greet',
      outcome: { type: 'completed', result: 'hello y' },
    });
    expect(types(firehose).filter((t) => !t.startsWith('<'))).toEqual([
      'WorkflowStarted',
      'ActivityScheduled',
      'ActivityCompleted',
      'WorkflowCompleted',
    ]);
    const started = JSON.parse(supervision.find((m) => m.event === 'supervision')!.data);
    expect(started).toMatchObject({ type: 'started', path: expect.arrayContaining(['greet']) });
  });

  it('ends open streams when the server closes', async () => {
    const { server } = await open();
    const reading = readEvents(server, '/api/outcomes', () => false);
    await waitUntil(async () => {
      const res = await fetch(`${server.url}/api/info`, {
        headers: { authorization: `Bearer ${server.token}` },
      });
      return ((await res.json()) as { streams: number }).streams === 1;
    });
    await server.close();
    await expect(reading).resolves.toEqual([]);
  });

  it('releases a stream when its client goes away', async () => {
    const { server } = await open();
    const streams = async (): Promise<number> => {
      const res = await fetch(`${server.url}/api/info`, {
        headers: { authorization: `Bearer ${server.token}` },
      });
      return ((await res.json()) as { streams: number }).streams;
    };
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/supervision`, {
      headers: { authorization: `Bearer ${server.token}` },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await waitUntil(async () => (await streams()) === 1);
    controller.abort();
    await waitUntil(async () => (await streams()) === 0, { what: 'the stream to be released' });
  });

  it('gives API clients a run stream that completes after the terminal event', async () => {
    const { engine, server } = await open();
    await engine.start('waiter', null, { workflowId: 'w' });
    const api = createApiClient({ url: server.url, token: server.token });
    const all = firstValueFrom(api.runEvents$('w').pipe(toArray()));
    await api.signal('w', 'go', 'now');
    const events = await all;
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(events[2]).toMatchObject({ type: 'WorkflowCompleted', result: 'now' });
    await expect(api.describe('missing')).rejects.toMatchObject({ code: 'WORKFLOW_NOT_FOUND' });
    const wrong = createApiClient({ url: server.url, token: 'nope' });
    await expect(wrong.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
  });
});
