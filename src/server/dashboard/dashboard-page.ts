import { clientCore } from './client-core.js';
import { clientRun } from './client-run.js';
import { clientRuns } from './client-runs.js';
import { clientTree } from './client-tree.js';
import { dashboardStyles } from './dashboard-styles.js';

/** The dashboard's browser script: the four parts in one strict-mode function scope. */
export const dashboardScript = `(function () {${clientCore}${clientRuns}${clientRun}${clientTree}})();`;

/**
 * The dashboard page: one HTML document with its style and script inline,
 * both carrying `nonce`, which the page's Content-Security-Policy requires
 * of every script and style, so nothing injected could run even if it got
 * in. It holds no data and no secret: everything comes from the API.
 *
 * @param nonce a fresh random value per response (base64).
 */
export function dashboardPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>aion-ts dashboard</title>
<style nonce="${nonce}">${dashboardStyles}</style>
</head>
<body>
<header>
<h1>aion-ts</h1>
<nav><a id="nav-runs" href="#/">Runs</a><a id="nav-tree" href="#/tree">Supervision tree</a></nav>
<span id="live" class="live off">connecting</span>
</header>
<div id="counters"></div>
<div id="notice" role="alert" hidden></div>
<main id="view"></main>
<script nonce="${nonce}">${dashboardScript}</script>
</body>
</html>
`;
}

/**
 * The Content-Security-Policy of the dashboard page: scripts and styles
 * only with the response's nonce, requests only to this server, no frames.
 */
export function dashboardPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
