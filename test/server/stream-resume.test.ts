import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/server/index.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { serveEngine } from './harness.js';
import type { Served } from './harness.js';

const tempDir = useTempDirs('server-resume');
let served: Served | undefined;
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await served?.close();
  served = undefined;
});

/**
 * A proxy in front of the server that cuts the first run stream after two
 * history events, as a flaky network would, and records what each
 * connection asked for.
 */
async function flakyProxy(target: string): Promise<{ url: string; lastEventIds: string[] }> {
  const lastEventIds: string[] = [];
  let streams = 0;
  const proxy = createServer((req, res) => {
    const isStream = /\/events(\?|$)/.test(req.url ?? '');
    if (isStream) lastEventIds.push(String(req.headers['last-event-id']));
    const cut = isStream && streams++ === 0;
    const upstream = request(
      `${target}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        // The first stream: hold the text until two whole history messages
        // are in, forward exactly those, let the client read them, then break.
        let held = '';
        let cutting = false;
        answer.on('data', (chunk: Buffer) => {
          if (!cut) {
            res.write(chunk);
            return;
          }
          if (cutting) return;
          held += chunk.toString();
          let forwarded = '';
          let histories = 0;
          for (const message of held.split('\n\n').slice(0, -1)) {
            forwarded += `${message}\n\n`;
            if (message.includes('event: history') && ++histories === 2) break;
          }
          if (histories < 2) return;
          cutting = true;
          res.write(forwarded);
          setTimeout(() => {
            answer.destroy();
            res.destroy();
          }, 100);
        });
        answer.on('end', () => res.end());
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  closers.push(() => proxy.close());
  const { port } = proxy.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, lastEventIds };
}

describe('server: run stream resume', () => {
  it('resumes a dropped run stream after the last seq, without gap or duplicate', async () => {
    served = await serveEngine(await tempDir());
    const { engine, server } = served;
    await (await engine.start('greet', 'z', { workflowId: 'g' })).result();
    const proxy = await flakyProxy(server.url);
    const api = createApiClient({ url: proxy.url, token: server.token });
    const events = await firstValueFrom(api.runEvents$('g').pipe(toArray()));
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(proxy.lastEventIds).toEqual(['0', '2']);
  });
});
