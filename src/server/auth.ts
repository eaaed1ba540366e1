import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-io.js';

/**
 * Who may talk to the server. The token is the only credential: the CLI
 * and other clients send it as `Authorization: Bearer <token>`; the
 * dashboard trades it once (`/?token=`) for an HttpOnly, SameSite=Strict
 * cookie, because `EventSource` cannot send headers.
 */
export interface AuthPolicy {
  readonly token: string;
  /** Per port: browsers share cookies between ports of one host. */
  readonly cookieName: string;
  /**
   * The `Host` headers accepted (`127.0.0.1:port`, `localhost:port`,
   * `[::1]:port`) when bound to loopback: a page of another site that
   * rebinds its DNS name to 127.0.0.1 still sends its own name, and is
   * refused. `undefined` (bound elsewhere) accepts any host.
   */
  readonly allowedHosts: ReadonlySet<string> | undefined;
}

/** How a request proved it holds the token. */
export type AuthMethod = 'bearer' | 'cookie';

/** A new random token: 32 bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/** The auth policy of a server listening on `host:port`. */
export function authPolicy(token: string, host: string, port: number): AuthPolicy {
  const allowedHosts = isLoopback(host)
    ? new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host}:${port}`])
    : undefined;
  return { token, cookieName: `aion_token_${port}`, allowedHosts };
}

/** Compares in constant time, so response times do not leak the token. */
export function tokenMatches(candidate: string | undefined, token: string): boolean {
  if (candidate === undefined) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The value of one cookie of a request. */
export function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Checks the `Host` and `Origin` headers: no request from a page of
 * another origin is served, with or without credentials, and no CORS
 * header is ever sent, so browsers keep other origins out.
 *
 * @throws HttpError 403 `FORBIDDEN`.
 */
export function checkOrigin(req: IncomingMessage, policy: AuthPolicy): void {
  const host = req.headers.host ?? '';
  if (policy.allowedHosts !== undefined && !policy.allowedHosts.has(host)) {
    throw new HttpError(403, 'FORBIDDEN', `host '${host}' is not served`);
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) {
    throw new HttpError(403, 'FORBIDDEN', 'requests from other origins are not served');
  }
}

/**
 * Checks the token of an API request: the bearer header, or the
 * dashboard's cookie. A cookie-authenticated request that changes
 * something must also carry the server's own `Origin` (browsers always
 * send it on such requests), a second line behind SameSite=Strict.
 *
 * @throws HttpError 401 `UNAUTHORIZED` or 403 `FORBIDDEN`.
 */
export function authenticate(req: IncomingMessage, policy: AuthPolicy): AuthMethod {
  checkOrigin(req, policy);
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (tokenMatches(match?.[1], policy.token)) return 'bearer';
    throw new HttpError(401, 'UNAUTHORIZED', 'the bearer token is wrong');
  }
  if (tokenMatches(cookieOf(req, policy.cookieName), policy.token)) {
    const safe = req.method === 'GET' || req.method === 'HEAD';
    if (!safe && req.headers.origin === undefined) {
      throw new HttpError(403, 'FORBIDDEN', 'a browser request that changes state needs Origin');
    }
    return 'cookie';
  }
  throw new HttpError(
    401,
    'UNAUTHORIZED',
    'send Authorization: Bearer <token>; the token is in the server file of the store',
  );
}
