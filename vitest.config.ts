import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^aion-ts\/supervisors$/, replacement: here('./supervisors/index.ts') },
      { find: /^aion-ts\/testing$/, replacement: here('./src/testing/index.ts') },
      { find: /^aion-ts$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
