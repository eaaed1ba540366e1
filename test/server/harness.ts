import { Engine, defineActivity, defineWorkflow } from '../../src/index.js';
import type { EngineOptions } from '../../src/index.js';
import type { AionServer } from '../../src/server/index.js';
import { readSse } from '../../src/server/sse-reader.js';
import type { SseMessage } from '../../src/server/sse-reader.js';

export const hello = defineActivity('hello', async (name: string) => `hello ${name}`);

/** Completes at once with one activity. */
export const greet = defineWorkflow('greet', async (ctx, name: string) =>
  ctx.activity(hello, name),
);

/** Waits for the `go` signal and returns its payload; `stage` answers queries. */
export const waiter = defineWorkflow('waiter', async (ctx, _input: unknown) => {
  let stage = 'waiting';
  ctx.onQuery('stage', () => stage);
  const payload = await ctx.signal<unknown>('go');
  stage = 'done';
  return payload;
});

/** A run that sleeps an hour: stays running for the whole test. */
export const sleeper = defineWorkflow('sleeper', async (ctx, _input: unknown) => {
  await ctx.sleep('1h');
  return 'woke';
});

export const workflows = [greet, waiter, sleeper];
export const activities = [hello];

/** An engine on a store directory, serving its HTTP API on an ephemeral port. */
export interface Served {
  readonly engine: Engine;
  readonly server: AionServer;
  /** Calls the API with the bearer token; `body` is sent as JSON. */
  readonly call: (
    method: string,
    path: string,
    body?: unknown,
  ) => Promise<{ status: number; json: any }>;
  readonly close: () => Promise<void>;
}

export async function serveEngine(
  store: NonNullable<EngineOptions['store']>,
  serveOptions: Parameters<Engine['serve']>[0] = {},
): Promise<Served> {
  const engine = await Engine.open({ store, workflows, activities });
  const server = await engine.serve(serveOptions);
  return {
    engine,
    server,
    async call(method, path, body) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${server.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    },
    close: () => engine.close(),
  };
}

/** Reads SSE messages from `path` until `until` holds (or the stream ends). */
export async function readEvents(
  server: AionServer,
  path: string,
  until: (messages: SseMessage[]) => boolean,
  headers: Record<string, string> = {},
  onOpen?: () => Promise<void>,
): Promise<SseMessage[]> {
  const controller = new AbortController();
  const res = await fetch(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${server.token}`, ...headers },
    signal: controller.signal,
  });
  if (res.body === null) throw new Error(`no body (status ${res.status})`);
  const messages: SseMessage[] = [];
  const opened = onOpen?.();
  try {
    for await (const message of readSse(res.body)) {
      messages.push(message);
      if (until(messages)) break;
    }
  } finally {
    controller.abort();
    await opened;
  }
  return messages;
}
