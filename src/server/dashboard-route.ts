import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkOrigin, cookieOf, tokenMatches } from './auth.js';
import type { AuthPolicy } from './auth.js';
import { dashboardPage, dashboardPolicy } from './dashboard/dashboard-page.js';
import { HttpError } from './http-io.js';

const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
} as const;

function plainPage(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

/**
 * Serves the dashboard at `/`. The URL that `aion dashboard` and
 * `engine.serve()` print carries the token (`/?token=...`): it is checked,
 * traded for an HttpOnly, SameSite=Strict cookie scoped to this port, and
 * the browser is redirected to `/`, so the token leaves the address bar
 * and the history. Without the cookie the page is refused.
 */
export function serveDashboard(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  policy: AuthPolicy,
): void {
  checkOrigin(req, policy);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed here`);
  }
  const offered = url.searchParams.get('token');
  if (offered !== null) {
    if (!tokenMatches(offered, policy.token)) {
      plainPage(res, 401, 'This dashboard link holds a wrong or outdated token.');
      return;
    }
    res.writeHead(303, {
      ...PAGE_HEADERS,
      location: '/',
      'set-cookie': `${policy.cookieName}=${offered}; HttpOnly; SameSite=Strict; Path=/`,
    });
    res.end();
    return;
  }
  if (!tokenMatches(cookieOf(req, policy.cookieName), policy.token)) {
    plainPage(
      res,
      401,
      'Open the dashboard through the link that `aion dashboard` or engine.serve() prints: it holds the token.',
    );
    return;
  }
  const nonce = randomBytes(16).toString('base64');
  const html = dashboardPage(nonce);
  res.writeHead(200, {
    ...PAGE_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'content-security-policy': dashboardPolicy(nonce),
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}
