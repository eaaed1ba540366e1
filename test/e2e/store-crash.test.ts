import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ack } from './store-crash-check.js';
import { verifyStore } from './store-crash-check.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/store-crash-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KILLS = Number(process.env.CRASH_KILLS ?? 20);
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);

let dir: string | undefined;
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Mulberry32: kill moments reproducible from CRASH_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs one writer child until it is ready, lets it append for `ms`, then
 * kills it with SIGKILL. Returns the commits it acknowledged: only complete
 * lines count, a line cut by the kill is dropped.
 */
async function runAndKill(storeDir: string, seed: number, ms: number): Promise<Ack[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, storeDir, String(seed)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks: Ack[] = [];
  let pending = '';
  let stderr = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') onReady();
      else for (const ack of JSON.parse(line) as Ack[]) acks.push(ack);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<string | null>((resolve) =>
    child.on('close', (_code, signal) => resolve(signal)),
  );
  const early = exited.then(() => {
    throw new Error(`the writer exited before it was killed:\n${stderr}`);
  });
  await Promise.race([ready, early]);
  await Promise.race([new Promise((resolve) => setTimeout(resolve, ms)), early]);
  early.catch(() => undefined);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return acks;
}

describe('LevelStore crash safety', () => {
  it(`keeps every acknowledged commit, whole, with consistent indexes, across ${KILLS} SIGKILLs`, async () => {
    dir = await mkdtemp(join(tmpdir(), 'aion-store-crash-'));
    const random = prng(SEED);
    const acks: Ack[] = [];
    let last = { runs: 0, events: 0 };
    for (let kill = 0; kill < KILLS; kill++) {
      const ms = 30 + Math.floor(random() * 350);
      const acked = await runAndKill(dir, SEED + kill, ms);
      acks.push(...acked);
      const found = await verifyStore(dir, acks).catch((error: unknown) => {
        throw new Error(`after kill ${kill + 1} (CRASH_SEED=${SEED})`, { cause: error });
      });
      // Nothing acknowledged is ever lost, so the store only grows.
      expect(found.events).toBeGreaterThanOrEqual(last.events);
      last = found;
    }
    const ackedEvents = acks.reduce((n, [, , , types]) => n + types.length, 0);
    expect(ackedEvents).toBeGreaterThan(KILLS * 50);
    expect(acks.some(([workflowId]) => workflowId.endsWith('.c'))).toBe(true);
  }, 120_000);
});
