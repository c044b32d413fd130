// Builds dist/, what the npm package ships: the compiled library and CLI, their type declarations and the web
// console's static files. Runs before `npm pack` / `npm publish` (the `prepack` script), so a tarball never
// misses dist/ or ships one left from an older tree.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');

// A clean start: a module deleted from src/ must not live on in the package.
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

// The console is plain browser modules served from beside its route module; its tsconfig only type-checks them.
const consoleSource = path.join(root, 'src/adapters/http/console');
cpSync(consoleSource, path.join(dist, 'adapters/http/console'), {
  recursive: true,
  filter: (source) => path.basename(source) !== 'tsconfig.json',
});

// tsc rewrites `./x.ts` to `./x.js` in the emitted JavaScript (rewriteRelativeImportExtensions) but not in the
// declarations, which would then name sources the package does not ship.
const relativeTsSpecifier = /((?:from|import|module)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g;
let rewritten = 0;
for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!file.endsWith('.d.ts')) continue;
  const full = path.join(dist, file);
  const text = readFileSync(full, 'utf8');
  const fixed = text.replace(relativeTsSpecifier, '$1$2.js$3');
  if (fixed !== text) {
    writeFileSync(full, fixed);
    rewritten += 1;
  }
}
console.log(`build: dist/ written (${rewritten} declaration files with .ts specifiers rewritten to .js)`);
