import { KconnectError } from '../../errors.ts';
import { fileSinkProblem } from './files.ts';
import { errorEntry, failedResult, inputErrors } from './result.ts';
import { unknownFieldErrors } from './strict-input.ts';
import type {
  CommandContext,
  CommandDefinition,
  CommandErrorEntry,
  CommandResult,
  PlainJson,
  StreamingCommand,
  VendorContext,
} from './types.ts';
import { NoDirectoryStoreError } from '../../directory/queries.ts';
import { isVendor, SUBJECT_NAMES, VENDOR_NAMES, VENDORS, type Subject, type Vendor } from './vendors.ts';

/**
 * Runs a command on untrusted input: validates it (errors name the field; an unknown field is an error, not
 * dropped), runs it, and turns anything thrown into a `Failed` result. A destructive command given an `idempotencyKey` acts at most once per key within
 * the store's window; a repeat gets the first result. The context's `signal` reaches every vendor call the
 * command makes (through each client's `withSignal`), so a cancel stops a call in flight, not only the
 * loop around it; the command then fails with `CANCELLED` (or the abort's reason, when that is a kconnect
 * error). A context without the client of the command's vendor (a KICS connection for a KSC command), or
 * without a companion the command requires, fails the command before it starts.
 */
export async function executeCommand(
  command: CommandDefinition,
  ctx: CommandContext,
  input: unknown,
): Promise<CommandResult> {
  const prepared = prepare(command, ctx, input);
  if ('errors' in prepared) return failedResult(command.title, prepared.errors);
  const { bound, data } = prepared;
  const signal = ctx.signal;
  const run = async (): Promise<CommandResult> => {
    try {
      return await command.run(bound, data);
    } catch (error) {
      const cause = signal?.aborted === true ? cancellation(command, signal, error) : error;
      return failedResult(command.title, [errorEntry(command.title, cause)]);
    }
  };
  const key = idempotencyKeyOf(data);
  if (command.destructive && key !== undefined && ctx.idempotency !== undefined) {
    return ctx.idempotency.once(command.name, key, run);
  }
  return run();
}

/** Whether a command streams its records (defines {@link CommandDefinition.stream}). */
export function isStreamingCommand(command: CommandDefinition): command is StreamingCommand {
  return typeof command.stream === 'function';
}

/**
 * A streamed command failed, before its first record (bad input, no connection for its vendor, the first page)
 * or after `delivered` records (a page that failed, a cancel). The records already delivered stand; the output
 * of the call is short of them by whatever came after.
 */
export class CommandStreamError extends Error {
  constructor(
    /** As a result's `errors` would hold them. */
    readonly errors: readonly CommandErrorEntry[],
    /** Records delivered before the failure. */
    readonly delivered: number,
  ) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'CommandStreamError';
  }
}

/**
 * Runs a streaming command on untrusted input, yielding its context records as they arrive: the checks of
 * {@link executeCommand} (unknown fields, schema, the vendor's client), the signal joined to every vendor call,
 * and every failure — before the first record or after some — thrown as a {@link CommandStreamError} carrying
 * the error entries a result would. No idempotency: only read-only commands stream. Stopping the loop early
 * (`break`, `return()`) ends the command and releases its result set.
 */
export async function* executeCommandStream(
  command: StreamingCommand,
  ctx: CommandContext,
  input: unknown,
): AsyncGenerator<PlainJson, void, undefined> {
  const prepared = prepare(command, ctx, input);
  if ('errors' in prepared) throw new CommandStreamError(prepared.errors, 0);
  const { bound, data } = prepared;
  const signal = ctx.signal;
  let delivered = 0;
  try {
    for await (const record of command.stream(bound, data)) {
      yield record;
      delivered++;
    }
  } catch (error) {
    const cause = signal?.aborted === true ? cancellation(command, signal, error) : error;
    throw new CommandStreamError([errorEntry(command.title, cause)], delivered);
  }
}

/**
 * What both ways of running a command check before it starts — no unknown field, the schema, the client of the
 * command's vendor in the context — and the context it then runs with, every vendor client bound to the signal.
 */
function prepare(
  command: CommandDefinition,
  ctx: CommandContext,
  input: unknown,
):
  | { readonly errors: CommandErrorEntry[] }
  | { readonly bound: VendorContext<Subject>; readonly data: unknown } {
  const unknown = unknownFieldErrors(command, input);
  if (unknown.length > 0) return { errors: unknown };
  const parsed = command.input.safeParse(input ?? {});
  if (!parsed.success) return { errors: inputErrors(command.title, parsed.error) };
  const missing = missingClient(command, ctx);
  if (missing !== undefined) return { errors: [errorEntry(command.title, missing)] };
  const noSink = fileSinkProblem(command, ctx);
  if (noSink !== undefined) return { errors: [errorEntry(command.title, noSink)] };
  const own = onlyDeclaredClients(command, ctx);
  const bound = own.signal === undefined ? own : withSignal(own, own.signal);
  // The vendor's client is there (checked above): the context is the command's own.
  return { bound: bound as VendorContext<Subject>, data: parsed.data };
}

/**
 * Why the context cannot run the command, or undefined when it can: the client of the command's vendor must be
 * there — its own connection's, or the companion's when the chosen connection is of a vendor the command
 * declares a companion — and so must every required companion. A command of one vendor on a connection of
 * another that is no companion of it fails as before companions existed, even when that connection's companion
 * is of the command's vendor: the caller chose a connection, and the command does not speak its product.
 */
function missingClient(command: CommandDefinition, ctx: CommandContext): KconnectError | undefined {
  const companions = command.companions ?? {};
  const own = command.vendor;
  if (!isVendor(own)) {
    // kconnect's own part (the directory): any connection, or none, will do; its store must be there.
    if (ctx[own] === undefined) return missingSubject(own, command);
  } else {
    const chosen = ctx.connectionVendor;
    const chosenFits = chosen === undefined || chosen === own || companions[chosen] !== undefined;
    if (ctx[own] === undefined || !chosenFits) {
      return new KconnectError(
        'INVALID_INPUT',
        `connection: ${command.name} needs a connection to ${VENDORS[own].title}, and the chosen one is not`,
      );
    }
  }
  for (const subject of SUBJECT_NAMES) {
    if (companions[subject] !== 'required' || ctx[subject] !== undefined) continue;
    if (!isVendor(subject)) return missingSubject(subject, command);
    return new KconnectError(
      'INVALID_INPUT',
      `connection: ${command.name} needs a connection to ${VENDORS[subject].title} beside the one to ` +
        `${isVendor(own) ? VENDORS[own].title : 'its product'}: name it with correlateWith in the chosen ` +
        `connection's settings (or configure exactly one ${subject} connection)`,
    );
  }
  return undefined;
}

/** The error of a context without the part of kconnect (not a vendor) a command needs. */
function missingSubject(subject: Exclude<Subject, Vendor>, command: CommandDefinition): KconnectError {
  switch (subject) {
    case 'directory':
      return new NoDirectoryStoreError(command.name);
  }
}

/** The context with the clients (and directory) of the command's own subject and declared companions only. */
function onlyDeclaredClients(command: CommandDefinition, ctx: CommandContext): CommandContext {
  const kept: { -readonly [K in keyof CommandContext]: CommandContext[K] } = { ...ctx };
  for (const subject of SUBJECT_NAMES) {
    if (subject !== command.vendor && command.companions?.[subject] === undefined) delete kept[subject];
  }
  return kept;
}

/** The context with every vendor client it holds bound to `signal`. */
function withSignal(ctx: CommandContext, signal: AbortSignal): CommandContext {
  const bound: { -readonly [K in keyof CommandContext]: CommandContext[K] } = { ...ctx };
  for (const vendor of VENDOR_NAMES) {
    const client = ctx[vendor];
    if (client !== undefined) bound[vendor] = client.withSignal(signal);
  }
  return bound;
}

/** The `idempotencyKey` of an input, when it has a usable one. */
export function idempotencyKeyOf(input: unknown): string | undefined {
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
