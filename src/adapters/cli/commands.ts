import { Command, Option, type CommanderError } from 'commander';
import {
  CommandStreamError,
  executeCommand,
  executeCommandStream,
  isStreamingCommand,
} from '../../commands/core/execute.ts';
import { producesFile } from '../../commands/core/files.ts';
import { failedResult } from '../../commands/core/result.ts';
import { COMMANDS } from '../../commands/registry.ts';
import type {
  CommandContext,
  CommandDefinition,
  CommandErrorEntry,
  CommandResult,
  IdempotencyStore,
  StreamingCommand,
} from '../../commands/core/types.ts';
import { isVendor, SUBJECTS } from '../../commands/core/vendors.ts';
import { createContextFactory, type ContextFactory } from '../../config/context.ts';
import type { DirectoryStore } from '../../directory/model/store.ts';
import { openCliDirectory } from './directory-store.ts';
import { allConnectionFlags } from '../../config/connections/registry.ts';
import { flagName } from '../../config/connections/settings.ts';
import { loadConfig, type ConnectionFlags } from '../../config/load.ts';
import { ERROR_CODES, KconnectError } from '../../errors.ts';
import type { ClientLogger } from '../../vendor-client.ts';
import { processIo, type CliIo } from './cli-io.ts';
import {
  exampleArgs,
  inputFromOptions,
  inputOptions,
  kebabCase,
  type InputOption,
} from './command-options.ts';
import {
  defaultFormat,
  exitCodeOf,
  formatResult,
  INTERRUPTED_EXIT_CODE,
  OUTPUT_FORMATS,
  writeNdjsonRecords,
  type OutputFormat,
} from './format.ts';
import { FileIdempotencyStore, stateDirectory } from './idempotency-file-store.ts';
import { heapTrimmer } from './heap-trim.ts';
import { cliFileSink } from './output-file.ts';
import { ProgressLine } from './progress.ts';
import { abortableSleep } from '../../abortable-sleep.ts';

/** Options every command takes besides its input's; generated input options may not reuse these names. */
const CLI_OPTIONS: readonly string[] = [
  'connection',
  'config',
  ...allConnectionFlags().map((flag) => flagName(flag).slice(2)),
  'format',
  'input',
  'help',
];

/** The options of a command that produces a file (see {@link cliFileSink}). */
const FILE_OPTIONS = ['output', 'force'] as const;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * The connection flags: `--connection`, `--config` and the flags of every connection type (`--url`, `--user`,
 * `--password-file`, `--ca`, `--pin`, …); each beats its `KCONNECT_*` variable and the configuration file.
 */
export function addConnectionOptions(command: Command): Command {
  const group = 'Connection:';
  const options = [
    new Option(
      '--connection <name>',
      'configured connection to use (KCONNECT_CONNECTION; default: the default one)',
    ),
    new Option(
      '--config <file>',
      'configuration file (KCONNECT_CONFIG; default: kconnect.yaml|yml|json here)',
    ),
    ...allConnectionFlags().map((flag) => {
      const option = new Option(flag.flags, flag.description);
      return flag.kind === 'list' ? option.argParser(collect) : option;
    }),
  ];
  for (const option of options) command.addOption(option.helpGroup(group));
  return command;
}

/** The connection flags commander parsed. */
export function connectionFlagsFrom(values: Readonly<Record<string, unknown>>): {
  readonly file: string | undefined;
  readonly flags: ConnectionFlags;
} {
  const text = (key: string): string | undefined => {
    const value = values[key];
    return typeof value === 'string' ? value : undefined;
  };
  const flags: Record<string, string | readonly string[] | true> = {};
  const connection = text('connection');
  if (connection !== undefined) flags['connection'] = connection;
  for (const flag of allConnectionFlags()) {
    const value = values[flag.key];
    if (flag.kind === 'list' && Array.isArray(value)) flags[flag.key] = value as string[];
    else if (flag.kind === 'switch' && value === true) flags[flag.key] = true;
    else if (flag.kind !== 'list' && flag.kind !== 'switch' && typeof value === 'string')
      flags[flag.key] = value;
  }
  return { file: text('config'), flags: flags as ConnectionFlags };
}

/** Commander's usage errors (unknown option, missing value) are bad input: exit 2, like a schema error. */
export function cliCommand(name: string, io: CliIo): Command {
  return new Command(name)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride((error: CommanderError) =>
      io.terminate(error.exitCode === 0 ? 0 : ERROR_CODES.INVALID_INPUT.exitCode),
    )
    .showHelpAfterError('(see --help)');
}

/** Client warnings (insecure mode, an expiring certificate, a reopened result set) for the person at the terminal. */
export function stderrLogger(io: CliIo): ClientLogger {
  return (record) => {
    if (record.level === 'warn' || record.level === 'error') io.stderr.write(`warning: ${record.message}\n`);
  };
}

function failure(
  title: string,
  errors: readonly { code: KconnectError['code']; message: string }[],
): CommandResult {
  return {
    status: 'Failed',
    raw: null,
    context: null,
    keyFields: {},
    result: { title, columns: [], rows: [] },
    errors: errors.map((e): CommandErrorEntry => ({
      failureIndicator: `${title} failed.`,
      statusCode: ERROR_CODES[e.code].httpStatus,
      code: e.code,
      message: e.message,
    })),
  };
}

/** A sleep an interrupt cuts short, so Ctrl-C does not wait out a ten-second poll interval. */
function interruptibleSleep(signal: AbortSignal): (ms: number) => Promise<void> {
  return (ms) => abortableSleep(ms, signal);
}

function baseInput(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    throw new KconnectError('INVALID_INPUT', '--input: not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new KconnectError('INVALID_INPUT', '--input: expected a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Runs one command from its parsed options: input, configuration, context, result, output, exit code. */
async function runCommand(
  command: CommandDefinition,
  options: readonly InputOption[],
  values: Readonly<Record<string, unknown>>,
  io: CliIo,
): Promise<void> {
  const format = (values['format'] as OutputFormat | undefined) ?? defaultFormat(io.stdout.isTTY);
  const now = io.now ?? Date.now;
  const interrupt = new AbortController();
  const stopListening = io.onInterrupt?.(() => interrupt.abort());
  let factory: ContextFactory | undefined;
  let directory: DirectoryStore | undefined;
  let progress: ProgressLine | undefined;
  let result: CommandResult;
  try {
    const { input, problems } = inputFromOptions(options, values, baseInput(values['input']));
    if (problems.length > 0) {
      result = failure(
        command.title,
        problems.map((p) => ({ code: 'INVALID_INPUT', message: `${p.option}: ${p.reason}` })),
      );
    } else {
      // A command of no vendor (the directory) takes no connection flags: its `--user` is its own input.
      const { file, flags } = isVendor(command.vendor)
        ? connectionFlagsFrom(values)
        : { file: connectionFlagsFrom(values).file, flags: {} };
      const config = loadConfig({ ...(file === undefined ? {} : { file }), env: io.env, flags, cwd: io.cwd });
      let sleep = io.sleep ?? interruptibleSleep(interrupt.signal);
      if (io.stderr.isTTY === true) {
        // The command's wait bound, with the schema's default when the option was left out.
        const checked = command.input.safeParse(input);
        const waitField = command.hints?.waitField;
        const limit =
          checked.success && waitField !== undefined
            ? (checked.data as Record<string, unknown>)[waitField]
            : undefined;
        progress = new ProgressLine(
          io.stderr,
          command.title,
          now,
          typeof limit === 'number' ? limit : undefined,
        );
        sleep = progress.sleeper(sleep);
      }
      // Before the connection opens: an --output that cannot be written to fails before any request.
      const files = producesFile(command)
        ? cliFileSink(
            { output: values['output'] as string | undefined, force: values['force'] === true },
            io.cwd,
          )
        : undefined;
      directory = await openCliDirectory(command, config, io.env);
      factory = createContextFactory(config, {
        ...(directory === undefined ? {} : { directory }),
        now,
        sleep,
        signal: interrupt.signal,
        ...(progress === undefined ? {} : { progress: progress.update }),
        idempotency: io.idempotency ?? cliIdempotencyStore(io.env, now),
        logger: stderrLogger(io),
        env: io.env,
      });
      const base = factory.contextFor(command.vendor);
      const ctx = files === undefined ? base : { ...base, files };
      result =
        format === 'ndjson' && isStreamingCommand(command)
          ? await streamNdjson(command, ctx, input, io)
          : await executeCommand(command, ctx, input);
    }
  } catch (error) {
    if (!(error instanceof KconnectError)) throw error;
    result = failure(command.title, [error]);
  } finally {
    progress?.clear();
    stopListening?.();
    // After Ctrl-C, do not wait for a slow KSC to end the session: it expires by itself.
    await factory?.close(interrupt.signal);
    await directory?.close();
  }
  const output = formatResult(result, format);
  if (output.stdout !== '') io.stdout.write(output.stdout);
  if (output.stderr !== '') io.stderr.write(output.stderr);
  io.exit(interrupt.signal.aborted ? INTERRUPTED_EXIT_CODE : exitCodeOf(result));
}

/**
 * `--format ndjson` of a streaming command: its records go to stdout as the pages arrive (see
 * {@link writeNdjsonRecords}), never gathered into a result. What it answers is the end of the stream as a result
 * without data: `Successful`, or `Failed` with the error that stopped it — which the caller writes to stderr as
 * the final error line, and which gives the exit code, as for any failed command. The lines written before a
 * mid-stream failure stand: a reader that must not act on a short list checks the exit code.
 */
async function streamNdjson(
  command: StreamingCommand,
  ctx: CommandContext,
  input: unknown,
  io: CliIo,
): Promise<CommandResult> {
  try {
    await writeNdjsonRecords(executeCommandStream(command, ctx, input), io.stdout, heapTrimmer());
  } catch (error) {
    if (!(error instanceof CommandStreamError)) throw error;
    return failedResult(command.title, error.errors);
  }
  return { ...failedResult(command.title, []), status: 'Successful' };
}

/** `kconnect list-hosts --filter … --limit 5`: the command line of an example input, for the help. */
function exampleLine(name: string, example: unknown, options: readonly InputOption[]): string {
  const quote = (text: string): string =>
    /^[\w./:@=+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
  return [`kconnect ${name}`, ...exampleArgs(example, options).map(quote)].join(' ');
}

/**
 * One commander subcommand per registry command, named in kebab-case (`list_hosts` → `kconnect list-hosts`),
 * with options generated from its input schema, the connection flags, `--format` and `--input`. Exit codes:
 * 0 success, 10 partial success, otherwise the CLI code of the first error (2 bad input, 3 authentication,
 * 4 access denied, 5 not found, 6 conflict, 8 upstream, 9 timeout), 130 interrupted.
 */
/** The durable idempotency store of every CLI process (commands and `kconnect mcp`), in the state directory. */
export function cliIdempotencyStore(
  env: Readonly<Record<string, string | undefined>>,
  now: () => number,
): IdempotencyStore {
  return new FileIdempotencyStore(stateDirectory(env), now);
}

export function commandsFromRegistry(
  io: CliIo = processIo(),
  commands: readonly CommandDefinition[] = COMMANDS,
): Command[] {
  const reserved = new Set<string>(CLI_OPTIONS);
  // Without a connection, only the configuration file is read: the connection flags' names stay free.
  const reservedWithoutConnection = new Set<string>(['config', 'format', 'input', 'help']);
  return commands.map((definition) => {
    const name = kebabCase(definition.name);
    const vendor = SUBJECTS[definition.vendor];
    const file = producesFile(definition);
    const { options, commander } = inputOptions(
      definition,
      new Set([
        ...(isVendor(definition.vendor) ? reserved : reservedWithoutConnection),
        ...(file ? FILE_OPTIONS : []),
      ]),
    );
    const command = cliCommand(name, io)
      .summary(`${definition.title}${definition.destructive ? ` (changes ${vendor.short})` : ''}`)
      .helpGroup(`${vendor.title} commands:`)
      .description(`${definition.title}: ${definition.description}`)
      .allowExcessArguments(false);
    for (const option of commander) command.addOption(option);
    command.addOption(
      new Option('--input <json>', 'the whole input as a JSON object; options beside it win'),
    );
    if (isVendor(definition.vendor)) addConnectionOptions(command);
    else
      command.addOption(
        new Option(
          '--config <file>',
          'configuration file (KCONNECT_CONFIG; default: kconnect.yaml|yml|json here)',
        ).helpGroup('Configuration:'),
      );
    command.addOption(
      new Option('--format <format>', 'output: table on a terminal, json when piped')
        .choices(OUTPUT_FORMATS)
        .helpGroup('Output:'),
    );
    if (file) {
      command.addOption(
        new Option(
          '--output <path>',
          'where to save the file: a file, or a folder to put it in under the name the server gives ' +
            '(default: the current folder); written whole or not at all',
        ).helpGroup('Output:'),
      );
      command.addOption(new Option('--force', 'replace a file that is already there').helpGroup('Output:'));
    }
    command.addHelpText('after', `\nExample:\n  ${exampleLine(name, definition.example, options)}\n`);
    command.action(async (_options: unknown, self: Command) => {
      await runCommand(definition, options, self.opts(), io);
    });
    return command;
  });
}
