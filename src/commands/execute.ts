import { errorEntry, failedResult, inputErrors } from './result.ts';
import type { CommandContext, CommandDefinition, CommandResult } from './types.ts';

/**
 * Runs a command on untrusted input: validates it (errors name the field), runs it, and turns anything thrown
 * into a `Failed` result. A destructive command given an `idempotencyKey` acts at most once per key within
 * the store's window; a repeat gets the first result.
 */
export async function executeCommand(
  command: CommandDefinition,
  ctx: CommandContext,
  input: unknown,
): Promise<CommandResult> {
  const parsed = command.input.safeParse(input ?? {});
  if (!parsed.success) return failedResult(command.title, inputErrors(command.title, parsed.error));
  const run = async (): Promise<CommandResult> => {
    try {
      return await command.run(ctx, parsed.data);
    } catch (error) {
      return failedResult(command.title, [errorEntry(command.title, error)]);
    }
  };
  const key = idempotencyKeyOf(parsed.data);
  if (command.destructive && key !== undefined && ctx.idempotency !== undefined) {
    return ctx.idempotency.once(command.name, key, run);
  }
  return run();
}

function idempotencyKeyOf(input: unknown): string | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const key = (input as { idempotencyKey?: unknown }).idempotencyKey;
  return typeof key === 'string' && key !== '' ? key : undefined;
}
