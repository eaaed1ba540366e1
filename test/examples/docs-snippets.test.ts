import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './main-job-run.js';

/** The pages whose TypeScript samples are excerpts of docs/examples/. */
const pages = [
  'docs/getting-started.md',
  'docs/workflows.md',
  'docs/activities.md',
  'docs/recovery.md',
  'docs/testing.md',
];

interface Snippet {
  readonly line: number;
  readonly source: string;
  readonly body: string[];
}

/** The ```ts blocks of a page; each starts with a `// docs/examples/...` line naming its file. */
function snippets(markdown: string): Snippet[] {
  const found: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    const [first = '', ...body] = lines.slice(start, end);
    found.push({ line: start + 1, source: first.replace(/^\/\/\s*/, '').trim(), body });
    i = end;
  }
  return found;
}

/** True when the chunks between `// ...` lines appear in the file, in order. */
function isExcerpt(body: readonly string[], file: string): boolean {
  const fileLines = file.split('\n').map((l) => l.trimEnd());
  const chunks: string[][] = [[]];
  for (const line of body) {
    if (line.trim() === '// ...') chunks.push([]);
    else chunks.at(-1)?.push(line.trimEnd());
  }
  let from = 0;
  for (const chunk of chunks.filter((c) => c.length > 0)) {
    let at = -1;
    for (let i = from; i + chunk.length <= fileLines.length && at < 0; i++) {
      if (chunk.every((line, k) => fileLines[i + k] === line)) at = i;
    }
    if (at < 0) return false;
    from = at + chunk.length;
  }
  return true;
}

describe('docs code samples', () => {
  for (const page of pages) {
    it(`${page} shows only code from type-checked files in docs/examples`, () => {
      const list = snippets(readFileSync(join(repoRoot, page), 'utf8'));
      expect(list.length).toBeGreaterThan(0);
      for (const snippet of list) {
        expect(snippet.source, `${page}:${snippet.line} names its file`).toMatch(
          /^docs\/examples\/[\w/-]+\.ts$/,
        );
        const file = readFileSync(join(repoRoot, snippet.source), 'utf8');
        expect(
          isExcerpt(snippet.body, file),
          `${page}:${snippet.line} is an excerpt of ${snippet.source}`,
        ).toBe(true);
      }
    });
  }
});
