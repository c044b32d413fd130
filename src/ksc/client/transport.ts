import { Pool } from 'undici';
import type { ResolvedKscConfig } from './config.ts';
import { ConnectionError, TimeoutError, type CallContext } from './errors.ts';

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
/** Failures where the request cannot have reached the server: repeating it is safe even for a change. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * HTTP to one KSC server over a bounded pool of keep-alive connections. Failures become `ConnectionError` or
 * `TimeoutError`, whose `retryable` says whether the request certainly never reached the server.
 */
export class KscTransport {
  private readonly pool: Pool;

  constructor(private readonly config: ResolvedKscConfig) {
    this.pool = new Pool(config.origin, {
      connections: config.connections,
      keepAliveTimeout: 60_000,
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
      connect: {
        rejectUnauthorized: !config.tls.insecure,
        ...(config.tls.ca === undefined ? {} : { ca: config.tls.ca }),
      },
    });
  }

  async post(
    path: string,
    body: string,
    headers: Record<string, string>,
    context: CallContext,
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
      const code = errorCode(error);
      const notSent = NOT_SENT_CODES.has(code);
      if (TIMEOUT_CODES.has(code)) {
        throw new TimeoutError(`No answer from ${this.config.origin} within ${this.config.timeoutMs} ms`, {
          ...context,
          retryable: notSent,
          cause: error,
        });
      }
      throw new ConnectionError(`Connection to ${this.config.origin} failed (${code || 'unknown error'})`, {
        ...context,
        retryable: notSent,
        cause: error,
      });
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
