/**
 * Runs commands against a real emulator over HTTP, the way every surface runs them (`executeCommand`), and
 * checks each result against the command's own output schema, so a command cannot drift from its contract.
 */
import { expect } from 'vitest';
import { executeCommand } from '../../src/commands/core/execute.ts';
import { MemoryIdempotencyStore } from '../../src/commands/core/idempotency.ts';
import { commandOutputSchema } from '../../src/commands/core/result.ts';
import type { CommandDefinition, CommandResult } from '../../src/commands/core/types.ts';
import type { KscContext } from '../../src/commands/ksc/shared/vendor.ts';
import { KscClient } from '../../src/ksc/index.ts';
import type { KscEmulatorOptions } from '../../src/emulator/ksc/emulator.ts';
import { startTestEmulator, TEST_PASSWORD, type TestEmulator } from '../support/ksc-emulator.ts';

export interface CommandHarness {
  readonly emu: TestEmulator;
  /** The context of `user` (default `admin`), with a client of its own. */
  context(user?: string, virtualServer?: string): KscContext;
  /** Runs a command as `user` and checks the result against the command's output schema. */
  run(command: CommandDefinition, input: unknown, user?: string): Promise<CommandResult>;
  stop(): Promise<void>;
}

export async function startCommandHarness(
  options: Partial<KscEmulatorOptions> = {},
): Promise<CommandHarness> {
  const emu = await startTestEmulator('sqlite', { hosts: 80, events: 600, ...options });
  const clients = new Map<string, KscClient>();
  const contexts = new Map<string, KscContext>();
  const idempotency = new MemoryIdempotencyStore(() => emu.ksc.clock.now());
  const context = (user = 'admin', virtualServer?: string): KscContext => {
    const id = `${user}\u0000${virtualServer ?? ''}`;
    let ctx = contexts.get(id);
    if (ctx === undefined) {
      const ksc = new KscClient(
        {
          url: emu.url,
          credentials: { user, password: TEST_PASSWORD },
          backoffMs: 1,
          ...(virtualServer === undefined ? {} : { virtualServer }),
        },
        { sleep: () => Promise.resolve() },
      );
      clients.set(id, ksc);
      ctx = {
        ksc,
        now: () => emu.ksc.clock.now(),
        idempotency,
        // Polling commands wait on the emulator's clock: moving it is what makes agents act.
        sleep: async (ms) => {
          await emu.control('POST', '/__emulator/clock/advance', { ms });
        },
      };
      contexts.set(id, ctx);
    }
    return ctx;
  };
  return {
    emu,
    context,
    async run(command, input, user) {
      const result = await executeCommand(command, context(user), input);
      const checked = commandOutputSchema(command.keyFields).safeParse(result);
      expect(checked.success, checked.success ? '' : checked.error.message).toBe(true);
      return result;
    },
    async stop() {
      for (const client of clients.values()) await client.close();
      await emu.stop();
    },
  };
}

/** The first error of a failed result, for assertions. */
export function firstError(result: CommandResult) {
  expect(result.errors.length).toBeGreaterThan(0);
  return result.errors[0]!;
}
