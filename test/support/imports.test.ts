import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCycles, formatChain, importsOf, sourceFiles, type ImportEdge } from './imports.ts';

const edge = (from: string, to: string, line = 1): ImportEdge => ({
  from,
  to,
  external: false,
  kind: 'runtime',
  line,
});

describe('importsOf', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'kconnect-imports-'));
    mkdirSync(path.join(root, 'src', 'dir'), { recursive: true });
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])
      writeFileSync(path.join(root, 'src', `${name}.ts`), '');
    writeFileSync(path.join(root, 'src', 'dir', 'index.ts'), '');
    writeFileSync(path.join(root, 'src', 'types.d.ts'), '');
    writeFileSync(
      path.join(root, 'src', 'main.ts'),
      [
        "import { a } from './a.ts';",
        "import type { B } from './b.ts';",
        "import { type C } from './c.ts';",
        "import './d.js';",
        "export type { E } from './e.ts';",
        "export * from './f';",
        "export { type G } from './g.ts';",
        "const h = () => import('./h.ts');",
        "let t: import('./dir').T;",
        "import { z } from 'zod';",
      ].join('\n'),
    );
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const kinds = (typeOnlyNamesLoad: boolean) =>
    importsOf(root, 'src/main.ts', { typeOnlyNamesLoad }).map(
      (e) => `${e.line} ${e.to} ${e.kind}${e.external ? ' external' : ''}`,
    );

  it('tells what loads at run time, resolving .js, extensionless and folder specifiers', () => {
    expect(kinds(false)).toEqual([
      '1 src/a.ts runtime',
      '2 src/b.ts type',
      '3 src/c.ts type',
      '4 src/d.ts runtime',
      '5 src/e.ts type',
      '6 src/f.ts runtime',
      '7 src/g.ts type',
      '8 src/h.ts dynamic',
      '9 src/dir/index.ts type',
      '10 zod runtime external',
    ]);
  });

  it('under verbatimModuleSyntax, keeps imports of type names only (emitted as `import {}`) as runtime edges', () => {
    const verbatim = kinds(true);
    expect(verbatim).toContain('3 src/c.ts runtime');
    expect(verbatim).toContain('7 src/g.ts runtime');
    expect(verbatim).toContain('2 src/b.ts type');
  });

  it('lists source files without declaration files', () => {
    expect(sourceFiles(root, 'src')).not.toContain('src/types.d.ts');
    expect(sourceFiles(root, 'src')).toContain('src/dir/index.ts');
  });
});

describe('findCycles', () => {
  it('reports each cycle once, as a chain from its smallest file, with the lines of the imports', () => {
    const cycles = findCycles([
      edge('b.ts', 'a.ts', 3),
      edge('a.ts', 'b.ts', 7),
      edge('c.ts', 'd.ts'),
      edge('d.ts', 'e.ts'),
      edge('e.ts', 'c.ts'),
      edge('f.ts', 'f.ts'),
      edge('g.ts', 'h.ts'),
    ]);
    expect(cycles.map(formatChain)).toEqual([
      'a.ts:7 → b.ts:3 → a.ts',
      'c.ts:1 → d.ts:1 → e.ts:1 → c.ts',
      'f.ts:1 → f.ts',
    ]);
  });

  it('finds nothing in a graph without cycles', () => {
    expect(findCycles([edge('a.ts', 'b.ts'), edge('b.ts', 'c.ts'), edge('a.ts', 'c.ts')])).toEqual([]);
  });
});
