#!/usr/bin/env node
// In a checkout (src/ is there) runs the TypeScript sources through tsx, so a dist/ left from an earlier build
// never runs stale code; an installed package has no src/ and runs the compiled dist/. KCONNECT_PREFER_DIST=1
// runs dist/ in a checkout too (to measure the compiled code).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/adapters/cli/main.js', import.meta.url));
const sources = fileURLToPath(new URL('../src/adapters/cli/main.ts', import.meta.url));
const preferDist = process.env.KCONNECT_PREFER_DIST === '1';
if (existsSync(built) && (preferDist || !existsSync(sources))) {
  const { buildProgram } = await import(pathToFileURL(built).href);
  await run(buildProgram);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { buildProgram } = await import('../src/adapters/cli/main.ts');
  await run(buildProgram);
}

async function run(buildProgram) {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
