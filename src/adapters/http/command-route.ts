import { readBoundedBody } from './request-body.ts';
import type { Context } from 'hono';
import {
  CommandStreamError,
  executeCommand,
  executeCommandStream,
  isStreamingCommand,
  type CommandContext,
  type CommandDefinition,
  type CommandErrorEntry,
  type CommandResult,
  type PlainJson,
  type StreamingCommand,
} from '../../commands/index.ts';
import { fileContentTypes, producesFile } from '../../commands/core/files.ts';
import { errorEntry, failedResult } from '../../commands/core/result.ts';
import { VENDOR_NAMES, VENDORS, type Vendor } from '../../commands/core/vendors.ts';
import { ERROR_CODES, FieldError, KconnectError, type ErrorCode } from '../../errors.ts';
import { parseWireJson, stringifyWireJson, type WireJson } from '../../wire/json.ts';
import type { ServiceDependencies, ServiceEnv } from './app.ts';
import { authenticationRefusal, clientAddress, type AuthenticationRefusal } from './auth-failures.ts';
import { auditedIdempotencyKey, targetHosts, type AuditEntry, type AuditOutcome } from './audit.ts';
import {
  allowsConnection,
  bearerToken,
  connectionDeniedMessage,
  deniedMessage,
  requiredScope,
  type Principal,
} from './auth.ts';
import { fileResponse, openCallSpool, wantsJsonResult, type CallSpool } from './file-response.ts';
import { QueueFullError, type SlotKind } from './limits.ts';
import { acceptsNdjson, NDJSON_TYPE, ndjsonBody, type NdjsonEnding } from './ndjson-body.ts';
import { CONNECTION_HEADER } from './openapi.ts';
import { abortableSleep } from '../../abortable-sleep.ts';

/** What a connection name may be, wherever a request names one. */
export const CONNECTION_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_BODY_BYTES = 1 << 20;
/** The status of a call whose client went away (nginx's convention); nobody reads it, the log and audit do. */
const CLIENT_CLOSED_STATUS = 499;
/** How long a request body may take when the service is not told otherwise (its `requestTimeoutMs`). */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
const JSON_TYPE = 'application/json; charset=utf-8';
/** Retry-After of a replica that is shutting down: another replica (or this one, restarted) takes the call. */
const DRAIN_RETRY_SECONDS = 1;

/** A refusal before the command runs: its audit outcome, code and HTTP status. */
class Refusal extends Error {
  constructor(
    readonly outcome: AuditOutcome,
    readonly code: ErrorCode,
    message: string,
    readonly status: number = ERROR_CODES[code].httpStatus,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** One command call as the audit log, the metrics and the log see it. */
interface Call {
  readonly requestId: string;
  readonly principal: Principal | undefined;
  readonly command: string;
  /** Whether the catalog has the command: only then its name is a metrics label (bounded series). */
  readonly known: boolean;
  /** The input fields that name the hosts it acts on (the command's hint). */
  readonly targetFields: readonly string[];
  readonly connection: string;
  /** Whether the configuration knows the connection, likewise. */
  readonly knownConnection: boolean;
  readonly input: unknown;
  readonly outcome: AuditOutcome;
  readonly status: number;
  readonly firstError: CommandErrorEntry | undefined;
  readonly startedAt: number;
  readonly durationMs: number;
  /** Whether the command ran (refusals have no latency). */
  readonly ran: boolean;
  /** The caller's address. */
  readonly client: string;
  /** Set when the call was refused for its token: audited per client and window, not per call. */
  readonly authFailure: AuthenticationRefusal | undefined;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function entry(title: string, code: ErrorCode, statusCode: number, message: string): CommandErrorEntry {
  return { failureIndicator: `${title} failed.`, statusCode, code, message };
}

function httpStatusOf(result: CommandResult): number {
  if (result.status !== 'Failed') return 200;
  return result.errors[0]?.statusCode ?? 500;
}

/**
 * `POST /v1/commands/{name}`: checks the call (shutting down, token, command, body, scope, connection, queue),
 * runs the command on the connection's context with the shared idempotency store, records the call, and
 * answers its CommandResult — a refusal too, so a playbook reads one shape whatever happened. A command that
 * produces a file saves it into a spool of the call's own, and its success is answered with the file itself
 * (see {@link fileResponse}); the spool goes once that answer ended or failed, or at once for a JSON answer.
 */
export function commandRoute(deps: ServiceDependencies): (c: Context<ServiceEnv>) => Promise<Response> {
  const byName = new Map(deps.commands.map((c) => [c.name, c]));
  const defaultConnection = deps.defaultConnection ?? 'default';

  return async (c) => {
    const requestId = c.get('requestId');
    const name = c.req.param('name') ?? '';
    const command = byName.get(name);
    const title = command?.title ?? name;
    const startedAt = deps.now();
    const started = performance.now();
    const requested = c.req.query('connection') ?? c.req.header(CONNECTION_HEADER);
    const connection = requested ?? defaultConnection;
    let principal: Principal | undefined;
    let authFailure: AuthenticationRefusal | undefined;
    let input: unknown;
    let ran = false;
    let knownConnection = requested === undefined;
    let result: CommandResult;
    let headers: Record<string, string> = {};
    let outcome: AuditOutcome;
    // A command that produces a file saves it here; a success answers with the file instead of the JSON result.
    let spool: CallSpool | undefined;
    try {
      if (deps.health.draining) {
        throw new Refusal(
          'unavailable',
          'UPSTREAM_UNAVAILABLE',
          'This replica is shutting down; retry (another replica will take the call)',
          503,
          { 'Retry-After': String(DRAIN_RETRY_SECONDS) },
        );
      }
      const given = bearerToken(c.req.header('Authorization'));
      principal = await deps.tokens.authenticate(given);
      if (principal === undefined) {
        const refusal = authenticationRefusal(deps, c, given);
        authFailure = refusal;
        throw new Refusal(
          refusal.status === 429 ? 'rate_limited' : 'unauthenticated',
          refusal.status === 429 ? 'RATE_LIMITED' : 'UNAUTHENTICATED',
          refusal.message,
          refusal.status,
          refusal.headers,
        );
      }
      if (command === undefined) {
        throw new Refusal('invalid', 'NOT_FOUND', `No command "${name}": GET /v1/commands lists them`);
      }
      input = await readInput(c.req.raw, deps.requestTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS);
      const scope = requiredScope(command);
      if (!principal.scopes.includes(scope)) {
        throw new Refusal('denied', 'ACCESS_DENIED', deniedMessage(principal, scope, command.name));
      }
      // Before the connection is looked up: a limited token learns nothing of connections it may not call.
      if (!allowsConnection(principal, connection)) {
        throw new Refusal('denied', 'ACCESS_DENIED', connectionDeniedMessage(principal, connection));
      }
      const base = companionsAllowed(command, connectionContext(requested), principal, connection);
      knownConnection = true;
      const kind: SlotKind = scope === 'read' ? 'read' : 'respond';
      let slot: () => void;
      try {
        slot = await deps.limits.acquire(connection, kind);
      } catch (error) {
        if (error instanceof QueueFullError) {
          throw new Refusal('rate_limited', 'RATE_LIMITED', error.message, 429, {
            'Retry-After': String(error.retryAfterSeconds),
          });
        }
        throw error;
      }
      ran = true;
      // A slot bounds the calls at KSC, not the calls that wait: a waiting command gives its slot back for each
      // pause between its polls and queues (never refused) for one again before the next look.
      let release = slot;
      // Set once a streamed body holds the slot: it gives it back when the body ends, not this block.
      let streaming = false;
      try {
        // A signal of the call's own, tied to the shutdown: waits inside the call listen to it, not to the
        // shutdown signal every call in flight shares.
        const signal = AbortSignal.any(
          base.signal === undefined ? [deps.signal] : [base.signal, deps.signal],
        );
        const pause = base.sleep ?? ((ms: number) => abortableSleep(ms, signal));
        const ctx: CommandContext = {
          ...base,
          idempotency: deps.idempotency.scoped(`${connection}/${principal.tokenId}`),
          signal,
          sleep: async (ms) => {
            release();
            try {
              await pause(ms);
            } finally {
              release = await deps.limits.acquire(connection, kind, { admitted: true });
            }
          },
        };
        if (isStreamingCommand(command) && acceptsNdjson(c.req.header('Accept'))) {
          const opened = await startStream(command, ctx, input);
          if (opened.kind === 'failed') {
            result = failedResult(command.title, opened.errors);
          } else {
            streaming = true;
            const call = {
              requestId,
              principal,
              command: name,
              known: true,
              targetFields: command.hints?.targetFields ?? [],
              connection,
              knownConnection,
              input,
              startedAt,
              ran,
              client: clientAddress(c),
              authFailure,
            };
            const body = ndjsonBody(opened.records, {
              onEnd: async (ending) => {
                opened.stop();
                release();
                await record({
                  ...call,
                  ...streamOutcome(ending),
                  durationMs: performance.now() - started,
                });
              },
              unexpected: (error) => {
                deps.log({
                  level: 'error',
                  message: 'command stream failed',
                  requestId,
                  command: name,
                  error: describeError(error),
                });
                return entry(title, 'INTERNAL', 500, `Internal error; the request id is ${requestId}`);
              },
            });
            return new Response(body, { status: 200, headers: { 'Content-Type': NDJSON_TYPE } });
          }
        } else if (producesFile(command)) {
          const own = await openCallSpool();
          spool = own;
          result = await run(requestId, command.title, () =>
            executeCommand(command, { ...ctx, files: own.sink }, input),
          );
        } else {
          result = await run(requestId, command.title, () => executeCommand(command, ctx, input));
        }
      } finally {
        if (!streaming) release();
      }
      outcome = result.status;
    } catch (error) {
      if (error instanceof Refusal) {
        result = failedResult(title, [entry(title, error.code, error.status, error.message)]);
        headers = { ...error.headers };
        outcome = error.outcome;
      } else {
        deps.log({
          level: 'error',
          message: 'command call failed',
          requestId,
          command: name,
          error: describeError(error),
        });
        result = failedResult(title, [
          entry(title, 'INTERNAL', 500, `Internal error; the request id is ${requestId}`),
        ]);
        outcome = 'Failed';
      }
    }
    const status = httpStatusOf(result);
    await record({
      requestId,
      principal,
      command: name,
      known: command !== undefined,
      targetFields: command?.hints?.targetFields ?? [],
      connection,
      knownConnection,
      input,
      outcome,
      status,
      firstError: result.errors[0],
      startedAt,
      durationMs: performance.now() - started,
      ran,
      client: clientAddress(c),
      authFailure,
    });
    if (spool !== undefined) {
      const saved = spool.saved();
      const json =
        command !== undefined && wantsJsonResult(c.req.header('Accept'), fileContentTypes(command));
      if (result.status !== 'Failed' && saved !== undefined && !json)
        return fileResponse(result, saved, spool);
      await spool.dispose();
    }
    return new Response(stringifyWireJson(result as unknown as WireJson), {
      status,
      headers: { 'Content-Type': JSON_TYPE, ...headers },
    });
  };

  /**
   * Starts a streaming command and waits for its first record (or its end), so that a failure before any record
   * — bad input, an unknown host, KSC down — is answered like any failed call: the JSON result with its HTTP
   * status. Once a record is there the answer is committed to 200 and NDJSON. The records come with a signal of
   * their own, aborted by `stop` (the body's end or the client gone), so a call in flight does not outlive them.
   */
  async function startStream(
    command: StreamingCommand,
    ctx: CommandContext,
    input: unknown,
  ): Promise<
    | { readonly kind: 'failed'; readonly errors: readonly CommandErrorEntry[] }
    | {
        readonly kind: 'started';
        readonly records: AsyncIterator<PlainJson>;
        readonly stop: () => void;
      }
  > {
    const own = new AbortController();
    const signal = ctx.signal === undefined ? own.signal : AbortSignal.any([ctx.signal, own.signal]);
    const records = executeCommandStream(command, { ...ctx, signal }, input);
    let first: IteratorResult<PlainJson>;
    try {
      first = await records.next();
    } catch (error) {
      own.abort();
      if (error instanceof CommandStreamError) return { kind: 'failed', errors: error.errors };
      throw error;
    }
    async function* startingWithFirst(): AsyncGenerator<PlainJson, void, undefined> {
      if (first.done === true) return;
      yield first.value;
      yield* records;
    }
    return { kind: 'started', records: startingWithFirst(), stop: () => own.abort() };
  }

  /**
   * Runs the command. `executeCommand` turns the command's own failures into results; what still throws comes
   * from the idempotency store (its database, or a wait cut short by the shutdown).
   */
  async function run(
    requestId: string,
    title: string,
    work: () => Promise<CommandResult>,
  ): Promise<CommandResult> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof KconnectError) return failedResult(title, [errorEntry(title, error)]);
      deps.log({
        level: 'error',
        message: 'idempotency store failed',
        requestId,
        error: describeError(error),
      });
      return failedResult(title, [
        entry(
          title,
          'UPSTREAM_UNAVAILABLE',
          503,
          'The service database did not answer, so the call did not run (its idempotency key could not be ' +
            `checked); retry later. The request id is ${requestId}`,
        ),
      ]);
    }
  }

  /**
   * The context of the requested connection; a malformed name is refused (400), an unknown one is not found
   * (404) with a message that names only the connection asked for: the configured names are not the caller's
   * to enumerate.
   */
  function connectionContext(requested: string | undefined): CommandContext {
    if (requested !== undefined && !CONNECTION_NAME.test(requested)) {
      throw new Refusal(
        'invalid',
        'INVALID_INPUT',
        'The value for parameter (connection) is invalid: 1–64 letters, digits, dots, dashes or underscores.',
      );
    }
    try {
      return deps.contexts(requested);
    } catch (error) {
      if (requested !== undefined && isUnknownConnection(error)) {
        throw new Refusal('invalid', 'NOT_FOUND', `connection: no connection named "${requested}"`, 404);
      }
      if (error instanceof KconnectError) {
        const status = error.code === 'NOT_FOUND' || error.code === 'INVALID_INPUT' ? error.httpStatus : 500;
        throw new Refusal('invalid', error.code, error.message, status);
      }
      throw error;
    }
  }

  /**
   * The context without the companion clients (`correlateWith`) of connections the token may not call: an
   * optional companion is dropped (the command runs without its enrichment), a needed one — a required
   * companion, or the client of the command's own vendor when the chosen connection is the companion's — is
   * refused. The refusal does not name the companion: the token learns nothing of connections it may not call.
   */
  function companionsAllowed(
    command: CommandDefinition,
    ctx: CommandContext,
    principal: Principal,
    chosen: string,
  ): CommandContext {
    const names = ctx.connectionNames ?? {};
    const kept: { -readonly [K in keyof CommandContext]: CommandContext[K] } = { ...ctx };
    const keptNames: { [V in Vendor]?: string } = { ...names };
    for (const vendor of VENDOR_NAMES) {
      const name = names[vendor];
      if (name === undefined || name === chosen || allowsConnection(principal, name)) continue;
      const use = vendor === command.vendor ? 'required' : command.companions?.[vendor];
      if (use === 'required') {
        throw new Refusal(
          'denied',
          'ACCESS_DENIED',
          `The API token "${principal.name}" (${principal.tokenId}) is not allowed on the ${VENDORS[vendor].short} ` +
            `connection that ${command.name} needs beside "${chosen}"`,
        );
      }
      delete kept[vendor];
      delete keptNames[vendor];
    }
    return { ...kept, connectionNames: keptNames };
  }

  async function record(call: Call): Promise<void> {
    const errorCode = call.firstError?.code ?? null;
    deps.metrics.observe({
      command: call.known ? call.command : '(unknown)',
      connection: call.knownConnection ? call.connection : '(unknown)',
      outcome: call.outcome,
      errorCode,
      ...(call.ran ? { seconds: call.durationMs / 1000 } : {}),
    });
    // A flood of bad tokens is logged as it is audited: the first refusal of a client's window, the rest at debug.
    const quiet = call.authFailure !== undefined && !call.authFailure.first;
    deps.log({
      level: quiet ? 'debug' : call.status >= 500 ? 'error' : call.status >= 400 ? 'warn' : 'info',
      message: 'command',
      requestId: call.requestId,
      command: call.command,
      connection: call.connection,
      outcome: call.outcome,
      status: call.status,
      durationMs: Math.round(call.durationMs),
      ...(call.principal === undefined
        ? {}
        : { token: `${call.principal.name} (${call.principal.tokenId})` }),
      ...(call.firstError === undefined
        ? {}
        : { error: `${call.firstError.code}: ${call.firstError.message}` }),
    });
    const entry: AuditEntry = {
      at: call.startedAt,
      requestId: call.requestId,
      replica: deps.replica,
      tokenId: call.principal?.tokenId ?? null,
      tokenName: call.principal?.name ?? null,
      command: call.command,
      connection: call.connection,
      hosts: targetHosts(call.input, call.targetFields),
      idempotencyKey: auditedIdempotencyKey(call.input),
      outcome: call.outcome,
      statusCode: call.status,
      errorCode,
      message: call.firstError?.message ?? null,
      durationMs: call.durationMs,
      client: call.client,
    };
    if (call.authFailure !== undefined) {
      await deps.authFailures.record(call.authFailure.verdict, entry);
      return;
    }
    try {
      await deps.audit.append(entry);
    } catch (error) {
      deps.log({
        level: 'error',
        message: 'audit log write failed',
        requestId: call.requestId,
        command: call.command,
        error: describeError(error),
      });
    }
  }
}

/**
 * How a streamed call is recorded: a complete stream is `Successful` (200); one that failed after its first
 * record is `Failed` with the status its final error line carries (the caller got 200 and the error line: the
 * audit keeps what the call came to); a client that went away is `aborted` (499).
 */
function streamOutcome(ending: NdjsonEnding): {
  readonly outcome: AuditOutcome;
  readonly status: number;
  readonly firstError: CommandErrorEntry | undefined;
} {
  switch (ending.kind) {
    case 'complete':
      return { outcome: 'Successful', status: 200, firstError: undefined };
    case 'failed':
      return { outcome: 'Failed', status: ending.error.statusCode, firstError: ending.error };
    case 'cancelled':
      return { outcome: 'aborted', status: CLIENT_CLOSED_STATUS, firstError: undefined };
  }
}

/**
 * Whether the context factory refused a name it does not know: its NOT_FOUND, or the configuration's error on
 * the `connection` field (the only one it raises for a name given by the caller).
 */
function isUnknownConnection(error: unknown): boolean {
  if (!(error instanceof KconnectError)) return false;
  if (error.code === 'NOT_FOUND') return true;
  return error instanceof FieldError && error.field === 'connection';
}

/** The JSON body as the command's input; an empty body is `{}`. Integers beyond 2^53 stay exact. */
async function readInput(request: Request, timeoutMs: number): Promise<unknown> {
  const tooLarge = () =>
    new Refusal('invalid', 'INVALID_INPUT', `The request body is larger than ${MAX_BODY_BYTES} bytes`);
  if (Number(request.headers.get('Content-Length') ?? '0') > MAX_BODY_BYTES) throw tooLarge();
  // A body that does not arrive in time is the caller's fault (400, and the connection is closed); one cut off
  // because the caller went away is a 499: neither is the service's failure.
  const text = await readBoundedBody(request, MAX_BODY_BYTES, timeoutMs, {
    tooLarge,
    timedOut: (seconds) =>
      new Refusal('invalid', 'INVALID_INPUT', `The request body did not arrive within ${seconds} s`, 400, {
        Connection: 'close',
      }),
    closed: () =>
      new Refusal(
        'aborted',
        'CANCELLED',
        'The client went away before its request body arrived',
        CLIENT_CLOSED_STATUS,
      ),
  });
  if (text.trim() === '') return {};
  try {
    return parseWireJson(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'not JSON';
    throw new Refusal('invalid', 'INVALID_INPUT', `The request body is not JSON: ${reason}`);
  }
}
