import type { X509Certificate } from 'node:crypto';
import { Pool } from 'undici';
import type { ResolvedKscConfig } from '../ksc/client/config.ts';
import { ConnectFailure, kscConnector } from './connector.ts';
import {
  ConnectionError,
  ProxyError,
  TimeoutError,
  TlsError,
  type CallContext,
} from '../ksc/client/errors.ts';

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
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
 * Why an exchange failed, before the client decides whether to repeat it: `notSent` — the request certainly
 * never reached the server; `permanent` — repeating cannot succeed (a refused certificate, a refused proxy).
 */
export class TransportFailure extends Error {
  constructor(
    readonly toError: (context: CallContext, retryable: boolean) => ConnectionError | TimeoutError,
    readonly notSent: boolean,
    readonly permanent: boolean,
  ) {
    super('transport failure');
  }
}

/**
 * HTTP to one KSC server over a bounded pool of keep-alive connections, through a proxy tunnel and with pinned
 * keys when configured. Failures become a {@link TransportFailure}.
 */
export class KscTransport {
  private readonly pool: Pool;

  constructor(
    private readonly config: ResolvedKscConfig,
    onCertificate?: (certificate: X509Certificate) => void,
  ) {
    this.pool = new Pool(config.origin, {
      connections: config.connections,
      keepAliveTimeout: 60_000,
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
      connect: kscConnector({
        ...config.tls,
        proxy: config.proxy,
        timeoutMs: config.timeoutMs,
        ...(onCertificate === undefined ? {} : { onCertificate }),
      }),
    });
  }

  /** Called whenever a connection closes (a connection-bound login ends with it). */
  onDisconnect(listener: () => void): void {
    this.pool.on('disconnect', listener);
  }

  async post(
    path: string,
    body: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<HttpAnswer> {
    try {
      const response = await this.pool.request({
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        ...(signal === undefined ? {} : { signal }),
      });
      return { status: response.statusCode, text: await response.body.text() };
    } catch (error) {
      throw this.failure(error);
    }
  }

  /**
   * Closes the pool once the requests in flight have ended; when `signal` aborts (or already has), at once,
   * cutting them.
   */
  async close(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return this.pool.destroy();
    if (signal === undefined) return this.pool.close();
    let cut: () => void = () => undefined;
    const destroyed = new Promise<void>((resolve, reject) => {
      cut = () => this.pool.destroy().then(resolve, reject);
      signal.addEventListener('abort', cut, { once: true });
    });
    try {
      await Promise.race([this.pool.close(), destroyed]);
    } finally {
      signal.removeEventListener('abort', cut);
    }
  }

  private failure(error: unknown): TransportFailure {
    const origin = this.config.origin;
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
          new TimeoutError(`No answer from ${origin} within ${this.config.timeoutMs} ms`, {
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
