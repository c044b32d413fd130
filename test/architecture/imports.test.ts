/**
 * The layering DESIGN.md asks for, checked on the import statements of every file under src/:
 *
 * - no runtime import cycles (a cycle makes the load order decide whether a module sees its imports);
 * - the vendor wire layers (src/ksc, src/kics) never import the emulators;
 * - the command core (src/commands/core) imports no vendor;
 * - a command (a file directly in src/commands/<vendor>/) imports core and its vendor's shared/ helpers, never
 *   another command.
 *
 * Layering rules count every import, types included: a type import still makes the importer depend on the
 * imported module's shape. Cycles count only what loads at run time (see test/support/imports.ts).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  findCycles,
  formatChain,
  importGraph,
  projectOptions,
  sourceFiles,
  type ImportEdge,
} from '../support/imports.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const files = sourceFiles(root, 'src');
const edges = importGraph(root, files, projectOptions(root)).filter((edge) => !edge.external);

const under = (folder: string) => (file: string) => file.startsWith(`${folder}/`);
const anyOf =
  (...tests: Array<(file: string) => boolean>) =>
  (file: string) =>
    tests.some((test) => test(file));

/** `importer:line → imported (kind)`, for failure messages. */
const describeEdge = (edge: ImportEdge) => `${edge.from}:${edge.line} → ${edge.to} (${edge.kind})`;

function violations(from: (file: string) => boolean, to: (file: string) => boolean): string[] {
  return edges.filter((edge) => from(edge.from) && to(edge.to)).map(describeEdge);
}

const VENDORS = ['ksc', 'kics'] as const;
const COMMANDS_DIR = 'src/commands';

/**
 * `src/commands/ksc/add-group.ts` → `ksc`; undefined for files in core/, shared/, the commands folder itself, a
 * vendor's `index.ts` (its list of commands, which imports them all), and the helpers that span vendors (the
 * IT↔OT correlation in `src/commands/correlation/`).
 */
function commandVendor(file: string): string | undefined {
  const parts = file.split('/');
  if (parts.length !== 4 || `${parts[0]}/${parts[1]}` !== COMMANDS_DIR) return undefined;
  if (parts[3] === 'index.ts') return undefined;
  return (VENDORS as readonly string[]).includes(parts[2]!) ? parts[2] : undefined;
}

describe('the architecture of src/ (import rules)', () => {
  it('reads a plausible graph', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.filter((edge) => edge.kind === 'runtime').length).toBeGreaterThan(files.length);
  });

  it('has no runtime import cycles', () => {
    const runtime = edges.filter((edge) => edge.kind === 'runtime');
    expect(findCycles(runtime).map(formatChain)).toEqual([]);
  });

  it('keeps the emulators out of the vendor wire layers (src/ksc, src/kics)', () => {
    const wire = anyOf(...VENDORS.map((vendor) => under(`src/${vendor}`)));
    expect(violations(wire, under('src/emulator'))).toEqual([]);
  });

  it('keeps the vendors out of the command core (src/commands/core)', () => {
    const vendor = anyOf(
      ...VENDORS.flatMap((name) => [under(`${COMMANDS_DIR}/${name}`), under(`src/${name}`)]),
    );
    expect(violations(under(`${COMMANDS_DIR}/core`), vendor)).toEqual([]);
  });

  it('lets no command import another command', () => {
    const isCommand = (file: string) => commandVendor(file) !== undefined;
    expect(violations(isCommand, isCommand)).toEqual([]);
  });

  it('keeps the commands out of the helpers that span vendors (src/commands/correlation)', () => {
    const isCommand = (file: string) => commandVendor(file) !== undefined;
    expect(violations(under(`${COMMANDS_DIR}/correlation`), isCommand)).toEqual([]);
  });

  it('knows the command files: one folder per vendor, helpers in shared/', () => {
    const commands = files.filter((file) => commandVendor(file) !== undefined);
    expect(commands.length).toBeGreaterThan(20);
    expect(commands).toContain('src/commands/ksc/list-hosts.ts');
    expect(commands.some((file) => file.includes('/shared/'))).toBe(false);
  });
});
