/** `npm run docs:mappings`: writes docs/mappings.md from the mappings' tables. A test fails when it is out of date. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { mappingsReference } from '../src/intake/mappings/reference.ts';

export const MAPPINGS_DOC = fileURLToPath(new URL('../docs/mappings.md', import.meta.url));

/** The reference as the repository keeps it: generated, then formatted with the project's Prettier settings. */
export async function renderMappingsDoc(): Promise<string> {
  const options = (await prettier.resolveConfig(MAPPINGS_DOC)) ?? {};
  return prettier.format(mappingsReference(), { ...options, parser: 'markdown' });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(MAPPINGS_DOC, await renderMappingsDoc());
  console.log(`wrote ${MAPPINGS_DOC}`);
}
