import { InvalidArgumentError } from '../index.js';
import type { WorkflowStatus } from '../index.js';

/** A parsed JSON request body that must be an object; fields are read as own properties only. */
export type BodyFields = Readonly<Record<string, unknown>>;

const STATUSES: readonly WorkflowStatus[] = [
  'running',
  'completed',
  'failed',
  'cancelled',
  'timedOut',
  'terminated',
  'continuedAsNew',
];

/**
 * The request body as an object; an empty body is `{}`.
 *
 * @throws InvalidArgumentError for arrays, strings, numbers, `null`.
 */
export function bodyObject(body: unknown): BodyFields {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidArgumentError('the request body must be a JSON object');
  }
  return body as BodyFields;
}

/** An own property of the body (never one inherited, such as `constructor`). */
export function field(body: BodyFields, key: string): unknown {
  return Object.hasOwn(body, key) ? body[key] : undefined;
}

/**
 * A string field.
 *
 * @throws InvalidArgumentError when it is missing and `required`, or not a string.
 */
export function stringField(body: BodyFields, key: string, required: true): string;
export function stringField(body: BodyFields, key: string, required?: false): string | undefined;
export function stringField(body: BodyFields, key: string, required = false): string | undefined {
  const value = field(body, key);
  if (value === undefined) {
    if (required) throw new InvalidArgumentError(`the body needs '${key}', a string`);
    return undefined;
  }
  if (typeof value !== 'string') throw new InvalidArgumentError(`'${key}' must be a string`);
  return value;
}

/** A boolean field. @throws InvalidArgumentError when it is not a boolean. */
export function booleanField(body: BodyFields, key: string): boolean | undefined {
  const value = field(body, key);
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InvalidArgumentError(`'${key}' must be a boolean`);
  }
  return value;
}

/** A duration field: milliseconds or a string such as `'10m'`. */
export function durationField(body: BodyFields, key: string): number | string | undefined {
  const value = field(body, key);
  if (value !== undefined && typeof value !== 'number' && typeof value !== 'string') {
    throw new InvalidArgumentError(`'${key}' must be milliseconds or a duration string`);
  }
  return value;
}

/** A query-string parameter (the first when repeated). */
export function param(url: URL, key: string): string | undefined {
  return url.searchParams.get(key) ?? undefined;
}

/**
 * An integer query-string parameter.
 *
 * @throws InvalidArgumentError when it is not an integer in `[min, max]`.
 */
export function intParam(url: URL, key: string, min: number, max: number): number | undefined {
  const text = param(url, key);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`'${key}' must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** The `status` query parameter. @throws InvalidArgumentError for an unknown status. */
export function statusParam(url: URL): WorkflowStatus | undefined {
  const text = param(url, 'status');
  if (text === undefined) return undefined;
  const status = STATUSES.find((s) => s === text);
  if (status === undefined) {
    throw new InvalidArgumentError(`'status' must be one of ${STATUSES.join(', ')}`);
  }
  return status;
}

/** Every workflow status, in a stable order. */
export const WORKFLOW_STATUSES: readonly WorkflowStatus[] = STATUSES;
