import { KconnectError } from '../../errors.ts';
import { errorEntry, failedResult, inputErrors } from './result.ts';
import type { CommandContext, CommandDefinition, CommandResult } from './types.ts';

/**
 * Runs a command on untrusted input: validates it (errors name the field), runs it, and turns anything thrown
 * into a `Failed` result. A destructive command given an `idempotencyKey` acts at most once per key within
 * the store's window; a repeat gets the first result. The context's `signal` reaches every KSC call the
 * command makes (through `KscClient.withSignal`), so a cancel stops a call in flight, not only the
 * loop around it; the command then fails with `CANCELLED` (or the abort's reason, when that is a kconnect
 * error).
 */
export async function executeCommand(
  command: CommandDefinition,
  ctx: CommandContext,
  input: unknown,
): Promise<CommandResult> {
  const parsed = command.input.safeParse(input ?? {});
  if (!parsed.success) return failedResult(command.title, inputErrors(command.title, parsed.error));
  const signal = ctx.signal;
  const bound: CommandContext = signal === undefined ? ctx : { ...ctx, ksc: ctx.ksc.withSignal(signal) };
  const run = async (): Promise<CommandResult> => {
    try {
      return await command.run(bound, parsed.data);
    } catch (error) {
      const cause = signal?.aborted === true ? cancellation(command, signal, error) : error;
      return failedResult(command.title, [errorEntry(command.title, cause)]);
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

/**
 * What a command stopped by its signal failed with. The KSC client already says so (`CancelledError`, or the
 * abort's reason); what else is thrown after an abort (`throwIfAborted` between pages, a DOMException, the
 * reason as a bare string) is the cancellation too, not a bug.
 */
function cancellation(command: CommandDefinition, signal: AbortSignal, error: unknown): unknown {
  if (error instanceof KconnectError) return error;
  const reason: unknown = signal.reason;
  if (reason instanceof KconnectError) return reason;
  const why = typeof reason === 'string' && reason !== '' ? ` (${reason})` : '';
  const effect = command.readOnly ? '' : '; what it had already sent to KSC may have taken effect';
  return new KconnectError('CANCELLED', `Cancelled before it finished${why}${effect}`, { cause: reason });
}
