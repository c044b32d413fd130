/**
 * The test tiers stay what they promise: the list of exceptions names real files that differ from their folder,
 * and no unit test reaches PostgreSQL, an emulator, a child process or a browser — so `npm run test:unit` keeps
 * running on a machine with Node alone.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, projectOptions, type ImportEdge } from '../support/imports.ts';
import {
  folderTierOf,
  listTestFiles,
  TIER_OF_FILE,
  TIER_OF_FOLDER,
  tierOf,
  TIERS,
} from '../support/tiers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const options = projectOptions(root);

/** What starts the servers and processes the unit tier goes without, wherever it is imported from. */
const NOT_IN_UNIT = [
  'test/support/postgres.ts',
  'test/support/ksc-emulator.ts',
  'src/emulator/ksc/emulator.ts',
  'pg',
  'playwright-core',
];
/** Imported by a unit test file itself (helpers may import them for other tests' sake). */
const NOT_IN_UNIT_FILES = ['node:child_process', 'child_process'];

/** The runtime imports of `file` and of the test helpers it loads, transitively (src/ is not followed). */
function reachableImports(file: string): ImportEdge[] {
  const seen = new Set([file]);
  const queue = [file];
  const found: ImportEdge[] = [];
  for (let i = 0; i < queue.length; i++) {
    for (const edge of importsOf(root, queue[i]!, options)) {
      if (edge.kind === 'type') continue;
      found.push(edge);
      if (!edge.external && edge.to.startsWith('test/') && !seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return found;
}

describe('test tiers', () => {
  const files = listTestFiles(root);

  it('puts every test file in one tier', () => {
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) expect(TIERS).toContain(tierOf(file));
  });

  it('lists only existing files and folders, and only files whose tier differs from their folder', () => {
    for (const [file, tier] of Object.entries(TIER_OF_FILE)) {
      expect(existsSync(path.join(root, file)), file).toBe(true);
      expect(folderTierOf(file), file).not.toBe(tier);
    }
    for (const folder of Object.keys(TIER_OF_FOLDER))
      expect(existsSync(path.join(root, folder)), folder).toBe(true);
  });

  it('keeps unit tests away from PostgreSQL, emulators, child processes and browsers', () => {
    const offending = files
      .filter((file) => tierOf(file) === 'unit')
      .flatMap((file) =>
        reachableImports(file)
          .filter(
            (edge) =>
              NOT_IN_UNIT.includes(edge.to) || (edge.from === file && NOT_IN_UNIT_FILES.includes(edge.to)),
          )
          .map((edge) => `${file}: ${edge.from}:${edge.line} imports ${edge.to}`),
      );
    expect(offending).toEqual([]);
  });
});
