/**
 * A `kconnect` with only the `mcp` command, for the tests that start it as a real process (stdio, HTTP).
 * Instead of the configuration, its loader reads the emulator's URL and password from the environment; the
 * connection name is the KSC user, and `wrong-password` logs in as `reader` with a wrong password.
 */
import { Command } from 'commander';
import { mcpCommand } from '../../../src/adapters/cli/mcp-command.ts';
import { MemoryIdempotencyStore } from '../../../src/commands/index.ts';
import { KscClient } from '../../../src/ksc/index.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const program = new Command('kconnect').addCommand(
  mcpCommand(async (connection = 'admin') => {
    const wrong = connection === 'wrong-password';
    const ksc = new KscClient({
      url: env('KCONNECT_TEST_KSC_URL'),
      credentials: {
        user: wrong ? 'reader' : connection,
        password: wrong ? env('KCONNECT_TEST_WRONG_PASSWORD') : env('KCONNECT_TEST_KSC_PASSWORD'),
      },
      backoffMs: 1,
    });
    const idempotency = new MemoryIdempotencyStore();
    return {
      context: () => ({ ksc, now: Date.now, idempotency }),
      allowDestructive: false,
      close: () => ksc.close(),
    };
  }),
);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
