import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type * as PinoPretty from 'pino-pretty';
import { KconnectError } from './errors.ts';

/**
 * The one logger of kconnect's long-running surfaces (`serve`, `mcp`, the emulators): pino with secrets redacted
 * by path, JSON for collectors and readable lines on a terminal, and the request id of the request being served
 * on every line. The rest of the code keeps logging through the small injected callbacks it has (`ServiceLogger`,
 * `ClientLogger`, …); the adapters below turn this logger into each of them.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** `json` for collectors, `pretty` for people, `auto`: pretty when the destination is a terminal. */
export type LogFormat = 'json' | 'pretty' | 'auto';
export const LOG_FORMATS: readonly LogFormat[] = ['auto', 'json', 'pretty'];

/** The variables the surfaces read; their `--log-level` / `--log-format` flags win over them. */
export const LOG_LEVEL_ENV = 'KCONNECT_LOG_LEVEL';
export const LOG_FORMAT_ENV = 'KCONNECT_LOG_FORMAT';

/** The header that carries a request's id, in and out, on the service, the MCP HTTP server and the emulators. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Where log lines go: a stream, or anything with `write` (tests pass their own). */
export interface LogDestination {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface LoggerOptions {
  /** The component on every line: `serve`, `mcp`, `emulator-ksc`. */
  readonly name: string;
  /** Default `info`. */
  readonly level?: LogLevel;
  /** Default `auto`. */
  readonly format?: LogFormat;
  /** Default `process.stderr`: stdout belongs to the MCP protocol and to command output. */
  readonly destination?: LogDestination;
}

/** Field names whose value is a secret wherever they appear: top level, or one or two objects down. */
const SECRET_FIELDS = [
  'password',
  'adminPassword',
  'passphrase',
  'token',
  'apiToken',
  'accessToken',
  'refreshToken',
  'mcpToken',
  'controlToken',
  'secret',
  'clientSecret',
  'sessionId',
  'privateKey',
  'authorization',
  'cookie',
  'credentials',
];

/** Headers that carry credentials: Authorization (Bearer, KSCBasic, KSCT), the KSC session, cookies. */
const SECRET_HEADERS = [
  'authorization',
  '"x-ksc-session"',
  'cookie',
  '"set-cookie"',
  '"proxy-authorization"',
];

function headerPath(parent: string, header: string): string {
  return header.startsWith('"') ? `${parent}[${header}]` : `${parent}.${header}`;
}

/** Every path pino censors, for the record: tests and docs/decisions/0025 list what they cover. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  ...SECRET_HEADERS.flatMap((header) =>
    ['headers', 'req.headers', 'res.headers', 'request.headers'].map((parent) => headerPath(parent, header)),
  ),
];

const CENSOR = '[Redacted]';

/**
 * Credentials that travel inside free text (an error message quoting a header, a PEM pasted into a message): the
 * paths above cannot see them, so every string a line carries at its top level is scrubbed too.
 */
const SECRET_TEXT: ReadonlyArray<[RegExp, string]> = [
  [/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g, `${CENSOR} private key`],
  // KSCBasic's parameters: user="…", pass="…", domain="…", internal="…".
  [/\b(KSCBasic|KSCT)\s+(?:\w+\s*=\s*"[^"]*"[\s,]*)+/g, `$1 ${CENSOR} `],
  [/\b(Bearer|KSCBasic|KSCT|Basic)\s+[^\s"',;]+/g, `$1 ${CENSOR}`],
];

export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const [pattern, replacement] of SECRET_TEXT) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}

function scrubFields(record: Record<string, unknown>): Record<string, unknown> {
  const scrubbed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record))
    scrubbed[key] = typeof value === 'string' ? scrubSecrets(value) : value;
  return scrubbed;
}

const requestScope = new AsyncLocalStorage<{ readonly requestId: string }>();

/** Runs `work` as part of one request: every line logged meanwhile, by any logger here, carries its id. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return requestScope.run({ requestId }, work);
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's id when it is a sensible one (it is echoed in headers and logs), else a new one. */
export function requestIdFrom(...given: ReadonlyArray<string | undefined>): string {
  return given.find((id) => id !== undefined && REQUEST_ID.test(id)) ?? randomUUID();
}

function isLogLevel(text: string): text is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(text);
}

function isLogFormat(text: string): text is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(text);
}

/** The level from the flag, else `KCONNECT_LOG_LEVEL`, else `info`; a wrong value is bad input naming its source. */
export function resolveLogLevel(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): LogLevel {
  return pick(flag, '--log-level', env[LOG_LEVEL_ENV], LOG_LEVEL_ENV, isLogLevel, LOG_LEVELS) ?? 'info';
}

/** The format from the flag, else `KCONNECT_LOG_FORMAT`, else `auto`. */
export function resolveLogFormat(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): LogFormat {
  return pick(flag, '--log-format', env[LOG_FORMAT_ENV], LOG_FORMAT_ENV, isLogFormat, LOG_FORMATS) ?? 'auto';
}

function pick<T extends string>(
  flag: string | undefined,
  flagName: string,
  variable: string | undefined,
  variableName: string,
  valid: (text: string) => text is T,
  choices: readonly T[],
): T | undefined {
  for (const [value, source] of [
    [flag, flagName],
    [variable === '' ? undefined : variable, variableName],
  ] as const) {
    if (value === undefined) continue;
    if (valid(value)) return value;
    throw new KconnectError(
      'INVALID_INPUT',
      `${source}: expected one of ${choices.join(', ')}, got "${value}"`,
    );
  }
  return undefined;
}

/**
 * pino loads with the first logger and pino-pretty with the first pretty one: the CLI's commands, which log through
 * their injected callbacks, never need either (decision 0073). `require`, because both are CommonJS and making a
 * logger is synchronous.
 */
const requireLogging = createRequire(import.meta.url);
const pinoModule = (): typeof Pino => requireLogging('pino') as typeof Pino;
const prettyFormatter = (): typeof PinoPretty.prettyFactory =>
  (requireLogging('pino-pretty') as typeof PinoPretty).prettyFactory;

function streamOf(destination: LogDestination | undefined, format: 'json' | 'pretty'): DestinationStream {
  const target = destination ?? process.stderr;
  if (format === 'pretty') {
    // The factory formats each line synchronously: nothing is held in a stream when the process exits, and any
    // object with `write` can receive the lines.
    const prettify = prettyFormatter()({
      colorize: target.isTTY === true,
      messageKey: 'message',
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    });
    return { write: (line: string) => void target.write(prettify(line)) };
  }
  // Synchronous on stderr: the last lines before an exit are the ones that matter.
  if (target === process.stderr) return pinoModule().pino.destination({ fd: 2, sync: true });
  return target as DestinationStream;
}

/**
 * A pino logger with kconnect's redaction, level and format.
 *
 * @example
 * const logger = createLogger({ name: 'serve', level: resolveLogLevel(flags.logLevel, process.env) });
 * logger.info({ command: 'list_hosts' }, 'command');
 */
export function createLogger(options: LoggerOptions): Logger<never, false> {
  const destination = options.destination ?? process.stderr;
  const given = options.format ?? 'auto';
  const format = given === 'auto' ? (destination.isTTY === true ? 'pretty' : 'json') : given;
  const { pino, stdTimeFunctions } = pinoModule();
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      messageKey: 'message',
      base: { name: options.name },
      timestamp: stdTimeFunctions.isoTime,
      redact: { paths: [...REDACT_PATHS], censor: CENSOR },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId === undefined ? {} : { requestId };
      },
      formatters: {
        // Level names, not numbers, in JSON: collectors and people filter on `"level":"warn"`. pino-pretty reads
        // the numbers, so the pretty form keeps them.
        ...(format === 'json' ? { level: (label: string) => ({ level: label }) } : {}),
        log: scrubFields,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg: unknown) => (typeof arg === 'string' ? scrubSecrets(arg) : arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    streamOf(options.destination, format),
  );
}

/** What every injected logger callback here receives: a level, a message and fields. */
export interface LevelledRecord {
  readonly level: LogLevel;
  readonly message: string;
}

/**
 * An injected logger callback (`ServiceLogger`, `ClientLogger`, `KscLogger`, the emulator's) that writes to
 * `logger`: the record's fields become the line's fields.
 */
export function recordLogger<R extends LevelledRecord>(logger: Logger<never, false>): (record: R) => void {
  return (record) => {
    const { level, message, ...fields } = record as LevelledRecord & Record<string, unknown>;
    logger[level](fields, message);
  };
}

/**
 * The service's `ServiceLogger`. Its records name the calling API token in `token` (name and id, never the
 * secret); the line calls it `tokenName`, so `token` stays a field that is always censored.
 */
export function serviceLogger<R extends LevelledRecord & { readonly token?: string }>(
  logger: Logger<never, false>,
): (record: R) => void {
  const write = recordLogger(logger);
  return (record) => {
    const { token, ...rest } = record;
    write(token === undefined ? rest : { ...rest, tokenName: token });
  };
}

/** A logger of plain lines (the MCP server's call log) at one level. */
export function lineLogger(logger: Logger<never, false>, level: LogLevel = 'info'): (line: string) => void {
  return (line) => logger[level](line);
}
