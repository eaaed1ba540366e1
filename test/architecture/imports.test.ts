import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The import rules of ARCHITECTURE.md, checked on every .ts file under src/
// and supervisors/. Imports point down; a cross-module import goes through
// the target's index.ts; src/core and src/run stay pure (no RxJS, no timers,
// no wall clock, no entropy) so replay needs no I/O.

type ModuleName =
  | 'supervisors'
  | 'core'
  | 'store'
  | 'workflow'
  | 'run'
  | 'activities'
  | 'timers'
  | 'engine'
  | 'testing'
  | 'server'
  | 'cli'
  | 'index';

interface ModuleRule {
  /** Internal modules it may import, always through their index.ts. */
  readonly imports: readonly ModuleName[];
  /** Internal modules it may load only with a dynamic `import()`. */
  readonly dynamicImports?: readonly ModuleName[];
  /** npm packages it may import; absent = any declared package another module does not own. */
  readonly packages?: readonly string[];
}

const LOWER: readonly ModuleName[] = [
  'core',
  'store',
  'workflow',
  'run',
  'activities',
  'timers',
  'supervisors',
];

/** The table of ARCHITECTURE.md. Change both together. */
const RULES: Readonly<Record<ModuleName, ModuleRule>> = {
  supervisors: { imports: [], packages: ['xstate', 'rxjs'] },
  core: { imports: [], packages: ['msgpackr', 'ulid', 'ms'] },
  store: { imports: ['core'], packages: ['level'] },
  workflow: { imports: ['core'], packages: [] },
  run: { imports: ['core', 'workflow'], packages: ['xstate'] },
  activities: { imports: ['core', 'workflow'], packages: [] },
  timers: { imports: ['core', 'store'], packages: [] },
  // engine.serve() loads the server lazily so the engine never depends on it.
  engine: { imports: LOWER, dynamicImports: ['server'] },
  // The test engine wraps the real one; replayHistory comes from run/.
  testing: { imports: ['index', 'store', 'core', 'engine', 'run'] },
  server: { imports: ['index'] },
  cli: { imports: ['index', 'server'] },
  index: {
    imports: [...LOWER, 'engine', 'testing', 'server', 'cli'],
  },
};

/** Packages only one module may import: the rest go through its API. */
const OWNED_PACKAGES: Readonly<Record<string, ModuleName>> = {
  msgpackr: 'core',
  ulid: 'core',
  ms: 'core',
  level: 'store',
};

const PURE: readonly ModuleName[] = ['core', 'run'];
const PURE_FORBIDDEN_BUILTINS = ['timers', 'timers/promises'];
const PURE_FORBIDDEN_PACKAGES = ['rxjs'];

/** The only files of src/core and src/run that may touch real time or entropy. */
const IMPURE_ALLOWED = ['src/core/clock.ts', 'src/core/ids.ts'];

const IMPURE_PATTERNS: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /\b(?:setTimeout|setInterval|setImmediate)\b/, what: 'a real timer' },
  { pattern: /\bDate\s*\.\s*now\b/, what: 'the wall clock (Date.now)' },
  { pattern: /\bnew\s+Date\s*\(\s*\)/, what: 'the wall clock (new Date())' },
  { pattern: /\b(?:performance\s*\.\s*now|process\s*\.\s*hrtime)\b/, what: 'a real clock' },
  { pattern: /\bMath\s*\.\s*random\b/, what: 'unseeded randomness (Math.random)' },
  { pattern: /\b(?:randomBytes|randomUUID|getRandomValues)\b/, what: 'unseeded randomness' },
];

const SELF_ENTRIES: Readonly<Record<string, ModuleName>> = {
  'aion-ts': 'index',
  'aion-ts/testing': 'testing',
  'aion-ts/supervisors': 'supervisors',
};

function label(module: ModuleName): string {
  if (module === 'index') return 'src/index.ts';
  return module === 'supervisors' ? 'supervisors' : `src/${module}`;
}

function indexFile(module: ModuleName): string {
  if (module === 'index') return 'src/index.ts';
  return `${label(module)}/index.ts`;
}

/** The module a repo-relative posix path belongs to, if any. */
function moduleOf(file: string): ModuleName | undefined {
  if (file === 'src/index.ts') return 'index';
  const [top, dir, rest] = file.split('/', 3);
  if (top === 'supervisors') return 'supervisors';
  if (top !== 'src' || rest === undefined || dir === undefined) return undefined;
  return dir in RULES && dir !== 'index' && dir !== 'supervisors' ? (dir as ModuleName) : undefined;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** One import-like reference found in a source file. */
interface ImportRef {
  /** The string specifier; `undefined` for a computed dynamic import. */
  readonly specifier: string | undefined;
  readonly line: number;
  readonly kind: 'import' | 'import type' | 'export from' | 'dynamic import()' | 'require()';
  /** Erased at runtime (`import type`, `export type`, `import('x').T`). */
  readonly typeOnly: boolean;
  readonly dynamic: boolean;
}

function literalText(node: ts.Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)
    ? node.text
    : undefined;
}

/** Every import, export-from, `import type`, `import('x')` and `require('x')` of a file. */
function collectImports(fileName: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, ref: Omit<ImportRef, 'line'>): void => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    refs.push({ ...ref, line: line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const typeOnly = node.importClause?.isTypeOnly === true;
      const specifier = literalText(node.moduleSpecifier);
      add(node, { specifier, kind: typeOnly ? 'import type' : 'import', typeOnly, dynamic: false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
      const specifier = literalText(node.moduleSpecifier);
      add(node, { specifier, kind: 'export from', typeOnly: node.isTypeOnly, dynamic: false });
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      const specifier = ts.isLiteralTypeNode(arg) ? literalText(arg.literal) : undefined;
      add(node, { specifier, kind: 'import type', typeOnly: true, dynamic: false });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const specifier = literalText(node.arguments[0]);
      add(node, { specifier, kind: 'dynamic import()', typeOnly: false, dynamic: true });
    } else if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'require'
    ) {
      const specifier = literalText(node.arguments[0]);
      add(node, { specifier, kind: 'require()', typeOnly: false, dynamic: false });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    ) {
      const specifier = literalText(node.moduleReference.expression);
      add(node, { specifier, kind: 'require()', typeOnly: node.isTypeOnly, dynamic: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

interface PackageJson {
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

/**
 * Creates the checker of one import edge; `pkg` decides which npm packages
 * are declared (runtime imports need a runtime dependency).
 *
 * @returns the rules the import breaks, empty when it is allowed.
 */
/** Files that load user code by path: a computed import() is their purpose. */
const COMPUTED_IMPORT_ALLOWED: readonly string[] = ['src/cli/module-loader.ts'];

function createImportChecker(pkg: PackageJson) {
  const runtime = new Set(
    Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies }),
  );
  const dev = new Set(Object.keys(pkg.devDependencies ?? {}));

  const checkInternal = (
    from: ModuleName,
    to: ModuleName,
    dynamic: boolean,
    target: string | undefined,
  ): string[] => {
    if (from === to) return [];
    const rule = RULES[from];
    const broken: string[] = [];
    if (!rule.imports.includes(to) && !(dynamic && rule.dynamicImports?.includes(to))) {
      const allowed = rule.imports.map(label).join(', ') || 'nothing internal';
      const lazily =
        rule.dynamicImports?.includes(to) === true
          ? ` (${label(to)} only through a dynamic import())`
          : '';
      broken.push(
        `${label(from)} may import ${allowed}, not ${label(to)}${lazily} (ARCHITECTURE.md: imports point down)`,
      );
    }
    if (target !== undefined && target !== indexFile(to)) {
      broken.push(
        `other modules import ${label(to)} only through ${indexFile(to)}, not ${target} (ARCHITECTURE.md: one public door per module)`,
      );
    }
    return broken;
  };

  const checkPackage = (from: ModuleName, specifier: string, typeOnly: boolean): string[] => {
    const name = packageName(specifier);
    const pure = PURE.includes(from);
    if (pure && PURE_FORBIDDEN_PACKAGES.includes(name)) {
      return [`src/core and src/run are pure: no ${name} (ARCHITECTURE.md: rules)`];
    }
    const owner = OWNED_PACKAGES[name];
    if (owner !== undefined && owner !== from) {
      return [`only ${label(owner)} may import ${name}; use what ${label(owner)} exports`];
    }
    const allowed = RULES[from].packages;
    if (allowed !== undefined && !allowed.includes(name)) {
      const list = allowed.join(', ') || 'no npm packages';
      return [`${label(from)} may import ${list}, not ${name} (ARCHITECTURE.md table)`];
    }
    const declared =
      runtime.has(name) || (typeOnly && (dev.has(name) || dev.has(`@types/${name}`)));
    if (!declared) {
      return [
        `${name} is not a ${typeOnly ? '' : 'runtime '}dependency in package.json; an installed aion-ts could not load it`,
      ];
    }
    return [];
  };

  return (file: string, ref: Omit<ImportRef, 'line'>): string[] => {
    const from = moduleOf(file);
    if (from === undefined) return [`${file} belongs to no module of ARCHITECTURE.md`];
    const { specifier } = ref;
    if (specifier === undefined) {
      if (ref.dynamic && COMPUTED_IMPORT_ALLOWED.includes(file)) return [];
      return ['the specifier is computed, so the architecture test cannot check it'];
    }
    if (specifier.startsWith('.')) {
      let target = posix.normalize(posix.join(posix.dirname(file), specifier));
      target = target.replace(/\.([mc]?)js$/, '.$1ts');
      const to = moduleOf(target);
      if (!target.startsWith('src/') && !target.startsWith('supervisors/')) {
        return [`relative imports stay inside src/ and supervisors/ (${target} is outside)`];
      }
      if (to === undefined) return [`${target} belongs to no module of ARCHITECTURE.md`];
      return checkInternal(from, to, ref.dynamic, target);
    }
    const self = SELF_ENTRIES[specifier];
    if (self !== undefined) return checkInternal(from, self, ref.dynamic, undefined);
    if (specifier === 'aion-ts' || specifier.startsWith('aion-ts/')) {
      return [`${specifier} is not an entry point of package.json exports`];
    }
    if (specifier.startsWith('#'))
      return ['subpath imports (#...) are not used; import relatively'];
    if (isBuiltin(specifier)) {
      const bare = specifier.replace(/^node:/, '');
      if (PURE.includes(from) && PURE_FORBIDDEN_BUILTINS.includes(bare)) {
        return [
          `src/core and src/run are pure: no node timers; take time from the injected Clock (ARCHITECTURE.md: rules)`,
        ];
      }
      return [];
    }
    return checkPackage(from, specifier, ref.typeOnly);
  };
}

const TEXT_LITERALS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.RegularExpressionLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
]);

/**
 * The source text with comments and string, template and regex literals
 * blanked out (newlines kept), so a text scan sees only code.
 */
function codeOnly(fileName: string, text: string): string {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const chars = text.split('');
  const blank = (start: number, end: number): void => {
    for (let i = start; i < end; i++) if (chars[i] !== '\n') chars[i] = ' ';
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJSDoc(node)) return;
    const children = node.getChildren(source);
    if (children.length === 0) {
      const comments = [
        ...(ts.getLeadingCommentRanges(text, node.pos) ?? []),
        ...(ts.getTrailingCommentRanges(text, node.pos) ?? []),
      ];
      for (const c of comments) blank(c.pos, c.end);
      if (TEXT_LITERALS.has(node.kind)) {
        blank(node.getStart(source), node.end);
      }
      return;
    }
    for (const child of children) visit(child);
  };
  visit(source);
  return chars.join('');
}

/** Calls to real time or entropy in a file of src/core or src/run. */
function findImpureCode(fileName: string, text: string): { line: number; what: string }[] {
  const found: { line: number; what: string }[] = [];
  codeOnly(fileName, text)
    .split('\n')
    .forEach((line, i) => {
      for (const { pattern, what } of IMPURE_PATTERNS) {
        if (pattern.test(line)) found.push({ line: i + 1, what });
      }
    });
  return found;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

function listSourceFiles(dir: string): string[] {
  if (!existsSync(root + dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(root + dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory() && entry.name !== 'node_modules') files.push(...listSourceFiles(path));
    else if (entry.isFile() && /\.[mc]?tsx?$/.test(entry.name) && !/\.d\.[mc]?ts$/.test(entry.name))
      files.push(path);
  }
  return files;
}

const sourceFiles = [...listSourceFiles('src'), ...listSourceFiles('supervisors')].sort();
const sources = new Map(sourceFiles.map((f) => [f, readFileSync(root + f, 'utf8')]));
const packageJson = JSON.parse(readFileSync(root + 'package.json', 'utf8')) as PackageJson;
const check = createImportChecker(packageJson);

const ref = (specifier: string, over: Partial<ImportRef> = {}): Omit<ImportRef, 'line'> => ({
  specifier,
  kind: 'import',
  typeOnly: false,
  dynamic: false,
  ...over,
});

describe('architecture checker', () => {
  const fake = createImportChecker({
    dependencies: { xstate: '5', rxjs: '7', level: '10', msgpackr: '2', ulid: '3', ms: '2' },
    devDependencies: { vitest: '4', '@types/ms': '2' },
  });
  const allowed: [string, string][] = [
    ['src/store/level-store.ts', '../core/index.js'],
    ['src/store/level-store.ts', './keys.js'],
    ['src/store/level-store.ts', 'level'],
    ['src/core/codec.ts', 'msgpackr'],
    ['src/core/ids.ts', 'node:crypto'],
    ['src/run/run-actor-logic.ts', 'xstate'],
    ['src/run/replay/cursor.ts', '../../workflow/index.js'],
    ['src/timers/timer-service.ts', '../store/index.js'],
    ['src/engine/engine.ts', '../../supervisors/index.js'],
    ['src/engine/engine.ts', 'rxjs'],
    ['src/testing/test-engine.ts', '../engine/index.js'],
    ['src/testing/replay.ts', '../run/index.js'],
    ['src/testing/index.ts', 'aion-ts'],
    ['src/server/server.ts', '../index.js'],
    ['src/cli/main.ts', '../server/index.js'],
    ['src/index.ts', './engine/index.js'],
    ['src/index.ts', './core/index.js'],
    ['supervisors/supervisor.ts', 'xstate'],
    ['supervisors/strategies/one-for-one.ts', '../child-spec.js'],
  ];
  it.each(allowed)('allows %s -> %s', (file, specifier) => {
    expect(fake(file, ref(specifier))).toEqual([]);
  });

  const forbidden: [string, string, RegExp][] = [
    ['src/core/ids.ts', '../store/index.js', /src\/core may import nothing internal/],
    ['src/store/level-store.ts', '../engine/index.js', /may import src\/core, not src\/engine/],
    ['src/store/level-store.ts', '../core/errors.js', /only through src\/core\/index\.ts/],
    ['src/workflow/define.ts', '../run/index.js', /not src\/run/],
    ['src/activities/attempt.ts', '../timers/index.js', /not src\/timers/],
    ['src/timers/timer-service.ts', '../workflow/index.js', /not src\/workflow/],
    ['src/run/context.ts', 'rxjs', /pure: no rxjs/],
    ['src/core/clock.ts', 'node:timers/promises', /no node timers/],
    ['src/run/context.ts', 'timers', /no node timers/],
    ['src/activities/attempt.ts', 'xstate', /may import no npm packages, not xstate/],
    ['src/store/level-store.ts', 'msgpackr', /only src\/core may import msgpackr/],
    ['src/engine/engine.ts', 'ulid', /only src\/core may import ulid/],
    ['src/engine/engine.ts', 'level', /only src\/store may import level/],
    ['src/engine/engine.ts', '../server/index.js', /only through a dynamic import/],
    ['src/server/server.ts', '../engine/index.js', /src\/server may import src\/index\.ts/],
    ['src/cli/main.ts', '../engine/index.js', /not src\/engine/],
    ['src/testing/kit.ts', '../timers/index.js', /not src\/timers/],
    ['src/testing/kit.ts', 'aion-ts/internal', /not an entry point/],
    ['src/index.ts', './core/errors.js', /only through src\/core\/index\.ts/],
    ['supervisors/supervisor.ts', '../src/core/index.js', /supervisors may import nothing/],
    ['supervisors/supervisor.ts', 'aion-ts', /not src\/index\.ts/],
    ['supervisors/supervisor.ts', 'ms', /only src\/core may import ms/],
    ['src/cli/main.ts', '../../package.json', /stay inside src\/ and supervisors\//],
    ['src/cli/main.ts', 'commander', /not a runtime dependency/],
    ['src/testing/conformance.ts', 'vitest', /not a runtime dependency/],
    ['src/util.ts', '../core/index.js', /belongs to no module/],
    ['src/helpers/x.ts', '../core/index.js', /belongs to no module/],
  ];
  it.each(forbidden)('rejects %s -> %s', (file, specifier, rule) => {
    const broken = fake(file, ref(specifier));
    expect(broken.join('\n')).toMatch(rule);
  });

  it('allows the engine to load the server only lazily', () => {
    expect(fake('src/engine/serve.ts', ref('../server/index.js', { dynamic: true }))).toEqual([]);
    expect(fake('src/run/x.ts', ref('../engine/index.js', { dynamic: true }))).not.toEqual([]);
  });

  it('lets type-only imports use devDependencies but not runtime imports', () => {
    expect(fake('src/testing/kit.ts', ref('vitest', { typeOnly: true }))).toEqual([]);
    expect(fake('src/testing/kit.ts', ref('vitest'))).not.toEqual([]);
  });

  it('rejects a computed dynamic import', () => {
    expect(fake('src/engine/x.ts', { ...ref(''), specifier: undefined })).not.toEqual([]);
  });

  it('collects every kind of import', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../core/index.js';",
      "export { c } from './c.js';",
      "export type { D } from './d.js';",
      "export * from './e.js';",
      "import './side-effect.js';",
      "const f = await import('../server/index.js');",
      "type G = import('rxjs').Observable<number>;",
      'const h = import(name);',
    ].join('\n');
    const refs = collectImports('x.ts', text);
    expect(refs.map((r) => [r.specifier, r.kind, r.typeOnly, r.line])).toEqual([
      ['./a.js', 'import', false, 1],
      ['../core/index.js', 'import type', true, 2],
      ['./c.js', 'export from', false, 3],
      ['./d.js', 'export from', true, 4],
      ['./e.js', 'export from', false, 5],
      ['./side-effect.js', 'import', false, 6],
      ['../server/index.js', 'dynamic import()', false, 7],
      ['rxjs', 'import type', true, 8],
      [undefined, 'dynamic import()', false, 9],
    ]);
  });

  it('finds real time and entropy in code but not in comments or strings', () => {
    const text = [
      '/** Never call Date.now() here. */',
      'const a = Date.now(); // setTimeout in a comment',
      "const b = 'Math.random()';",
      'const c = `${Math.random()} and setTimeout`;',
      '/* new Date() */ const d = new Date();',
      'const e = new Date(0);',
      'setTimeout(() => {}, 1);',
      'const f = crypto.randomUUID();',
      'const g = /Date.now/;',
    ].join('\n');
    expect(findImpureCode('x.ts', text).map((f) => f.line)).toEqual([2, 4, 5, 7, 8]);
  });
});

describe('architecture', () => {
  it('finds the source tree', () => {
    expect(sources.has('src/index.ts')).toBe(true);
    expect(sources.has('src/core/index.ts')).toBe(true);
  });

  it('keeps every import pointing down, through module indexes', () => {
    const violations: string[] = [];
    for (const [file, text] of sources) {
      for (const { line, ...r } of collectImports(file, text)) {
        for (const rule of check(file, r)) {
          violations.push(`${file}:${line}: ${r.kind} '${r.specifier ?? '?'}' breaks: ${rule}`);
        }
      }
    }
    expect(violations, violations.join('\n')).toEqual([]);
  });

  it('gives every module that exists an index.ts', () => {
    const modules = new Set([...sources.keys()].map(moduleOf));
    const missing: string[] = [];
    for (const m of modules) {
      if (m === undefined) continue;
      if (!sources.has(indexFile(m))) missing.push(`${label(m)} has no ${indexFile(m)}`);
    }
    const orphans = [...sources.keys()]
      .filter((f) => moduleOf(f) === undefined)
      .map((f) => `${f} belongs to no module of ARCHITECTURE.md`);
    const problems = [...missing, ...orphans];
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('keeps src/core and src/run free of real time and entropy', () => {
    const violations: string[] = [];
    for (const [file, text] of sources) {
      const m = moduleOf(file);
      if (m === undefined || !PURE.includes(m) || IMPURE_ALLOWED.includes(file)) continue;
      for (const { line, what } of findImpureCode(file, text)) {
        violations.push(
          `${file}:${line}: uses ${what}; src/core and src/run take time and entropy from the injected Clock and seeded sources (only ${IMPURE_ALLOWED.join(', ')} may touch them)`,
        );
      }
    }
    expect(violations, violations.join('\n')).toEqual([]);
  });
});
