/**
 * What the examples share: running one command of the registry by name as a step of a playbook, with a line of
 * log per step, and reading the lists of its result.
 */
import {
  commandByName,
  executeCommand,
  type CommandContext,
  type CommandResult,
} from '../src/commands/index.ts';

/** One step a playbook took: the command, its status and what it found or did, in a few words. */
export interface StepRecord {
  readonly command: string;
  readonly status: CommandResult['status'];
  readonly note: string;
}

/** A playbook that cannot go on: a step failed, or the world has nothing it can act on. */
export class PlaybookError extends Error {
  override readonly name = 'PlaybookError';

  /** @param result the failed step's result, when a step failed */
  constructor(
    message: string,
    readonly result?: CommandResult,
  ) {
    super(message);
  }
}

export type Row = Record<string, unknown>;

/**
 * Runs one command by name, records and logs it, and stops the playbook on failure with the command's own error.
 * `note` says in a few words what a successful result holds.
 */
export async function step(
  ctx: CommandContext,
  steps: StepRecord[],
  name: string,
  input: Record<string, unknown>,
  note: (result: CommandResult) => string,
  log: (line: string) => void,
): Promise<CommandResult> {
  const command = commandByName(name);
  if (command === undefined) throw new PlaybookError(`no command ${name}`);
  const result = await executeCommand(command, ctx, input);
  const line = result.status === 'Failed' ? (result.errors[0]?.message ?? 'failed') : note(result);
  steps.push({ command: name, status: result.status, note: line });
  log(`${command.title.padEnd(24)} ${result.status.padEnd(20)} ${line}`);
  if (result.status === 'Failed') throw new PlaybookError(`${command.title}: ${line}`, result);
  return result;
}

/** The records of a result's `context` when it is a list. */
export const rows = (result: CommandResult): Row[] =>
  Array.isArray(result.context) ? (result.context as Row[]) : [];

/** A list of the result's key fields, or [] when it is not one. */
export const keyList = (result: CommandResult, key: string): unknown[] => {
  const value = (result.keyFields as Record<string, unknown>)[key];
  return Array.isArray(value) ? value : [];
};
