import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:browser`: the dashboard in real headless Chromium. Kept out
// of `npm test` (its files are *.browser.ts) because it needs a browser.
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('../..'),
  resolve: {
    alias: [
      { find: /^aion-ts\/testing$/, replacement: here('../../src/testing/index.ts') },
      { find: /^aion-ts$/, replacement: here('../../src/index.ts') },
    ],
  },
  test: {
    include: ['test/browser/**/*.browser.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
