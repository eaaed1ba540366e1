// Serves the local HTTP API and the dashboard from an engine, then calls
// the API with the bearer token the server wrote beside the store.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, defineWorkflow } from 'aion-ts';

export const hello = defineWorkflow('hello', async (_ctx, name: string) => `hello ${name}`);

export async function main(): Promise<{
  runs: number;
  dashboard: boolean;
  tokenFileHasToken: boolean;
}> {
  const store = await mkdtemp(join(tmpdir(), 'aion-serve-'));
  const engine = await Engine.open({ store, workflows: [hello] });
  const server = await engine.serve({ port: 0 });
  try {
    const handle = await engine.start(hello, 'operator');
    await handle.result();
    const file = JSON.parse(await readFile(server.tokenFile ?? '', 'utf8')) as { token?: string };
    const response = await fetch(`${server.url}/api/runs`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    const body = (await response.json()) as { items?: unknown[] };
    return {
      runs: body.items?.length ?? 0,
      dashboard: server.dashboardUrl.startsWith('http://127.0.0.1:'),
      tokenFileHasToken: file.token === server.token,
    };
  } finally {
    await engine.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
