#!/usr/bin/env node
// Runs the compiled CLI when the package is built, and the TypeScript sources (through tsx) in a checkout.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (existsSync(built)) {
  const { buildProgram } = await import(pathToFileURL(built).href);
  await run(buildProgram);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { buildProgram } = await import('../src/cli/main.ts');
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
