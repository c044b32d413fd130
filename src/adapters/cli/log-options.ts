import { Option, type Command } from 'commander';
import type { Logger } from 'pino';
import {
  createLogger,
  LOG_FORMAT_ENV,
  LOG_FORMATS,
  LOG_LEVEL_ENV,
  LOG_LEVELS,
  resolveLogFormat,
  resolveLogLevel,
  type LogDestination,
} from '../../logging.ts';

/** The flags `addLogOptions` adds; absent when not given (the variables come next, then the defaults). */
export interface LogFlags {
  readonly logLevel?: string;
  readonly logFormat?: string;
}

/** `--log-level` and `--log-format` of the long-running commands (`serve`, `mcp`, `emulator …`). */
export function addLogOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--log-level <level>', `least level logged (default info; or ${LOG_LEVEL_ENV})`).choices([
        ...LOG_LEVELS,
      ]),
    )
    .addOption(
      new Option(
        '--log-format <format>',
        `json, pretty (readable lines), or auto: pretty on a terminal, JSON otherwise (default auto; or ${LOG_FORMAT_ENV})`,
      ).choices([...LOG_FORMATS]),
    );
}

/** A line callback as a log destination: pino writes whole lines ending in a newline, the callback adds its own. */
export function lineDestination(write: (line: string) => void): LogDestination {
  return { write: (text: string) => write(text.endsWith('\n') ? text.slice(0, -1) : text) };
}

/**
 * The command's logger: the flags win over `KCONNECT_LOG_LEVEL` / `KCONNECT_LOG_FORMAT`.
 *
 * @throws {KconnectError} `INVALID_INPUT` when a variable holds an unknown level or format.
 */
export function commandLogger(
  name: string,
  flags: LogFlags,
  env: Readonly<Record<string, string | undefined>>,
  destination?: LogDestination,
): Logger<never, false> {
  return createLogger({
    name,
    level: resolveLogLevel(flags.logLevel, env),
    format: resolveLogFormat(flags.logFormat, env),
    ...(destination === undefined ? {} : { destination }),
  });
}
