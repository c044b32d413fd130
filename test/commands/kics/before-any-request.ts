/**
 * Proves that a command refuses bad input before any request: it runs with a context whose package password is
 * wrong, so any request would fail to open the package (a different error) rather than with INVALID_INPUT.
 */
import { expect } from 'vitest';
import { executeCommand } from '../../../src/commands/core/execute.ts';
import type { CommandDefinition } from '../../../src/commands/core/types.ts';
import { createContextFactory, loadConfig } from '../../../src/config/index.ts';
import type { KicsCommandHarness } from './support.ts';

export async function expectRefusedBeforeAnyRequest(
  h: KicsCommandHarness,
  command: CommandDefinition,
  cases: ReadonlyArray<readonly [input: unknown, field: string]>,
  goodInput: unknown,
): Promise<void> {
  const wrong = createContextFactory(
    loadConfig({ env: { PLANT_PACKAGE_PASSWORD: 'not-the-password' }, cwd: h.dir }),
    { env: {} },
  );
  try {
    for (const [input, field] of cases) {
      const result = await executeCommand(command, wrong.context('plant'), input);
      expect(result.status, field).toBe('Failed');
      expect(result.errors[0], field).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
      expect(result.errors[0]?.message, field).toContain(`(${field}`);
      expect(result.errors[0]?.message, field).not.toMatch(/certificates\.pfx/);
    }
    // The same context does go on to open the package (and fails there) once the input is good.
    const good = await executeCommand(command, wrong.context('plant'), goodInput);
    expect(JSON.stringify(good.errors)).toMatch(/certificates\.pfx/);
  } finally {
    await wrong.close();
  }
}
