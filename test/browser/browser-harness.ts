import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { Engine } from '../../src/index.js';
import type { EngineOptions } from '../../src/index.js';

/** Where screenshots go (git-ignored; CI keeps it as an artifact). */
export const outputDir = fileURLToPath(new URL('../../test-output/', import.meta.url));

/** Debian's chromium; override with AION_CHROMIUM. */
const executablePath = process.env.AION_CHROMIUM ?? '/usr/bin/chromium';

/** Launches headless Chromium with no network side traffic. */
export function launchChromium(): Promise<Browser> {
  mkdirSync(outputDir, { recursive: true });
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What a page did that a test must not tolerate: script errors, dialogs, console errors. */
export interface PageProblems {
  readonly errors: string[];
}

/** Records script errors, dialogs (an XSS would typically open one) and console errors. */
export function watchProblems(page: Page): PageProblems {
  const problems: PageProblems = { errors: [] };
  page.on('pageerror', (error) => problems.errors.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      void response
        .text()
        .then((body) =>
          problems.errors.push(`http ${response.status()} ${response.url()}: ${body}`),
        );
    }
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('favicon')) {
      problems.errors.push(`console: ${message.text()}`);
    }
  });
  return problems;
}

/**
 * The little of the DOM the page functions below use. The project compiles
 * without the DOM library (src/ must not see browser globals), so functions
 * that run in the page reach it through `globalThis` with these types.
 */
export interface PageElement {
  readonly dataset: Record<string, string | undefined>;
  readonly textContent: string | null;
  readonly children: ArrayLike<PageElement>;
}
export interface PageGlobals {
  readonly document: {
    querySelectorAll(selector: string): ArrayLike<PageElement>;
    querySelector(selector: string): PageElement | null;
    readonly body: PageElement;
  };
  readonly location: { hash: string; pathname: string };
  [key: string]: unknown;
}

/** The `data-status` of the runs-table row of a workflow id (ids compared as data, never as selectors). */
export function rowStatus(page: Page, workflowId: string): Promise<string | null> {
  return page.evaluate((id) => {
    const { document } = globalThis as unknown as PageGlobals;
    const rows = Array.from(document.querySelectorAll('#runs-table tbody tr'));
    return rows.find((row) => row.dataset.workflowId === id)?.dataset.status ?? null;
  }, workflowId);
}

/** Waits until the runs table shows `status` for every id. */
export async function waitForStatuses(
  page: Page,
  ids: readonly string[],
  status: string,
): Promise<void> {
  await page.waitForFunction(
    ([wanted, expected]) => {
      const { document } = globalThis as unknown as PageGlobals;
      const rows = Array.from(document.querySelectorAll('#runs-table tbody tr'));
      return wanted.every((id) =>
        rows.some((r) => r.dataset.workflowId === id && r.dataset.status === expected),
      );
    },
    [ids, status] as const,
    { timeout: 15_000 },
  );
}

/** A dashboard served by a real engine on a temp-dir store, open in Chromium. */
export interface DashboardSession {
  readonly engine: Engine;
  readonly page: Page;
  readonly problems: PageProblems;
  close(): Promise<void>;
}

/**
 * Opens an engine on a fresh temp-dir store, serves its dashboard and opens
 * it in Chromium on the runs page.
 */
export async function openDashboard(
  options: Pick<EngineOptions, 'workflows' | 'activities'>,
  viewport: { readonly width: number; readonly height: number },
): Promise<DashboardSession> {
  const dir = await mkdtemp(join(tmpdir(), 'aion-browser-'));
  const engine = await Engine.open({ store: dir, ...options });
  const server = await engine.serve();
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  const problems = watchProblems(page);
  await page.goto(server.dashboardUrl);
  await page.waitForSelector('#runs-table');
  return {
    engine,
    page,
    problems,
    async close() {
      await browser.close();
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Shows one run's page and waits until it shows that run. */
export async function openRun(page: Page, workflowId: string): Promise<void> {
  await page.evaluate((id) => {
    (globalThis as unknown as PageGlobals).location.hash = `#/run/${encodeURIComponent(id)}`;
  }, workflowId);
  await page.waitForFunction(
    (id) =>
      (globalThis as unknown as PageGlobals).document.querySelector('#run-id')?.textContent === id,
    workflowId,
  );
}
