/**
 * The import graph of source files, read with the TypeScript parser (no type checking, so it is quick): every
 * `import`, `export … from`, `import()` and `import('…')` type — relative ones resolved to a file — and whether
 * it exists at run time.
 *
 * Under `verbatimModuleSyntax` (tsconfig.json) only `import type` / `export type` statements are erased: an
 * `import { type X } from './x.ts'` whose names are all types is emitted as `import {} from './x.js'`, which
 * still loads `./x` first. So such an import counts as a runtime edge when that option is on.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** `runtime`: loaded before the importer runs; `type`: erased; `dynamic`: `import()`, loaded when called. */
export type ImportKind = 'runtime' | 'type' | 'dynamic';

export interface ImportEdge {
  /** The importing file, relative to the root, `/`-separated. */
  readonly from: string;
  /** The imported file, relative to the root, `/`-separated; for a package, its specifier (`node:fs`, `pg`). */
  readonly to: string;
  /** A package (or Node built-in) rather than a file of the project. */
  readonly external: boolean;
  readonly kind: ImportKind;
  /** 1-based line of the import in `from`. */
  readonly line: number;
}

export interface ImportGraphOptions {
  /** Whether an import of types only, without `import type`, stays in the output (`verbatimModuleSyntax`). */
  readonly typeOnlyNamesLoad: boolean;
}

const SOURCE = /\.(?:ts|mts|cts|js|mjs|cjs)$/;

/** Every source file under `dir` (declaration files left out), relative to `root`, `/`-separated, sorted. */
export function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => toPosix(path.relative(root, path.join(entry.parentPath, entry.name))))
    .sort();
}

/** Whether the project's tsconfig keeps type-only named imports (`verbatimModuleSyntax`). */
export function projectOptions(root: string, tsconfig = 'tsconfig.json'): ImportGraphOptions {
  const read = ts.readConfigFile(path.join(root, tsconfig), (file) => ts.sys.readFile(file));
  if (read.error !== undefined)
    throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const options = (read.config as { compilerOptions?: { verbatimModuleSyntax?: boolean } }).compilerOptions;
  return { typeOnlyNamesLoad: options?.verbatimModuleSyntax === true };
}

/** The imports of one file: relative ones resolved to a file under `root`, packages by their specifier. */
export function importsOf(root: string, file: string, options: ImportGraphOptions): ImportEdge[] {
  const absolute = path.join(root, file);
  const source = ts.createSourceFile(absolute, readFileSync(absolute, 'utf8'), ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const add = (specifier: ts.Node | undefined, kind: ImportKind, at: ts.Node): void => {
    if (specifier === undefined || !ts.isStringLiteralLike(specifier)) return;
    const line = source.getLineAndCharacterOfPosition(at.getStart(source)).line + 1;
    if (!isRelative(specifier.text)) {
      edges.push({ from: file, to: specifier.text, external: true, kind, line });
      return;
    }
    const target = resolveRelative(root, absolute, specifier.text);
    if (target !== undefined) edges.push({ from: file, to: target, external: false, kind, line });
  };

  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement))
      add(statement.moduleSpecifier, importKind(statement, options), statement);
    else if (ts.isExportDeclaration(statement))
      add(statement.moduleSpecifier, exportKind(statement, options), statement);
  }
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node.arguments[0], 'dynamic', node);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      add(node.argument.literal, 'type', node);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);
  return edges.sort((a, b) => a.line - b.line);
}

function importKind(statement: ts.ImportDeclaration, options: ImportGraphOptions): ImportKind {
  const clause = statement.importClause;
  if (clause === undefined) return 'runtime'; // import './x.ts': for its effects
  if (clause.isTypeOnly) return 'type';
  if (clause.name !== undefined) return 'runtime';
  const bindings = clause.namedBindings;
  if (bindings === undefined || ts.isNamespaceImport(bindings)) return 'runtime';
  if (bindings.elements.length === 0) return 'runtime'; // import {} from './x.ts'
  const onlyTypes = bindings.elements.every((element) => element.isTypeOnly);
  return onlyTypes && !options.typeOnlyNamesLoad ? 'type' : 'runtime';
}

function exportKind(statement: ts.ExportDeclaration, options: ImportGraphOptions): ImportKind {
  if (statement.isTypeOnly) return 'type';
  const clause = statement.exportClause;
  if (clause === undefined || ts.isNamespaceExport(clause)) return 'runtime'; // export * (as ns) from
  if (clause.elements.length === 0) return 'runtime';
  const onlyTypes = clause.elements.every((element) => element.isTypeOnly);
  return onlyTypes && !options.typeOnlyNamesLoad ? 'type' : 'runtime';
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

/** `./x.ts`, `./x.js` (for `x.ts`), `./x` or `./dir` (its index) from `importer`; undefined when missing. */
function resolveRelative(root: string, importer: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(importer), specifier);
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.mjs$/, '.mts'),
    `${base}.ts`,
    `${base}.js`,
    path.join(base, 'index.ts'),
    path.join(base, 'index.js'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  return found === undefined ? undefined : toPosix(path.relative(root, found));
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}

/** The import graph of `files`: each file's edges. */
export function importGraph(
  root: string,
  files: readonly string[],
  options: ImportGraphOptions,
): ImportEdge[] {
  return files.flatMap((file) => importsOf(root, file, options));
}

/**
 * The import cycles among `edges`, one per file that lies on a cycle (the shortest through it), without
 * repeats: each as the chain of edges from a file back to itself, starting at its smallest file name.
 */
export function findCycles(edges: readonly ImportEdge[]): ImportEdge[][] {
  const outgoing = new Map<string, ImportEdge[]>();
  for (const edge of edges) {
    const list = outgoing.get(edge.from) ?? [];
    list.push(edge);
    outgoing.set(edge.from, list);
  }
  for (const list of outgoing.values()) list.sort((a, b) => a.to.localeCompare(b.to) || a.line - b.line);

  const cycles = new Map<string, ImportEdge[]>();
  for (const start of [...outgoing.keys()].sort()) {
    const cycle = shortestCycleThrough(start, outgoing);
    if (cycle === undefined) continue;
    const rotated = rotateToSmallest(cycle);
    const key = rotated.map((edge) => edge.from).join(' ');
    if (!cycles.has(key)) cycles.set(key, rotated);
  }
  return [...cycles.values()];
}

/** Breadth-first from `start` until an edge leads back to it. */
function shortestCycleThrough(
  start: string,
  outgoing: ReadonlyMap<string, ImportEdge[]>,
): ImportEdge[] | undefined {
  const cameBy = new Map<string, ImportEdge>();
  const queue = [start];
  const seen = new Set([start]);
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    for (const edge of outgoing.get(file) ?? []) {
      if (edge.to === start) {
        const chain = [edge];
        for (let at = file; at !== start;) {
          const step = cameBy.get(at)!;
          chain.unshift(step);
          at = step.from;
        }
        return chain;
      }
      if (seen.has(edge.to)) continue;
      seen.add(edge.to);
      cameBy.set(edge.to, edge);
      queue.push(edge.to);
    }
  }
  return undefined;
}

function rotateToSmallest(cycle: readonly ImportEdge[]): ImportEdge[] {
  let smallest = 0;
  cycle.forEach((edge, i) => {
    if (edge.from < cycle[smallest]!.from) smallest = i;
  });
  return [...cycle.slice(smallest), ...cycle.slice(0, smallest)];
}

/** `a.ts:3 → b.ts:10 → a.ts`: each file with the line of its import of the next. */
export function formatChain(chain: readonly ImportEdge[]): string {
  if (chain.length === 0) return '';
  return `${chain.map((edge) => `${edge.from}:${edge.line}`).join(' → ')} → ${chain[chain.length - 1]!.to}`;
}
