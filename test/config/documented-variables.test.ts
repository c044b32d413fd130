/**
 * Every `KCONNECT_*` variable README.md and docs/*.md name is read by the code, so documentation cannot promise
 * a variable nothing reads. "Read" means the name appears as a string literal or an identifier in the code (the
 * TypeScript scanner, so comments do not count): the product's variables in src/ or bin/, the benchmarks' in
 * bench/, the test suite's in test/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function filesUnder(directory: string, extensions: readonly string[]): string[] {
  return readdirSync(join(ROOT, directory), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && extensions.some((e) => entry.name.endsWith(e)))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** Names a documentation file gives; `KCONNECT_EMULATOR_*` (a family, not a variable) is left out. */
function documentedIn(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/KCONNECT_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_]*\*)/g)].map((m) => m[0]);
}

/** The `KCONNECT_*` words of a source file's string literals and identifiers, comments excluded. */
function namesIn(source: string): Set<string> {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard);
  scanner.setText(source);
  const names = new Set<string>();
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (
      token === ts.SyntaxKind.StringLiteral ||
      token === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
      token === ts.SyntaxKind.TemplateHead ||
      token === ts.SyntaxKind.Identifier
    ) {
      for (const match of scanner.getTokenValue().matchAll(/KCONNECT_[A-Z0-9_]+/g)) names.add(match[0]);
    }
  }
  return names;
}

function readAnywhere(files: readonly string[]): Set<string> {
  return new Set(files.flatMap((file) => [...namesIn(readFileSync(join(ROOT, file), 'utf8'))]));
}

/** Where a variable must be read: by the family it belongs to. */
function codeFor(variable: string): 'bench' | 'test' | 'product' {
  if (variable.startsWith('KCONNECT_BENCH_')) return 'bench';
  if (variable.startsWith('KCONNECT_TEST_')) return 'test';
  return 'product';
}

describe('documented KCONNECT_* variables', () => {
  const docs = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
  ];
  const documented = new Map<string, string[]>();
  for (const file of docs) {
    for (const variable of documentedIn(file)) {
      documented.set(variable, [...new Set([...(documented.get(variable) ?? []), file])]);
    }
  }
  const code = {
    product: readAnywhere([...filesUnder('src', ['.ts']), ...filesUnder('bin', ['.js'])]),
    bench: readAnywhere(filesUnder('bench', ['.ts'])),
    test: readAnywhere(filesUnder('test', ['.ts'])),
  };

  it('finds the variables the documentation names', () => {
    expect(documented.has('KCONNECT_URL')).toBe(true);
    expect(documented.has('KCONNECT_MCP_TOKEN')).toBe(true);
    expect(documented.has('KCONNECT_ALLOW_INSECURE_HTTP')).toBe(true);
  });

  it('reads each of them in the code', () => {
    const unread = [...documented]
      .filter(([variable]) => !code[codeFor(variable)].has(variable))
      .map(
        ([variable, files]) =>
          `${variable} (named in ${files.join(', ')}; read nowhere in ${codeFor(variable)} code)`,
      );
    expect(unread).toEqual([]);
  });

  it('counts string literals and identifiers, not comments', () => {
    const source = [
      '// KCONNECT_LOG_LEVEL: documented, and mentioned here only',
      '/** `KCONNECT_IN_DOC_COMMENT` */',
      "const a = env['KCONNECT_URL'] ?? process.env.KCONNECT_PREFER_DIST;",
      'const b = `KCONNECT_IN_TEMPLATE`;',
    ].join('\n');
    expect([...namesIn(source)].sort()).toEqual([
      'KCONNECT_IN_TEMPLATE',
      'KCONNECT_PREFER_DIST',
      'KCONNECT_URL',
    ]);
  });
});
