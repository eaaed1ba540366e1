import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/index.js';
import { defineActivity, defineWorkflow } from '../../src/index.js';
import { waitUntil } from '../helpers/wait-until.js';
import {
  openDashboard,
  openRun,
  outputDir,
  rowStatus,
  waitForStatuses,
} from './browser-harness.js';
import type { DashboardSession, PageGlobals, PageProblems } from './browser-harness.js';

const pause = defineActivity('pause', async (ms: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ms;
});
/** Completes after a short activity: long enough to be seen running. */
const quick = defineWorkflow('quick', async (ctx, ms: number) => ctx.activity(pause, ms));
/** Sleeps an hour: stays running with a pending timer. */
const slow = defineWorkflow('slow', async (ctx, _input: unknown) => ctx.sleep('1h'));
/** Waits for the `open` signal and returns its payload. */
const gate = defineWorkflow('gate', async (ctx, _input: unknown) => ctx.signal<unknown>('open'));
const crashed = new Set<string>();
/** Crashes once per workflow id (a plain Error is a crash), is restarted from history, then sleeps. */
const crashy = defineWorkflow('crashy', async (ctx, id: string) => {
  await ctx.sleep(5);
  if (!crashed.has(id)) {
    crashed.add(id);
    throw new Error('boom');
  }
  await ctx.sleep('1h');
});

const XSS_ID = '<img src=x onerror="window.__xss=1">';
const XSS_INPUT = { html: '<script>window.__xss=2</script><b id="injected">bold</b>' };

let engine: Engine;
let page: Page;
let problems: PageProblems;
let session: DashboardSession;

beforeAll(async () => {
  session = await openDashboard(
    { workflows: [quick, slow, gate, crashy], activities: [pause] },
    { width: 1280, height: 860 },
  );
  ({ engine, page, problems } = session);
});

afterAll(() => session?.close());

async function runStatus(): Promise<string | undefined> {
  return page.evaluate(
    () =>
      (globalThis as unknown as PageGlobals).document.querySelector('.run-head')?.dataset.status,
  );
}

describe('dashboard in Chromium', () => {
  it('lands on the runs page with the token traded for a cookie', async () => {
    expect(new URL(page.url()).search).toBe('');
    expect(await page.textContent('#live')).toBe('live');
  });

  it('shows runs start and complete live, and counts outcomes', async () => {
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).__marker = 'no reload';
    });
    const ids = ['q-1', 'q-2', 'q-3'];
    for (const id of ids) await engine.start(quick, 700, { workflowId: id });
    await waitForStatuses(page, ids, 'running');
    await waitForStatuses(page, ids, 'completed');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__marker)).toBe(
      'no reload',
    );
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.querySelector(
          '[data-counter="completed"] b',
        )?.textContent === '3',
    );
    await page.screenshot({ path: join(outputDir, 'dashboard-runs.png'), fullPage: true });
  });

  it('filters runs by status and type', async () => {
    await engine.start(slow, null, { workflowId: 's-1' });
    await waitForStatuses(page, ['s-1'], 'running');
    await page.selectOption('#filter-status', 'running');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.querySelectorAll('#runs-table tbody tr')
          .length === 1,
    );
    expect(await rowStatus(page, 's-1')).toBe('running');
    await page.selectOption('#filter-status', '');
    await page.selectOption('#filter-type', 'quick');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.querySelectorAll('#runs-table tbody tr')
          .length === 3,
    );
    await page.selectOption('#filter-type', '');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.querySelectorAll('#runs-table tbody tr')
          .length === 4,
    );
  });

  it('opens a run with its timeline and pending timer, and cancels it from the page', async () => {
    await page.click('#runs-table a.run-link >> text=s-1');
    await page.waitForSelector('#cancel-run');
    await page.waitForSelector('#timeline tr[data-type="TimerStarted"]');
    expect(await page.textContent('[data-pending="timer"]')).toMatch(
      /^timer t1 \(sleep\), fires in 5\dm/,
    );
    expect(await page.textContent('[data-fact="residency"]')).toBe('resident');
    await page.fill('#reason', 'from the dashboard');
    await page.click('#cancel-run');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.querySelector('.run-head')?.dataset
          .status === 'cancelled',
    );
    expect((await engine.describe('s-1')).status).toBe('cancelled');
    const types = await page.$$eval('#timeline tbody tr', (rows) =>
      rows.map((r) => (r as unknown as { dataset: { type: string } }).dataset.type),
    );
    expect(types).toEqual([
      'WorkflowStarted',
      'TimerStarted',
      'WorkflowCancelRequested',
      'TimerCancelled',
      'WorkflowCancelled',
    ]);
    await page.screenshot({ path: join(outputDir, 'dashboard-run.png'), fullPage: true });
  });

  it('signals a run from the page', async () => {
    await engine.start(gate, null, { workflowId: 'g-1' });
    await openRun(page, 'g-1');
    await page.fill('#signal-name', 'open');
    await page.fill('#signal-payload', '{"v": 1}');
    await page.click('#send-signal');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.querySelector('.run-head')?.dataset
          .status === 'completed',
    );
    expect(await (await engine.getHandle('g-1')).result()).toEqual({ v: 1 });
    expect(await runStatus()).toBe('completed');
  });

  it('shows the supervision tree with restart counts', async () => {
    // Three crashing runs, and the test follows the first one the engine
    // restarts: a run that crashes early sometimes stays `restarting` (an
    // engine issue, reported), which is not what this test is about.
    const ids = ['c-1', 'c-2', 'c-3'];
    for (const id of ids) await engine.start(crashy, id, { workflowId: id });
    let restarted: { workflowId: string; runId: string } | undefined;
    await waitUntil(
      async () => {
        for (const id of ids) {
          const d = await engine.describe(id);
          if (d.restarts === 1) restarted = { workflowId: id, runId: d.runId };
        }
        return restarted !== undefined;
      },
      { timeoutMs: 10_000, what: 'a restarted run' },
    );
    const { runId } = restarted!;
    await page.click('#nav-tree');
    await page.waitForSelector('#tree li[data-node-id="engine"]');
    // The page shows the run under its type, with its restart count.
    await page.waitForFunction((id) => {
      const nodes = Array.from(
        (globalThis as unknown as PageGlobals).document.querySelectorAll(
          '#tree li[data-node-id="crashy"] li[data-kind="run"]',
        ),
      );
      const node = nodes.find((n) => n.dataset.nodeId === id);
      return (
        node !== undefined && Array.from(node.children).some((c) => c.dataset.restarts === '1')
      );
    }, runId);
    const supervisors = await page.$$eval('#tree li[data-kind="supervisor"] > .node-id', (els) =>
      els.map((e) => e.textContent),
    );
    expect(supervisors).toEqual(
      expect.arrayContaining(['engine', 'workflows', 'quick', 'slow', 'gate', 'crashy']),
    );
    expect(await page.textContent('#tree li[data-node-id="store"] .restarts')).toBe('restarts 0');
    expect(await page.textContent('#supervision-log')).toMatch(
      /crashed engine\/workflows\/crashy\/\w+ -> restart: boom/,
    );
    await page.screenshot({ path: join(outputDir, 'dashboard-tree.png'), fullPage: true });
  });

  it('escapes ids and payloads that hold markup and script', async () => {
    await engine.start(gate, XSS_INPUT, { workflowId: XSS_ID });
    await page.click('#nav-runs');
    await waitForStatuses(page, [XSS_ID], 'running');
    await openRun(page, XSS_ID);
    await page.waitForSelector('#timeline tr[data-type="WorkflowStarted"]');
    await page.fill('#signal-name', 'open');
    await page.fill(
      '#signal-payload',
      JSON.stringify({ echo: '<img src=y onerror="window.__xss=3">' }),
    );
    await page.click('#send-signal');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.querySelector('.run-head')?.dataset
          .status === 'completed',
    );
    const seen = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return {
        xss: g.__xss,
        images: g.document.querySelectorAll('img').length,
        injected: g.document.querySelector('#injected') !== null,
        scripts: g.document.querySelectorAll('script').length,
        text: g.document.body.textContent ?? '',
      };
    });
    expect(seen.xss).toBeUndefined();
    expect(seen.images).toBe(0);
    expect(seen.injected).toBe(false);
    expect(seen.scripts).toBe(1);
    expect(seen.text).toContain(XSS_ID);
    expect(seen.text).toContain('<script>window.__xss=2</script>');
    expect(seen.text).toContain('onerror=\\"window.__xss=3\\"');
  });

  it('ran without script errors or dialogs', () => {
    expect(problems.errors).toEqual([]);
  });
});
