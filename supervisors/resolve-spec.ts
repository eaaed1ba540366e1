import type { AnyActorLogic } from 'xstate';
import { isSupervisorLogic } from './supervisor-brand.js';
import type { SupervisorClock } from './supervisor-clock.js';
import { SupervisorError } from './supervisor-error.js';
import type {
  Backoff,
  ChildSpec,
  Intensity,
  RestartType,
  ShutdownHook,
  Strategy,
  SupervisorSpec,
} from './supervisor-spec.js';

/**
 * The default restart intensity: 3 restarts in 5 seconds.
 *
 * @example
 * ```ts
 * createSupervisor({ id: 'root', intensity: { ...DEFAULT_INTENSITY, withinMs: 60_000 } });
 * ```
 */
export const DEFAULT_INTENSITY: Intensity = { maxRestarts: 3, withinMs: 5_000 };

/**
 * The default shutdown timeout of a worker child, in milliseconds.
 *
 * @example
 * ```ts
 * const child = { id: 'db', logic, shutdownTimeoutMs: 2 * DEFAULT_SHUTDOWN_TIMEOUT_MS };
 * ```
 */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

const STRATEGIES: readonly string[] = ['one-for-one', 'one-for-all', 'rest-for-one'];
const RESTART_TYPES: readonly string[] = ['permanent', 'transient', 'temporary'];

/**
 * A child spec with defaults applied and its kind decided; the opaque payload of the core.
 *
 * @example
 * ```ts
 * const child: ResolvedChild = resolveChildSpec({ id: 'a', logic }, 5_000, supervisorLogic);
 * ```
 */
export interface ResolvedChild {
  readonly id: string;
  readonly kind: 'worker' | 'supervisor';
  readonly logic: AnyActorLogic;
  readonly input: unknown;
  readonly restart: RestartType;
  readonly intensity: Intensity | undefined;
  readonly shutdown: ShutdownHook | undefined;
  readonly shutdownTimeoutMs: number;
  readonly systemId: string | undefined;
}

/**
 * A supervisor spec with defaults applied, validated once at construction.
 *
 * @example
 * ```ts
 * const spec: ResolvedSupervisorSpec = resolveSupervisorSpec({ id: 'root' }, supervisorLogic);
 * ```
 */
export interface ResolvedSupervisorSpec {
  readonly id: string;
  readonly strategy: Strategy;
  readonly intensity: Intensity;
  readonly backoff: Backoff | undefined;
  readonly children: readonly ResolvedChild[];
  readonly clock: SupervisorClock | undefined;
  readonly random: (() => number) | undefined;
  readonly shutdownTimeoutMs: number;
  readonly reportError: ((error: unknown) => void) | undefined;
}

/**
 * Builds the logic of a nested supervisor child (injected to avoid an import cycle).
 *
 * @example
 * ```ts
 * const compile: CompileNested = (spec) => supervisorLogic(spec);
 * ```
 */
export type CompileNested = (spec: SupervisorSpec) => AnyActorLogic;

const invalid = (message: string): SupervisorError => new SupervisorError('INVALID_SPEC', message);

/** The longest id accepted: ids are path elements, printed in events and logs. */
const MAX_ID_LENGTH = 256;
// C0, DEL and C1 control characters make paths and logs unreadable.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const checkId = (id: unknown, where: string): string => {
  if (typeof id !== 'string' || id.length === 0)
    throw invalid(`${where}: id must be a non-empty string`);
  if (id.length > MAX_ID_LENGTH) throw invalid(`${where}: id is over ${MAX_ID_LENGTH} characters`);
  if (CONTROL.test(id)) throw invalid(`${where}: id must not contain control characters`);
  return id;
};

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

// `typeof` first: `'5' > 0` holds in JavaScript, and a string would reach the timers.
const isNumber = (value: unknown): value is number => typeof value === 'number';

const checkObject = (value: unknown, what: string, where: string): void => {
  if (!isObject(value)) throw invalid(`${where}: ${what} must be an object`);
};

const checkFunction = (value: unknown, what: string, where: string): void => {
  if (value !== undefined && typeof value !== 'function') {
    throw invalid(`${where}: ${what} must be a function`);
  }
};

const checkClock = (value: unknown, where: string): SupervisorClock | undefined => {
  if (value === undefined) return undefined;
  const { now, schedule } = (isObject(value) ? value : {}) as Partial<SupervisorClock>;
  if (typeof now !== 'function' || typeof schedule !== 'function') {
    throw invalid(`${where}: clock must have now() and schedule()`);
  }
  return value as SupervisorClock;
};

const checkIntensity = (value: Intensity | undefined, where: string): Intensity | undefined => {
  if (value === undefined) return undefined;
  checkObject(value, 'intensity', where);
  const { maxRestarts, withinMs } = value;
  const maxOk = maxRestarts === Infinity || (Number.isInteger(maxRestarts) && maxRestarts >= 0);
  if (!maxOk) throw invalid(`${where}: intensity.maxRestarts must be an integer >= 0 or Infinity`);
  if (!isNumber(withinMs) || !(withinMs > 0)) {
    throw invalid(`${where}: intensity.withinMs must be a number > 0`);
  }
  return { maxRestarts, withinMs };
};

const checkTimeout = (value: number | undefined, where: string): number | undefined => {
  if (value !== undefined && !(isNumber(value) && value >= 0))
    throw invalid(`${where}: shutdownTimeoutMs must be a number >= 0`);
  return value;
};

const checkBackoff = (value: Backoff | undefined, where: string): Backoff | undefined => {
  if (value === undefined) return undefined;
  checkObject(value, 'backoff', where);
  const { initialMs, maxMs, factor, jitter = 0 } = value;
  if (![initialMs, maxMs, factor, jitter].every(isNumber)) {
    throw invalid(`${where}: backoff initialMs, maxMs, factor and jitter must be numbers`);
  }
  if (!(initialMs >= 0)) throw invalid(`${where}: backoff.initialMs must be >= 0`);
  if (!(maxMs >= initialMs)) throw invalid(`${where}: backoff.maxMs must be >= initialMs`);
  if (!(factor >= 1)) throw invalid(`${where}: backoff.factor must be >= 1`);
  if (!(jitter >= 0 && jitter <= 1)) throw invalid(`${where}: backoff.jitter must be in [0, 1]`);
  return { initialMs, maxMs, factor, jitter };
};

const checkRestart = (value: RestartType | undefined, where: string): RestartType => {
  if (value === undefined) return 'permanent';
  if (!RESTART_TYPES.includes(value)) throw invalid(`${where}: unknown restart type '${value}'`);
  return value;
};

const isLogic = (value: unknown): value is AnyActorLogic =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { transition?: unknown }).transition === 'function' &&
  typeof (value as { getInitialSnapshot?: unknown }).getInitialSnapshot === 'function';

/**
 * Validates a child spec and applies its defaults.
 *
 * @param child - The spec as the user wrote it.
 * @param defaultTimeoutMs - The supervisor's default worker shutdown timeout.
 * @param compile - Builds nested supervisor logic.
 * @returns The resolved child.
 * @throws SupervisorError `INVALID_SPEC`
 * @example
 * ```ts
 * resolveChildSpec({ id: 'a', logic }, 5_000, (spec) => supervisorLogic(spec));
 * ```
 */
export function resolveChildSpec(
  child: ChildSpec,
  defaultTimeoutMs: number,
  compile: CompileNested,
): ResolvedChild {
  checkObject(child, 'a child spec', 'child');
  const id = checkId(child.id, 'child');
  const where = `child '${id}'`;
  const restart = checkRestart(child.restart, where);
  const intensity = checkIntensity(child.intensity, where);
  const timeout = checkTimeout(child.shutdownTimeoutMs, where);
  if ('supervisor' in child) {
    checkObject(child.supervisor, 'supervisor', where);
    const logic = compile({ ...child.supervisor, id });
    return {
      id,
      kind: 'supervisor',
      logic,
      input: undefined,
      restart,
      intensity,
      shutdown: undefined,
      shutdownTimeoutMs: timeout ?? Infinity,
      systemId: undefined,
    };
  }
  if (!isLogic(child.logic)) throw invalid(`${where}: logic must be XState actor logic`);
  const nested = isSupervisorLogic(child.logic);
  if (child.shutdown !== undefined && typeof child.shutdown !== 'function') {
    throw invalid(`${where}: shutdown must be a function`);
  }
  return {
    id,
    kind: nested ? 'supervisor' : 'worker',
    logic: child.logic,
    input: child.input,
    restart,
    intensity,
    shutdown: child.shutdown,
    shutdownTimeoutMs: timeout ?? (nested ? Infinity : defaultTimeoutMs),
    systemId: child.systemId,
  };
}

/**
 * Validates a supervisor spec (recursively) and applies its defaults.
 *
 * @param spec - The spec as the user wrote it.
 * @param compile - Builds nested supervisor logic.
 * @returns The resolved spec.
 * @throws SupervisorError `INVALID_SPEC`
 * @example
 * ```ts
 * resolveSupervisorSpec({ id: 'root', children: [] }, (spec) => supervisorLogic(spec));
 * ```
 */
export function resolveSupervisorSpec(
  spec: SupervisorSpec,
  compile: CompileNested,
): ResolvedSupervisorSpec {
  checkObject(spec, 'a supervisor spec', 'supervisor');
  const id = checkId(spec.id, 'supervisor');
  const where = `supervisor '${id}'`;
  const strategy = spec.strategy ?? 'one-for-one';
  if (!STRATEGIES.includes(strategy)) throw invalid(`${where}: unknown strategy '${strategy}'`);
  const shutdownTimeoutMs =
    checkTimeout(spec.shutdownTimeoutMs, where) ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const specChildren: unknown = spec.children ?? [];
  if (!Array.isArray(specChildren)) throw invalid(`${where}: children must be an array`);
  checkFunction(spec.random, 'random', where);
  checkFunction(spec.reportError, 'reportError', where);
  const clock = checkClock(spec.clock, where);
  const children = (specChildren as readonly ChildSpec[]).map((c) =>
    resolveChildSpec(c, shutdownTimeoutMs, compile),
  );
  const seen = new Set<string>();
  for (const child of children) {
    if (seen.has(child.id)) throw invalid(`${where}: duplicate child id '${child.id}'`);
    seen.add(child.id);
  }
  return {
    id,
    strategy,
    intensity: checkIntensity(spec.intensity, where) ?? DEFAULT_INTENSITY,
    backoff: checkBackoff(spec.backoff, where),
    children,
    clock,
    random: spec.random,
    shutdownTimeoutMs,
    reportError: spec.reportError,
  };
}
