import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/index.js';
import { ApplicationError, defineActivity, defineWorkflow } from '../../src/index.js';
import { waitUntil } from '../helpers/wait-until.js';
import { openDashboard, openRun, outputDir, waitForStatuses } from './browser-harness.js';
import type { DashboardSession, PageGlobals, PageProblems } from './browser-harness.js';

/**
 * The dashboard escapes every user-provided string. Runs whose ids, type
 * names, inputs, signal names and payloads, activity errors, results,
 * query answers, cancel reasons, failure and crash messages hold script and
 * markup are shown in every view that shows them; in Chromium nothing may
 * run (each payload would set `window.__pwned`), no element may be
 * injected, and the text must read literally.
 */

/** Each sets `window.__pwned` to where it came from, if it ever runs. */
const attack = (where: string): string[] => [
  `<script>window.__pwned='${where}'</script>`,
  `<img src=x onerror="window.__pwned='${where}'">`,
  `<svg onload="window.__pwned='${where}'"></svg>`,
  `"><iframe src="javascript:window.__pwned='${where}'"></iframe>`,
  `</td></tr><b id="injected">${where}</b>`,
];
const one = (where: string, i = 1): string => attack(where)[i] as string;

const TYPE = one('type name');
const RUN_ID = one('workflow id');
const CHILD_ID = one('child id', 2);
const CRASH_ID = `</td><script>window.__pwned='crash id'</script>`;
const CANCEL_ID = one('cancel id', 3);
const SIGNAL_NAME = `<script>window.__pwned='signal name'</script>`;
const INPUT = { html: attack('input'), nested: { deeper: one('nested input', 3) } };
const SIGNAL_PAYLOAD = { echo: attack('signal payload') };
const CANCEL_REASON = one('cancel reason', 1);

let attemptsSeen = 0;
const flaky = defineActivity('flaky', async (text: string) => {
  attemptsSeen += 1;
  if (attemptsSeen === 1) throw new Error(one('activity error', 1));
  return { echoed: text, html: one('activity result', 2) };
});

const echoChild = defineWorkflow('echoChild', async (_ctx, input: string) => ({
  fromChild: input,
}));

/** Every kind of user string through one run, which ends failing with markup. */
const hostile = defineWorkflow(TYPE, async (ctx, _input: unknown) => {
  ctx.onQuery('echo', () => one('query answer', 1));
  ctx.onQuery('boom', () => {
    throw new ApplicationError(one('query error', 1));
  });
  ctx.onQuery('html', () => ({ html: attack('query answer') }));
  await ctx.activity(flaky, one('activity input', 2), {
    retry: { initialIntervalMs: 10, maxAttempts: 3 },
  });
  await ctx.child(echoChild, one('child input', 1), { workflowId: CHILD_ID });
  await ctx.signal(SIGNAL_NAME);
  throw new ApplicationError(one('failure message', 1));
});

const crashed = new Set<string>();
/** Crashes once with a message of markup (a supervision event), then sleeps. */
const crashing = defineWorkflow('crashing', async (ctx, _input: unknown) => {
  await ctx.sleep(5);
  if (!crashed.has(ctx.runId)) {
    crashed.add(ctx.runId);
    throw new Error(one('crash message', 1));
  }
  await ctx.sleep('1h');
});

const sleeper = defineWorkflow('sleeper', async (ctx, _input: unknown) => ctx.sleep('1h'));

let engine: Engine;
let page: Page;
let problems: PageProblems;
let session: DashboardSession;

beforeAll(async () => {
  session = await openDashboard(
    { workflows: [hostile, echoChild, crashing, sleeper], activities: [flaky] },
    { width: 1280, height: 900 },
  );
  ({ engine, page, problems } = session);
});

afterAll(() => session?.close());

/** Nothing ran, nothing was injected; returns the page's text. */
async function expectNothingRan(view: string): Promise<string> {
  const seen = await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    type Named = { getAttributeNames(): string[] };
    const all = Array.from(g.document.querySelectorAll('*') as unknown as ArrayLike<Named>);
    return {
      pwned: g.__pwned,
      scripts: g.document.querySelectorAll('script').length,
      injected: g.document.querySelectorAll(
        'img, svg, iframe, object, embed, #injected, b#injected',
      ).length,
      handlers: all.filter((el) => el.getAttributeNames().some((a) => a.startsWith('on'))).length,
      text: g.document.body.textContent ?? '',
    };
  });
  expect(seen.pwned, view).toBeUndefined();
  expect(seen.scripts, view).toBe(1);
  expect(seen.injected, view).toBe(0);
  expect(seen.handlers, view).toBe(0);
  return seen.text;
}

/** Waits until the element `selector` shows `text`; the error says what it showed instead. */
async function waitForText(selector: string, text: string, timeout = 15_000): Promise<void> {
  try {
    await page.waitForFunction(
      ([sel, wanted]) =>
        (globalThis as unknown as PageGlobals).document
          .querySelector(sel)
          ?.textContent?.includes(wanted) === true,
      [selector, text] as const,
      { timeout },
    );
  } catch (error) {
    const shown = await page.textContent(selector).catch(() => null);
    throw new Error(`${selector} never showed ${text}; it shows ${String(shown)}`, {
      cause: error,
    });
  }
}

async function timelineText(): Promise<string> {
  return (await page.textContent('#timeline')) ?? '';
}

describe('dashboard escaping in Chromium', () => {
  it('shows hostile ids, type names and inputs in the runs table as text', async () => {
    await engine.start(hostile, INPUT, { workflowId: RUN_ID });
    await engine.start(crashing, null, { workflowId: CRASH_ID });
    await engine.start(sleeper, null, { workflowId: CANCEL_ID });
    await waitForStatuses(page, [RUN_ID, CRASH_ID, CANCEL_ID], 'running');
    const text = await expectNothingRan('runs table');
    for (const shown of [RUN_ID, CRASH_ID, CANCEL_ID, TYPE]) expect(text).toContain(shown);
  });

  it('filters by a hostile type name', async () => {
    await page.reload();
    await page.waitForSelector('#runs-table');
    await page.waitForFunction(
      (type) =>
        Array.from(
          (globalThis as unknown as PageGlobals).document.querySelectorAll('#filter-type option'),
        ).some((o) => o.textContent === type),
      TYPE,
    );
    await page.selectOption('#filter-type', TYPE);
    await waitForStatuses(page, [RUN_ID], 'running');
    await expectNothingRan('type filter');
    await page.selectOption('#filter-type', '');
  });

  it('shows a run page with a hostile input, activity error and result, child id and query answers', async () => {
    await waitUntil(
      async () => (await engine.history(RUN_ID)).some((e) => e.type === 'ChildWorkflowCompleted'),
      { timeoutMs: 15_000, what: 'the child' },
    );
    await openRun(page, RUN_ID);
    await page.waitForSelector('#timeline tr[data-type="ChildWorkflowCompleted"]');
    const timeline = await timelineText();
    expect(timeline).toContain(JSON.stringify(INPUT).slice(0, 40));
    expect(timeline).toContain(one('activity error', 1));
    expect(timeline).toContain(CHILD_ID);
    await page.fill('#query-name', 'echo');
    await page.click('#run-query');
    // The page shows a query's answer as JSON.
    await waitForText('#query-result', JSON.stringify(one('query answer', 1)));
    await page.fill('#query-name', 'html');
    await page.click('#run-query');
    await waitForText('#query-result', "window.__pwned='query answer'");
    await page.fill('#query-name', 'boom');
    await page.click('#run-query');
    // A failing handler's message stays on the server: the page says which query failed.
    await waitForText('#notice', "QUERY_FAILED: query 'boom' failed");
    const text = await expectNothingRan('run page');
    expect(text).toContain(RUN_ID);
    expect(text).toContain(TYPE);
  });

  it('sends a hostile signal from the page and shows the failure message of markup', async () => {
    await page.fill('#signal-name', SIGNAL_NAME);
    await page.fill('#signal-payload', JSON.stringify(SIGNAL_PAYLOAD));
    await page.click('#send-signal');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document.querySelector('.run-head')?.dataset
          .status === 'failed',
      undefined,
      { timeout: 15_000 },
    );
    await page.waitForSelector('#timeline tr[data-type="WorkflowFailed"]');
    const timeline = await timelineText();
    expect(timeline).toContain(SIGNAL_NAME);
    expect(timeline).toContain(one('failure message', 1));
    await expectNothingRan('failed run page');
  });

  it('shows the child run with a hostile id and result', async () => {
    await openRun(page, CHILD_ID);
    await page.waitForSelector('#timeline tr[data-type="WorkflowCompleted"]');
    expect(await timelineText()).toContain(JSON.stringify(one('child input', 1)).slice(0, 40));
    await expectNothingRan('child page');
  });

  it('shows a hostile cancel reason', async () => {
    await engine.cancel(CANCEL_ID, CANCEL_REASON);
    await openRun(page, CANCEL_ID);
    await page.waitForSelector('#timeline tr[data-type="WorkflowCancelled"]');
    expect(await timelineText()).toContain(CANCEL_REASON);
    await expectNothingRan('cancelled run page');
  });

  it('shows hostile crash messages and run ids in the supervision tree and log', async () => {
    await openRun(page, CRASH_ID);
    await expectNothingRan('crashed run page');
    await page.click('#nav-tree');
    await page.waitForSelector('#tree li[data-kind="supervisor"]');
    // The page keeps the supervision events it saw since it loaded: crash a run now.
    await engine.start(crashing, null, { workflowId: `${CRASH_ID} again` });
    await waitForText('#supervision-log', one('crash message', 1));
    const text = await expectNothingRan('tree');
    expect(text).toContain(TYPE);
    await page.screenshot({ path: join(outputDir, 'dashboard-xss.png'), fullPage: true });
  });

  it('ran no injected script: no page errors, no dialogs', () => {
    // The refused query is an expected 4xx answer; anything else is a problem.
    const expected = (e: string): boolean =>
      e.startsWith('http 422') || e.includes('status of 422');
    expect(problems.errors.filter((e) => !expected(e))).toEqual([]);
  });
});
