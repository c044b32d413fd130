import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { decodeArgumentsFrom, encodeArguments } from '../codec.ts';
import { parseWireJson, type WireJson } from '../../wire/json.ts';
import { readPxgError } from '../pxg-error.ts';
import type { KlArgument, KlArguments } from '../values.ts';
import { readSecret, resolveKscConfig, type KscClientOptions, type ResolvedKscConfig } from './config.ts';
import { AuthenticationError, CancelledError, KconnectError, type CallContext } from '../../errors.ts';
import { errorFromPxg, KscClientError, SessionExpiredError } from './errors.ts';
import type { KscMethodArgs, KscMethodName, KscMethodReply } from '../methods/index.ts';
import { HttpTransport, TransportFailure, type HttpAnswer } from '../../http/transport.ts';
import { unlessAborted, type HealthReport, type VendorClient } from '../../vendor-client.ts';

/** One log record. It never carries credentials, tokens, session ids or request bodies. */
export interface KscLogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly method?: string;
  readonly requestId?: string;
  readonly status?: number;
  readonly attempt?: number;
}

export type KscLogger = (record: KscLogRecord) => void;

export interface KscCallOptions {
  /** The call may be repeated after an ambiguous failure. Default: by its name (`Get…`, `Find…`, …). */
  readonly idempotent?: boolean;
  readonly signal?: AbortSignal;
  /**
   * The instance a class works on, sent as `Instance.Class.Method`: `ListTags` needs the list it tags
   * (`HostsTags`, `InventoryTags`, `UmdmDeviceTags`). Absent: the class's default instance.
   */
  readonly instance?: string;
}

export interface KscClientDependencies {
  readonly logger?: KscLogger;
  /** Waits between retries (tests pass a fast one). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** The time, ms since the epoch (certificate expiry warnings). Default `Date.now`. */
  readonly now?: () => number;
  /** Where `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` are read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Sends the requests instead of the client's own connection pool: an in-process server's dispatcher, one
   * shared by several clients, or a test's. `tls`, `proxy` and `connections` are then the dispatcher's business,
   * and closing the client leaves it open.
   */
  readonly dispatcher?: Dispatcher;
}

/**
 * Reads that may be repeated after a reset connection or a timeout: they change nothing, or at most leave a
 * result set the server will expire. Anything else is a change and is repeated only when it certainly never
 * reached the server.
 */
const READ_METHOD =
  /^(Get|Find|Check|Is|Ping|GroupId|Reset[A-Za-z]*Iterator|CreateEventProcessing|StartSession)/;

export function isReadMethod(method: string): boolean {
  return READ_METHOD.test(method.slice(method.lastIndexOf('.') + 1));
}

/** The rest of a typed call: the arguments may be left out when every one of them is optional. */
type TypedCallRest<M extends KscMethodName> =
  Record<string, never> extends KscMethodArgs<M>
    ? [args?: KscMethodArgs<M>, options?: KscCallOptions]
    : [args: KscMethodArgs<M>, options?: KscCallOptions];

/** The answer of a call in its wire shape beside the decoded reply. */
export interface WireAnswer<Reply> {
  readonly reply: Reply;
  /** `PxgRetVal` and the out-parameters as the server wrote them (lossless: longs beyond 2^53 are bigints). */
  readonly wire: { readonly [name: string]: WireJson };
}

/** The mutable part of a client, shared with its views. */
interface SessionState {
  /** The `X-KSC-Session` id, or {@link CONNECTION_LOGIN} while a connection-bound login holds. */
  session: string | undefined;
  loggingIn: Promise<string> | undefined;
  authFailure: AuthenticationError | undefined;
  closed: boolean;
  /** Aborted by {@link KscClient.close}: a login nobody will use any more must not hold the connections open. */
  readonly closing: AbortController;
}

/** Days before a server certificate expires from which the client warns. */
const CERTIFICATE_WARNING_DAYS = 30;

/** What the health check asks: cheap, static, allowed to every account that may read anything. */
const HEALTH_FACTS = ['KLADMSRV_PRODUCT_VERSION', 'KLADMSRV_SERVER_HOSTNAME'];

/** Stands for the session while a connection-bound login holds: calls then carry no session header. */
const CONNECTION_LOGIN = '\u0000connection-login';

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * The answer's JSON. Text that is not JSON is the server's fault (a truncated or corrupted answer, R22), not the
 * caller's: an upstream error, never the input error the JSON reader raises for what a caller wrote.
 */
function parseAnswer(text: string, method: string, requestId: string): WireJson {
  try {
    return parseWireJson(text);
  } catch (error) {
    if (!(error instanceof KconnectError)) throw error;
    throw new KscClientError('UPSTREAM_ERROR', `${method} answered malformed JSON: ${error.message}`, {
      operation: method,
      requestId,
      cause: error,
    });
  }
}

/**
 * A client of one KSC Open API server: logs in with `Session.StartSession` and calls methods with
 * `X-KSC-Session`; logs in again once when the session expires; never repeats a failed login; repeats reads
 * (not changes) with full-jitter backoff after connection failures, timeouts and 503.
 *
 * @example
 * const ksc = new KscClient({ url: 'https://ksc.example.com:13299', credentials: { user: 'soc', password } });
 * const { PxgRetVal } = await ksc.call('HostGroup.GroupIdGroups');
 * await ksc.close();
 */
export class KscClient implements VendorClient {
  readonly config: ResolvedKscConfig;
  /** Where the client reports what it does; iterators and helpers built on the client report here too. */
  readonly log: KscLogger;
  private readonly transport: HttpTransport;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /**
   * What changes while the client lives, in one object that views made by {@link withSignal} share with the
   * client (they read it through their prototype, so a login through a view is the client's login).
   */
  private readonly state: SessionState = {
    session: undefined,
    loggingIn: undefined,
    authFailure: undefined,
    closed: false,
    closing: new AbortController(),
  };
  /** Joined to every call's own signal: set on the views {@link withSignal} makes, never on the client itself. */
  private boundSignal: AbortSignal | undefined;

  constructor(options: KscClientOptions, dependencies: KscClientDependencies = {}) {
    this.config = resolveKscConfig(options, dependencies.env);
    const now = dependencies.now ?? Date.now;
    const warned = new Set<string>();
    this.transport = new HttpTransport({
      origin: this.config.origin,
      timeoutMs: this.config.timeoutMs,
      connections: this.config.connections,
      tls: this.config.tls,
      proxy: this.config.proxy,
      dispatcher: dependencies.dispatcher,
      circuitBreaker: this.config.circuitBreaker,
      connectionName: this.config.connectionName,
      now,
      onCircuitChange: (state) =>
        this.log(
          state === 'open'
            ? {
                level: 'warn',
                message: `circuit to ${this.config.connectionName} opened after repeated failures`,
              }
            : { level: 'info', message: `circuit to ${this.config.connectionName} closed` },
        ),
      onCertificate: (certificate) => {
        // KSC swaps in its reserve certificate a day before the current one expires (spec: 397-day validity).
        const daysLeft = (Date.parse(certificate.validTo) - now()) / 86_400_000;
        if (daysLeft > CERTIFICATE_WARNING_DAYS || warned.has(certificate.fingerprint256)) return;
        warned.add(certificate.fingerprint256);
        this.log({
          level: 'warn',
          message:
            `the server certificate expires on ${new Date(Date.parse(certificate.validTo)).toISOString()}` +
            (this.config.tls.pins === undefined
              ? ''
              : '; make sure tls.pins holds the reserve certificate’s pin'),
        });
      },
    });
    this.log = dependencies.logger ?? (() => undefined);
    this.sleep = dependencies.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = dependencies.random ?? Math.random;
    if (this.config.tls.insecure) {
      this.log({ level: 'warn', message: `TLS certificate verification is off for ${this.config.origin}` });
    }
    if (this.config.insecureHttp) {
      this.log({
        level: 'warn',
        message: `plain HTTP to ${this.config.origin}: the credentials and results cross the network in clear`,
      });
    }
    if (this.config.proxy !== undefined) {
      const { origin, source } = this.config.proxy;
      this.log({ level: 'info', message: `connecting through the proxy ${origin} (from ${source})` });
    }
    if (this.config.login === 'connection') {
      // The server forgets a connection-bound login with its connection; the next call logs in first.
      this.transport.onDisconnect(() => {
        if (this.state.session === CONNECTION_LOGIN) this.state.session = undefined;
      });
    }
  }

  /**
   * This client with `signal` joined to the signal of every call made through it: the same session, connection
   * pool, settings and log — a view, not a second client. A command context hands it its abort signal this way,
   * so every KSC call a command makes stops when the command is cancelled, without each call passing it.
   * Closing a view closes the client.
   *
   * @example
   * const ksc = client.withSignal(AbortSignal.timeout(30_000));
   * await ksc.call('HostGroup.FindHosts', args); // CancelledError once the 30 s are up
   */
  withSignal(signal: AbortSignal | undefined): KscClient {
    if (signal === undefined) return this;
    // The prototype chain shares every field, the state object included; only the view's own signal differs.
    const view = Object.create(this) as KscClient;
    view.boundSignal = this.boundSignal === undefined ? signal : AbortSignal.any([this.boundSignal, signal]);
    return view;
  }

  /**
   * A login if the client has no session, then `HostGroup.GetStaticInfo` for the server's version and name: a
   * static read every account that may read anything is allowed. What `/readyz`, the console's connection list
   * and `kconnect config check` ask.
   *
   * @example
   * const { latencyMs, server } = await ksc.checkHealth(AbortSignal.timeout(5000));
   */
  async checkHealth(signal?: AbortSignal): Promise<HealthReport> {
    const started = performance.now();
    const { PxgRetVal: facts } = await this.call(
      'HostGroup.GetStaticInfo',
      { pValues: HEALTH_FACTS },
      signal === undefined ? {} : { signal },
    );
    const text = (value: unknown): string => (typeof value === 'string' ? value : '');
    return {
      latencyMs: Math.round(performance.now() - started),
      server: {
        product: 'KSC',
        version: text(facts['KLADMSRV_PRODUCT_VERSION']),
        hostName: text(facts['KLADMSRV_SERVER_HOSTNAME']),
      },
    };
  }

  /**
   * Calls `Class.Method` with named arguments; resolves to `PxgRetVal` and the out-parameters, decoded. The
   * methods of `KSC_METHODS` are typed (arguments and reply); any other name is accepted untyped, and
   * `call<unknown>(…)` opts out of the types on purpose.
   */
  call<M extends KscMethodName>(method: M, ...rest: TypedCallRest<M>): Promise<KscMethodReply<M>>;
  call<Reply = Record<string, KlArgument>, M extends string = string>(
    method: M extends KscMethodName ? never : M,
    args?: KlArguments,
    options?: KscCallOptions,
  ): Promise<Reply>;
  async call(
    method: string,
    args: KlArguments = {},
    options: KscCallOptions = {},
  ): Promise<Record<string, KlArgument>> {
    return (await this.invoke(method, args, options)).reply;
  }

  /**
   * Like {@link call}, and also gives the answer in its wire shape (`{"type": "params", "value": …}` wrappers
   * and all), exactly as the server sent it: what commands return as `raw`.
   */
  callWire<M extends KscMethodName>(
    method: M,
    ...rest: TypedCallRest<M>
  ): Promise<WireAnswer<KscMethodReply<M>>>;
  callWire<Reply = Record<string, KlArgument>, M extends string = string>(
    method: M extends KscMethodName ? never : M,
    args?: KlArguments,
    options?: KscCallOptions,
  ): Promise<WireAnswer<Reply>>;
  callWire(
    method: string,
    args: KlArguments = {},
    options: KscCallOptions = {},
  ): Promise<WireAnswer<Record<string, KlArgument>>> {
    return this.invoke(method, args, options);
  }

  private async invoke(
    method: string,
    args: KlArguments,
    options: KscCallOptions,
  ): Promise<WireAnswer<Record<string, KlArgument>>> {
    if (method === 'Session.StartSession') {
      throw new KscClientError(
        'INVALID_INPUT',
        'method: the client starts its own session when it needs one',
        {
          operation: method,
        },
      );
    }
    if (this.state.closed) {
      throw new KscClientError('INVALID_INPUT', 'The client is closed', { operation: method });
    }
    const idempotent = options.idempotent ?? isReadMethod(method);
    const signal = this.signalOf(options);
    const body = encodeArguments(args);
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      const requestId = randomUUID();
      const cancelled = (sent: boolean) => () =>
        this.cancelled(signal, method, requestId, sent && !idempotent);
      // Also throws at once when the signal has already aborted: nothing is sent then.
      const session = await unlessAborted(this.ensureSession(), signal, cancelled(false));
      const headers: Record<string, string> = { 'X-KSC-RequestId': requestId };
      if (session !== CONNECTION_LOGIN) headers['X-KSC-Session'] = session;
      let answer: HttpAnswer;
      try {
        this.log({ level: 'debug', message: 'call', method, requestId, attempt });
        const path = options.instance === undefined ? method : `${options.instance}.${method}`;
        answer = await this.post(path, body, headers, signal);
      } catch (error) {
        // undici rejects an aborted request with the signal's reason: a cancel, never a failure to repeat.
        if (signal?.aborted === true) throw cancelled(true)();
        if (!(error instanceof TransportFailure)) throw error;
        const repeatable = error.repeatable(idempotent);
        const final = error.toError({ operation: method, requestId }, repeatable);
        if (!repeatable || attempt >= this.config.attempts) throw final;
        await unlessAborted(
          this.backoff(attempt, method, requestId, final.message),
          signal,
          cancelled(false),
        );
        continue;
      }
      if (answer.status === 403) {
        if (renewed) throw new SessionExpiredError({ operation: method, requestId });
        renewed = true;
        attempt--;
        this.log({ level: 'info', message: 'session expired; logging in again', method, requestId });
        this.forget(session);
        continue;
      }
      if (answer.status === 401) {
        throw this.latch('The server refused the credentials', { operation: method, requestId });
      }
      if (answer.status === 503 && idempotent && attempt < this.config.attempts) {
        await unlessAborted(this.backoff(attempt, method, requestId, 'HTTP 503'), signal, cancelled(false));
        continue;
      }
      return this.decode(answer, method, requestId);
    }
  }

  /** The call's own signal joined to the one of this view, if any. */
  private signalOf(options: KscCallOptions): AbortSignal | undefined {
    const own = options.signal;
    if (own === undefined || this.boundSignal === undefined) return own ?? this.boundSignal;
    return AbortSignal.any([this.boundSignal, own]);
  }

  /**
   * What an aborted call throws: the abort's reason when it is a kconnect error (so whoever aborts can say why,
   * e.g. a service that shuts down), else a {@link CancelledError}. `ambiguous`: a change was sent and KSC may
   * have carried it out.
   */
  private cancelled(
    signal: AbortSignal | undefined,
    method: string,
    requestId: string,
    ambiguous: boolean,
  ): Error {
    const reason: unknown = signal?.reason;
    if (reason instanceof KconnectError) return reason;
    this.log({ level: 'debug', message: 'call cancelled', method, requestId });
    return new CancelledError(
      `${method} was cancelled before KSC answered${ambiguous ? '; KSC may have carried it out' : ''}`,
      { operation: method, requestId, cause: reason },
    );
  }

  /**
   * Ends the session (`Session.EndSession`) and closes the connections (which ends a connection login); a login
   * still under way is abandoned. With `signal`, closing is quick once it aborts (or if it already has): the
   * session is left to expire on the server and requests still in flight are cut — what a CLI wants after
   * Ctrl-C, when KSC may be the slow part.
   */
  async close(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    if (this.state.closed) return;
    this.state.closed = true;
    this.state.closing.abort();
    const { signal } = options;
    const session = this.state.session;
    this.state.session = undefined;
    try {
      if (session !== undefined && session !== CONNECTION_LOGIN && signal?.aborted !== true) {
        const headers = { 'X-KSC-Session': session };
        await this.post('Session.EndSession', '{}', headers, signal);
      }
    } catch {
      // The session expires on the server by itself; closing must not fail because the server is gone.
    } finally {
      await this.transport.close(signal);
    }
  }

  /** One exchange: KLOAPI is `POST /api/<version>/<Class.Method>` with a JSON body, whatever the method does. */
  private post(
    method: string,
    body: string,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<HttpAnswer> {
    return this.transport.request({
      method: 'POST',
      path: `/api/${this.config.apiVersion}/${method}`,
      headers: {
        'content-type': 'application/json',
        ...(this.config.compression === 'gzip' ? { 'accept-encoding': 'gzip' } : {}),
        ...headers,
      },
      body,
      signal,
    });
  }

  private async backoff(attempt: number, method: string, requestId: string, reason: string): Promise<void> {
    const ms = Math.floor(this.random() * this.config.backoffMs * 2 ** (attempt - 1));
    this.log({ level: 'warn', message: `retrying after ${reason} in ${ms} ms`, method, requestId, attempt });
    await this.sleep(ms);
  }

  private decode(
    answer: HttpAnswer,
    method: string,
    requestId: string,
  ): WireAnswer<Record<string, KlArgument>> {
    const wire = answer.text.trim() === '' ? {} : parseAnswer(answer.text, method, requestId);
    const pxg = readPxgError(wire);
    if (pxg !== undefined) throw errorFromPxg(pxg, { method, requestId });
    if (answer.status !== 200) {
      throw new KscClientError('UPSTREAM_ERROR', `HTTP ${answer.status} from ${method}`, {
        operation: method,
        requestId,
        retryable: answer.status >= 500,
      });
    }
    if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) {
      throw new KscClientError('UPSTREAM_ERROR', `${method} answered something other than a JSON object`, {
        operation: method,
        requestId,
      });
    }
    return { reply: decodeArgumentsFrom(wire), wire };
  }

  // ------------------------------------------------------------------------------------------- sessions

  /** The current session, logging in first if needed; concurrent callers share one login. */
  private ensureSession(): Promise<string> {
    if (this.state.authFailure !== undefined) return Promise.reject(this.state.authFailure);
    if (this.state.session !== undefined) return Promise.resolve(this.state.session);
    this.state.loggingIn ??= this.login().finally(() => {
      this.state.loggingIn = undefined;
    });
    return this.state.loggingIn;
  }

  /** Drops a session the server refused, unless another caller already replaced it. */
  private forget(session: string): void {
    if (this.state.session === session) this.state.session = undefined;
  }

  private latch(message: string, context: CallContext): AuthenticationError {
    // One refused login latches the client: repeating it from many workers would lock the account (10 tries).
    this.state.authFailure ??= new AuthenticationError(message, context);
    this.state.session = undefined;
    return this.state.authFailure;
  }

  private async authorization(): Promise<string> {
    const credentials = this.config.credentials;
    if ('scheme' in credentials) return `${credentials.scheme} ${await readSecret(credentials.token)}`;
    const password = await readSecret(credentials.password);
    let header = `KSCBasic user="${b64(credentials.user)}", pass="${b64(password)}"`;
    if (credentials.domain !== undefined) header += `, domain="${b64(credentials.domain)}"`;
    if (credentials.internal === true) header += ', internal="1"';
    return header;
  }

  private async login(): Promise<string> {
    const bound = this.config.login === 'connection';
    const method = bound ? 'login' : 'Session.StartSession';
    const headers: Record<string, string> = { Authorization: await this.authorization() };
    if (this.config.virtualServer !== undefined) headers['X-KSC-VServer'] = b64(this.config.virtualServer);
    for (let attempt = 1; ; attempt++) {
      const requestId = randomUUID();
      headers['X-KSC-RequestId'] = requestId;
      let answer: HttpAnswer;
      try {
        this.log({ level: 'info', message: 'logging in', method, requestId, attempt });
        answer = await this.post(method, bound ? '' : '{}', headers, this.state.closing.signal);
      } catch (error) {
        if (this.state.closing.signal.aborted) {
          throw new KscClientError('INVALID_INPUT', 'The client is closed', { operation: method, requestId });
        }
        if (!(error instanceof TransportFailure)) throw error;
        // A login changes nothing on the server, so it may be repeated whenever repeating can help.
        const final = error.toError({ operation: method, requestId }, error.repeatable(true));
        if (error.permanent || attempt >= this.config.attempts) throw final;
        await this.backoff(attempt, method, requestId, final.message);
        continue;
      }
      if (answer.status === 401 || answer.status === 403) {
        throw this.latch(`Login to ${this.config.origin} failed: the server refused the credentials`, {
          operation: method,
          requestId,
        });
      }
      if (bound && answer.status === 200 && !answer.text.includes('"PxgError"')) {
        // Servers answer a connection login with an empty body or `{}`; only the status matters (KLAK).
        this.state.session = CONNECTION_LOGIN;
        return CONNECTION_LOGIN;
      }
      const { reply } = this.decode(answer, method, requestId);
      const session = reply['PxgRetVal'];
      if (typeof session !== 'string' || session === '') {
        throw new KscClientError('UPSTREAM_ERROR', 'Session.StartSession returned no session id', {
          operation: method,
          requestId,
        });
      }
      this.state.session = session;
      return session;
    }
  }
}
