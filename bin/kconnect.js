#!/usr/bin/env node
// Which code runs:
// - a checkout (src/ is there) with tsx installed runs the TypeScript sources through tsx, so a dist/ left from an
//   earlier build never runs stale code; KCONNECT_PREFER_DIST=1 runs dist/ instead (to measure the compiled code);
// - an installed package ships no src/ and runs the compiled dist/, and never looks for tsx (a dev dependency
//   its users do not have).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/adapters/cli/main.js', import.meta.url));
const sources = fileURLToPath(new URL('../src/adapters/cli/main.ts', import.meta.url));
const preferDist = process.env.KCONNECT_PREFER_DIST === '1';

if (!preferDist && existsSync(sources) && tsxIsInstalled()) {
  const { register } = await import('tsx/esm/api');
  register();
  const { buildProgram } = await import('../src/adapters/cli/main.ts');
  await run(buildProgram);
} else if (existsSync(built)) {
  const { buildProgram } = await import(pathToFileURL(built).href);
  await run(buildProgram);
} else {
  console.error('kconnect: dist/ is missing; run `npm run build` (or install tsx to run the sources)');
  process.exit(1);
}

function tsxIsInstalled() {
  try {
    createRequire(import.meta.url).resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}

async function run(buildProgram) {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
