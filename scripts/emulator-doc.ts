/** `npm run docs:emulator`: writes docs/emulator-ksc/coverage.md from the emulator's registry. A test fails when it is out of date. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { coverageDocument } from '../src/emulator/ksc/coverage.ts';

export const EMULATOR_DOC = fileURLToPath(new URL('../docs/emulator-ksc/coverage.md', import.meta.url));

/** The coverage table as the repository keeps it: generated, then formatted with the project's Prettier settings. */
export async function renderEmulatorDoc(): Promise<string> {
  const options = (await prettier.resolveConfig(EMULATOR_DOC)) ?? {};
  return prettier.format(coverageDocument(), { ...options, parser: 'markdown' });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(EMULATOR_DOC, await renderEmulatorDoc());
  console.log(`wrote ${EMULATOR_DOC}`);
}
