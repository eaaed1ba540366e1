import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ActivityDefinition, WorkflowDefinition } from '../index.js';
import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-codes.js';

/** The workflow and activity definitions a module exports. */
export interface Definitions {
  readonly workflows: readonly WorkflowDefinition[];
  readonly activities: readonly ActivityDefinition[];
}

const TYPESCRIPT = /\.[cm]?tsx?$/;

let tsxRegistered: Promise<unknown> | undefined;

/**
 * Imports a module file. TypeScript goes through tsx's loader (this is why
 * tsx is a runtime dependency of the package), registered for the whole
 * process with `register()` rather than scoped with `tsImport()`: a scoped
 * import loads its own copy of every module it reaches, `aion-ts`
 * included, and an `ApplicationError` thrown by the workflow would then
 * not be the engine's `ApplicationError`.
 */
async function importFile(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  if (TYPESCRIPT.test(path)) {
    tsxRegistered ??= import('tsx/esm/api').then(({ register }) => register());
    await tsxRegistered;
  }
  try {
    // The one computed import of the code base: the user's module, by path.
    // (The architecture test needs an allowance for this file.)
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_REQUIRE_CYCLE_MODULE') throw error;
    throw new CliError(
      'MODULE_FORMAT',
      `${path} was loaded as CommonJS`,
      'name it .mts, or set "type": "module" in its package.json',
      ExitCode.USAGE,
    );
  }
}

function kindOf(value: unknown): 'workflow' | 'activity' | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { kind, name } = value as { kind?: unknown; name?: unknown };
  if (typeof name !== 'string') return undefined;
  return kind === 'workflow' || kind === 'activity' ? kind : undefined;
}

/**
 * Collects definitions from a module's exports: exported definitions,
 * arrays of them, and objects holding either (such as a default export
 * `{ workflows, activities }`), one level down.
 */
export function collectDefinitions(exports: Record<string, unknown>): Definitions {
  const workflows = new Map<string, WorkflowDefinition>();
  const activities = new Map<string, ActivityDefinition>();
  const add = (value: unknown, depth: number): void => {
    const kind = kindOf(value);
    if (kind === 'workflow') {
      const def = value as WorkflowDefinition;
      if (!workflows.has(def.name)) workflows.set(def.name, def);
    } else if (kind === 'activity') {
      const def = value as ActivityDefinition;
      if (!activities.has(def.name)) activities.set(def.name, def);
    } else if (depth < 2 && Array.isArray(value)) {
      for (const item of value) add(item, depth + 1);
    } else if (depth < 1 && typeof value === 'object' && value !== null) {
      for (const item of Object.values(value)) add(item, depth + 1);
    }
  };
  for (const value of Object.values(exports)) add(value, 0);
  // Sorted by name: ES module namespaces list exports alphabetically anyway,
  // and other loaders must not change what `aion` prints.
  const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
  return {
    workflows: [...workflows.values()].sort(byName),
    activities: [...activities.values()].sort(byName),
  };
}

/**
 * Loads the definitions of a module file (TypeScript or JavaScript).
 *
 * @throws CliError `NO_MODULE` when the file is missing, `NO_WORKFLOWS`
 * when it exports no workflow definition.
 */
export async function loadDefinitions(file: string, io: CliIo): Promise<Definitions> {
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) {
    throw new CliError(
      'NO_MODULE',
      `no module at ${path}`,
      'check the FILE argument',
      ExitCode.USAGE,
    );
  }
  const exports = await (io.importModule ?? importFile)(path);
  const definitions = collectDefinitions(exports);
  if (definitions.workflows.length === 0) {
    throw new CliError(
      'NO_WORKFLOWS',
      `${file} exports no workflow definition`,
      'export the results of defineWorkflow (and defineActivity) from the module',
      ExitCode.USAGE,
    );
  }
  return definitions;
}

/**
 * Picks the workflow to run: the one named, or the only one exported.
 *
 * @throws CliError when the name is unknown or the choice is ambiguous.
 */
export function pickWorkflow(definitions: Definitions, name?: string): WorkflowDefinition {
  const names = definitions.workflows.map((w) => w.name).join(', ');
  if (name !== undefined) {
    const found = definitions.workflows.find((w) => w.name === name);
    if (found !== undefined) return found;
    throw new CliError(
      'UNKNOWN_WORKFLOW_TYPE',
      `the module has no workflow '${name}'`,
      `it has: ${names}`,
      ExitCode.USAGE,
    );
  }
  const [only, ...others] = definitions.workflows;
  if (only !== undefined && others.length === 0) return only;
  throw new CliError(
    'INVALID_ARGUMENT',
    `the module exports ${definitions.workflows.length} workflows`,
    `pick one with --workflow NAME (${names})`,
    ExitCode.USAGE,
  );
}
