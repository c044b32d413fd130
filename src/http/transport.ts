import type { X509Certificate } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { decodedBodyText } from './content-encoding.ts';
import type { Dispatcher, Pool } from 'undici';
import {
  CircuitOpenError,
  ConnectionError,
  ProxyError,
  TimeoutError,
  TlsError,
  type CallContext,
} from '../errors.ts';
import { CircuitBreaker, type CircuitState, type ResolvedCircuitBreaker } from './circuit-breaker.ts';
import { ConnectFailure, httpConnector, type ClientCertificate, type TlsTrust } from './connector.ts';
import type { ResolvedProxy } from './proxy.ts';
import { undici } from './undici.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  readonly method: HttpMethod;
  /** The path and query, e.g. `/api/v1.0/HostGroup.FindHosts` or `/kics/api/v3/assets?limit=100`. */
  readonly path: string;
  /** Sent as given: the transport adds none of its own. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal | undefined;
}

export interface HttpAnswer {
  readonly status: number;
  /** Header names in lower case, as undici gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as text, decoded from `Content-Encoding: gzip` or `deflate` when the server compressed it. */
  readonly text: string;
}

export interface HttpTransportOptions {
  /** `https://host:port` (or `http://` on loopback and in tests): every request goes there. */
  readonly origin: string;
  /** Time for one exchange — connecting, the answer's headers, each gap in its body — in ms. */
  readonly timeoutMs: number;
  /** Keep-alive connections to the server at most. Default 4. */
  readonly connections?: number;
  readonly tls?: TlsTrust;
  readonly clientCertificate?: ClientCertificate | undefined;
  readonly proxy?: ResolvedProxy | undefined;
  /** Shown each verified server certificate (a client warns before it expires). */
  readonly onCertificate?: ((certificate: X509Certificate) => void) | undefined;
  /**
   * Requests go through this dispatcher instead of the transport's own pool — an in-process server's, one
   * shared by several clients, or a test's. Its connections, TLS and proxy are then its own (`tls`,
   * `clientCertificate`, `proxy`, `connections` and `onCertificate` are not used), and it belongs to the
   * caller: {@link HttpTransport.close} leaves it open.
   */
  readonly dispatcher?: Dispatcher | undefined;
  /** Opens after consecutive transport failures so calls fail fast (`CircuitOpenError`); undefined: none. */
  readonly circuitBreaker?: ResolvedCircuitBreaker | undefined;
  /** Who the server is in errors (`CircuitOpenError.connection`): the configuration's name. Default the origin. */
  readonly connectionName?: string | undefined;
  /** Told when the circuit opens or closes (clients log it). */
  readonly onCircuitChange?: ((state: CircuitState) => void) | undefined;
  /** The breaker's clock, ms. Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
/** Failures where the request cannot have reached the server: repeating it is safe even for a change. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
/** Certificate and handshake failures: repeating cannot help. */
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|^ERR_SSL_|^ERR_TLS_/;

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * Waits until the pool has put the answer's connection back to work. undici hands a keep-alive connection its next
 * queued request one turn of the event loop after an answer ended (`setImmediate`), while the caller's handling of
 * the answer would run at once; with many calls in flight (the service's fan-out, B5) every answer that arrives in
 * the same turn would then wait for the handling of those before it, and the connections idle meanwhile. Two turns
 * let every connection freed in this turn take its next request first; alone, a call waits microseconds.
 */
async function connectionBackToWork(): Promise<void> {
  await nextTurn();
  await nextTurn();
}

/**
 * Why an exchange failed, before the client decides whether to repeat it: `notSent` — the request certainly
 * never reached the server; `permanent` — repeating cannot succeed (a refused certificate, a refused proxy).
 * `toError` makes the typed error once the client knows the call and whether it will be repeated.
 */
export class TransportFailure extends Error {
  constructor(
    readonly toError: (
      context: CallContext,
      retryable: boolean,
    ) => ConnectionError | TimeoutError | CircuitOpenError,
    readonly notSent: boolean,
    readonly permanent: boolean,
  ) {
    super('transport failure');
  }

  /** Whether a call may be repeated after this failure: never when permanent, else when it is a read or unsent. */
  repeatable(idempotent: boolean): boolean {
    return !this.permanent && (idempotent || this.notSent);
  }
}

/**
 * HTTP to one server, whatever its vendor: a bounded pool of keep-alive connections, through a proxy tunnel,
 * with the server's certificate checked against a CA or pinned keys, and a client certificate when the server
 * asks for one. Failures become a {@link TransportFailure}; HTTP statuses are the caller's to judge.
 */
export class HttpTransport {
  readonly origin: string;
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher;
  /** The pool the transport made and closes; undefined when the caller gave a dispatcher. */
  private readonly pool: Pool | undefined;
  /** Undefined when the connection has none (`circuitBreaker: false`). */
  readonly breaker: CircuitBreaker | undefined;
  private readonly connectionName: string;

  constructor(options: HttpTransportOptions) {
    this.origin = new URL(options.origin).origin;
    this.timeoutMs = options.timeoutMs;
    this.connectionName = options.connectionName ?? this.origin;
    this.breaker =
      options.circuitBreaker === undefined
        ? undefined
        : new CircuitBreaker(options.circuitBreaker, options.now, options.onCircuitChange);
    if (options.dispatcher !== undefined) {
      this.pool = undefined;
      this.dispatcher = options.dispatcher;
      return;
    }
    this.pool = new (undici().Pool)(this.origin, {
      connections: options.connections ?? 4,
      keepAliveTimeout: 60_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: httpConnector({
        tls: options.tls ?? {},
        clientCertificate: options.clientCertificate,
        proxy: options.proxy,
        timeoutMs: options.timeoutMs,
        onCertificate: options.onCertificate,
      }),
    });
    this.dispatcher = this.pool;
  }

  /** Called whenever a connection to the server closes (a login bound to a connection ends with it). */
  onDisconnect(listener: () => void): void {
    this.dispatcher.on('disconnect', (origin) => {
      if (new URL(String(origin)).origin === this.origin) listener();
    });
  }

  /** @throws {TransportFailure} when no whole answer arrived */
  request(request: HttpRequest): Promise<HttpAnswer> {
    return this.guard(request.signal, async () => {
      const response = await this.dispatcher.request({
        origin: this.origin,
        path: request.path,
        method: request.method,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        ...(request.headers === undefined ? {} : { headers: { ...request.headers } }),
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      const text = await decodedBodyText(response.body, response.headers['content-encoding']);
      await connectionBackToWork();
      return { status: response.statusCode, headers: response.headers, text };
    });
  }

  /**
   * Runs one exchange under the circuit breaker: refused at once while the circuit is open; a whole answer closes
   * it, a transport failure counts towards opening it (a cancel by the caller and a refused certificate do not).
   * `classify` turns what the exchange threw into a {@link TransportFailure} (default: this transport's rules).
   *
   * @throws {TransportFailure} — permanent, with a `CircuitOpenError`, while the circuit is open
   */
  async guard<T>(
    signal: AbortSignal | undefined,
    exchange: () => Promise<T>,
    classify: (error: unknown) => TransportFailure = (error) => this.failure(error),
  ): Promise<T> {
    const admission = this.breaker?.admit() ?? { admitted: true, probe: false };
    if (!admission.admitted) {
      const retryAt = new Date(admission.retryAt);
      // Not sent, and permanent for the client's own retry loop: waiting out the cool-down is its caller's choice.
      throw new TransportFailure(
        (context) => new CircuitOpenError(this.connectionName, retryAt, context),
        true,
        true,
      );
    }
    let result: T;
    try {
      result = await exchange();
    } catch (error) {
      const failure = error instanceof TransportFailure ? error : classify(error);
      if (signal?.aborted === true || failure.permanent) this.breaker?.released(admission.probe);
      else this.breaker?.failed();
      throw failure;
    }
    this.breaker?.succeeded();
    return result;
  }

  /**
   * Closes the pool once the requests in flight have ended; when `signal` aborts (or already has), at once,
   * cutting them. A dispatcher the caller gave stays open.
   */
  async close(signal?: AbortSignal): Promise<void> {
    const pool = this.pool;
    if (pool === undefined) return;
    if (signal?.aborted === true) return pool.destroy();
    if (signal === undefined) return pool.close();
    let cut: () => void = () => undefined;
    const destroyed = new Promise<void>((resolve, reject) => {
      cut = () => pool.destroy().then(resolve, reject);
      signal.addEventListener('abort', cut, { once: true });
    });
    try {
      await Promise.race([pool.close(), destroyed]);
    } finally {
      signal.removeEventListener('abort', cut);
    }
  }

  private failure(error: unknown): TransportFailure {
    const origin = this.origin;
    if (error instanceof ConnectFailure && error.kind === 'pin') {
      return new TransportFailure(
        (context) => new TlsError(`TLS to ${origin} refused: ${error.message}`, { ...context, cause: error }),
        true,
        true,
      );
    }
    if (error instanceof ConnectFailure) {
      // A proxy that refuses credentials or the destination says the same again; a 5xx or no answer may pass.
      const status = error.proxyStatus;
      const permanent = status !== undefined && status < 500;
      return new TransportFailure(
        (context, retryable) =>
          new ProxyError(error.message, { ...context, retryable, proxyStatus: status, cause: error.cause }),
        true,
        permanent,
      );
    }
    const code = errorCode(error);
    if (TLS_CODE.test(code)) {
      return new TransportFailure(
        (context) =>
          new TlsError(`TLS to ${origin} refused: the server's certificate failed verification (${code})`, {
            ...context,
            cause: error,
          }),
        true,
        true,
      );
    }
    const notSent = NOT_SENT_CODES.has(code);
    if (TIMEOUT_CODES.has(code)) {
      return new TransportFailure(
        (context, retryable) =>
          new TimeoutError(`No answer from ${origin} within ${this.timeoutMs} ms`, {
            ...context,
            retryable,
            cause: error,
          }),
        notSent,
        false,
      );
    }
    return new TransportFailure(
      (context, retryable) =>
        new ConnectionError(`Connection to ${origin} failed (${code || 'unknown error'})`, {
          ...context,
          retryable,
          cause: error,
        }),
      notSent,
      false,
    );
  }
}
