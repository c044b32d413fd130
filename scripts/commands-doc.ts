/** `npm run docs:commands`: writes docs/commands.md from the registry. A test fails when it is out of date. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { COMMANDS } from '../src/commands/registry.ts';
import { commandReference } from '../src/commands/reference.ts';

export const COMMANDS_DOC = fileURLToPath(new URL('../docs/commands.md', import.meta.url));

/** The reference as the repository keeps it: generated, then formatted with the project's Prettier settings. */
export async function renderCommandsDoc(): Promise<string> {
  const options = (await prettier.resolveConfig(COMMANDS_DOC)) ?? {};
  return prettier.format(commandReference(COMMANDS), { ...options, parser: 'markdown' });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(COMMANDS_DOC, await renderCommandsDoc());
  console.log(`wrote ${COMMANDS_DOC} (${COMMANDS.length} commands)`);
}
