import { describe, expect, it } from 'vitest';
import { main } from '../../docs/examples/operations/serve.js';

describe('docs/examples/operations/serve.ts', () => {
  it('serves the API with a token written beside the store', async () => {
    expect(await main()).toEqual({ runs: 1, dashboard: true, tokenFileHasToken: true });
  });
});
