import { createHmac } from 'node:crypto';
import type { Dispatcher, Pool } from 'undici';
import { abortableSleep } from '../../../abortable-sleep.ts';
import type { Secret } from '../../../config/secrets.ts';
import { KconnectError, TlsError } from '../../../errors.ts';
import { undici } from '../../../http/undici.ts';
import { guardedConnector, type Resolve } from '../../../net/guarded-connector.ts';
import type { SsrfPolicy } from '../../../net/ssrf.ts';
import { fullJitterDelay, type BackoffOptions } from '../../retry.ts';
import type { PipelineLogger } from '../../runner.ts';
import type { RejectedDocument, Sink, SinkBatch, SinkPosition, SinkWriteResult } from '../../types.ts';
import { WebhookRedirectError, WebhookRefusedError, WebhookUnavailableError } from './errors.ts';
import {
  bodyOf,
  CONTENT_TYPES,
  idempotencyKey,
  serialise,
  sliceBatch,
  type RequestSlice,
  type SerialisedBatch,
  type WebhookFormat,
} from './requests.ts';
import { retryAfterMs } from './retry-after.ts';

export interface WebhookAuth {
  /** `Authorization: Bearer <token>`. */
  readonly token?: Secret | undefined;
  /** `Authorization: Basic …`. */
  readonly basic?: { readonly user: string; readonly password: Secret } | undefined;
  /** A signature of the exact body bytes: `<header>: sha256=<hex>`. */
  readonly hmac?:
    { readonly secret: Secret; readonly header: string; readonly algorithm: 'sha256' } | undefined;
}

export interface WebhookSinkOptions {
  /** Where batches are POSTed (path and query kept). */
  readonly url: string;
  readonly format?: WebhookFormat;
  /** Part of every idempotency key, so two pipelines posting to one receiver never collide. */
  readonly pipeline: string;
  readonly auth?: WebhookAuth;
  /** Sent with every request; no credentials (the configuration refuses `Authorization` here). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Checked on every resolved address when connecting. */
  readonly policy: SsrfPolicy;
  readonly ca?: string | undefined;
  readonly insecure?: boolean | undefined;
  /** Connect, answer headers, and each gap in the answer's body, ms. Default 30 s. */
  readonly timeoutMs?: number;
  /** Documents per request at most. Default 500. */
  readonly maxBatchDocuments?: number;
  /** Bytes per request body at most (a single larger document goes alone). Default 1 MiB. */
  readonly maxBatchBytes?: number;
  /** Attempts per request within one `write` before a retryable error goes to the runner. Default 5. */
  readonly maxAttempts?: number;
  /** The longest `Retry-After` honoured within `write`; longer ones are cut to it. Default 5 min. */
  readonly maxRetryAfterMs?: number;
  /** Backoff between attempts when the receiver gives no `Retry-After`. */
  readonly backoff?: BackoffOptions;
  /**
   * Requests go through this dispatcher instead of the sink's own guarded pool: the caller's, whose connections
   * (and SSRF checks) are its own. For tests and embedding; the configuration never sets it.
   */
  readonly dispatcher?: Dispatcher | undefined;
  /** The resolver the guard asks (tests: no DNS server runs here). Default the system's. */
  readonly resolve?: Resolve | undefined;
  /** Waits between attempts; resolves early when the signal aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Milliseconds since the epoch, for `Retry-After` dates. */
  readonly now?: () => number;
  readonly logger?: PipelineLogger | undefined;
}

/** Where a webhook sink got to: the key of the last record the receiver accepted (for status; nothing to undo). */
export type WebhookPosition = { readonly lastKey: string | null };

/** Answers that refuse the endpoint, not a document: the pipeline stops (see {@link WebhookRefusedError}). */
const ENDPOINT_REFUSALS = new Set([401, 403, 404, 405, 407, 410, 415]);
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|^ERR_SSL_|^ERR_TLS_/;
const EXCERPT_LENGTH = 200;

type Outcome = { readonly accepted: true } | { readonly accepted: false; readonly reason: string };

interface RequestCredentials {
  readonly headers: Record<string, string>;
  readonly hmacKey: string | undefined;
  /** Values masked in any excerpt of an answer (a receiver may echo a header back). */
  readonly secrets: readonly string[];
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function hostOfLocation(location: string | string[] | undefined, base: string): string | undefined {
  const text = Array.isArray(location) ? location[0] : location;
  if (text === undefined) return undefined;
  try {
    return new URL(text, base).host;
  } catch {
    return undefined;
  }
}

/**
 * POSTs batches to an HTTP receiver (SIEM collectors, SOAR webhooks). A write resolves once every request of the
 * batch got a 2xx, or a 4xx that refuses documents (those come back as `rejected`, found by halving the request
 * until each refused document stands alone). 408, 429, 5xx and failed connections are retried inside the write
 * (full jitter, `Retry-After` honoured), then thrown as a retryable {@link WebhookUnavailableError}.
 *
 * At-least-once: a request the receiver took but whose answer was lost is sent again, with the same
 * `Idempotency-Key`, so a receiver that honours it keeps one copy.
 */
export class WebhookSink implements Sink {
  readonly type = 'webhook';
  private readonly url: URL;
  private readonly origin: string;
  private readonly format: WebhookFormat;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly maxRetryAfterMs: number;
  private readonly limits: { readonly maxDocuments: number; readonly maxBytes: number };
  private readonly dispatcher: Dispatcher;
  /** The pool the sink made and closes; undefined when the caller gave a dispatcher. */
  private readonly pool: Pool | undefined;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private position: WebhookPosition = { lastKey: null };

  constructor(private readonly options: WebhookSinkOptions) {
    this.url = new URL(options.url);
    this.origin = this.url.origin;
    this.format = options.format ?? 'json';
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 300_000;
    this.limits = {
      maxDocuments: Math.max(1, options.maxBatchDocuments ?? 500),
      maxBytes: Math.max(1, options.maxBatchBytes ?? 1024 * 1024),
    };
    this.sleep = options.sleep ?? abortableSleep;
    this.now = options.now ?? Date.now;
    if (options.dispatcher !== undefined) {
      this.pool = undefined;
      this.dispatcher = options.dispatcher;
    } else {
      this.pool = new (undici().Pool)(this.origin, {
        connections: 4,
        keepAliveTimeout: 30_000,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        connect: guardedConnector({
          policy: options.policy,
          ca: options.ca,
          insecure: options.insecure,
          timeoutMs: this.timeoutMs,
          resolve: options.resolve,
        }),
      });
      this.dispatcher = this.pool;
    }
  }

  /** Nothing to undo at a receiver: a batch sent but not committed is sent again (at-least-once). */
  open(committed: SinkPosition | undefined, _signal?: AbortSignal): Promise<void> {
    const lastKey = (committed as { lastKey?: unknown } | null | undefined)?.lastKey;
    this.position = { lastKey: typeof lastKey === 'string' ? lastKey : null };
    return Promise.resolve();
  }

  async write(batch: SinkBatch, signal: AbortSignal): Promise<SinkWriteResult> {
    if (batch.documents.length === 0) return { position: this.position };
    const serialised = serialise(batch.documents);
    const credentials = await this.credentials();
    const rejected: RejectedDocument[] = [];
    for (const slice of sliceBatch(serialised, this.limits)) {
      await this.deliver(serialised, batch.keys, slice, credentials, rejected, signal);
    }
    this.position = { lastKey: batch.keys[batch.keys.length - 1] ?? this.position.lastKey };
    return rejected.length === 0 ? { position: this.position } : { position: this.position, rejected };
  }

  /** Closes the sink's own pool once requests in flight ended; a second call does nothing. */
  async close(): Promise<void> {
    const pool = this.pool;
    if (pool === undefined || pool.closed || pool.destroyed) return;
    await pool.close();
  }

  /** A slice, and on a document-level refusal its halves, until every refused document stands alone. */
  private async deliver(
    batch: SerialisedBatch,
    keys: readonly string[],
    slice: RequestSlice,
    credentials: RequestCredentials,
    rejected: RejectedDocument[],
    signal: AbortSignal,
  ): Promise<void> {
    const body = bodyOf(batch, slice, this.format);
    const outcome = await this.post(
      body,
      idempotencyKey(this.options.pipeline, keys, slice),
      credentials,
      signal,
    );
    if (outcome.accepted) return;
    if (slice.end - slice.start === 1) {
      rejected.push({ index: slice.start, reason: outcome.reason });
      return;
    }
    const middle = slice.start + Math.ceil((slice.end - slice.start) / 2);
    await this.deliver(batch, keys, { start: slice.start, end: middle }, credentials, rejected, signal);
    await this.deliver(batch, keys, { start: middle, end: slice.end }, credentials, rejected, signal);
  }

  /** One request, repeated on 408/429/5xx and failed connections up to `maxAttempts`. */
  private async post(
    body: Buffer,
    key: string,
    credentials: RequestCredentials,
    signal: AbortSignal,
  ): Promise<Outcome> {
    const headers: Record<string, string> = {
      ...this.options.headers,
      ...credentials.headers,
      'content-type': CONTENT_TYPES[this.format],
      'idempotency-key': key,
      'user-agent': 'kconnect',
    };
    const hmac = this.options.auth?.hmac;
    if (hmac !== undefined && credentials.hmacKey !== undefined) {
      headers[hmac.header.toLowerCase()] =
        `sha256=${createHmac(hmac.algorithm, credentials.hmacKey).update(body).digest('hex')}`;
    }
    let last: string;
    let status: number | undefined;
    let askedMs: number | undefined;
    for (let attempt = 1; ; attempt++) {
      askedMs = undefined;
      try {
        const answer = await this.dispatcher.request({
          origin: this.origin,
          path: `${this.url.pathname}${this.url.search}`,
          method: 'POST',
          headers,
          body,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
          signal,
        });
        const text = await answer.body.text();
        status = answer.statusCode;
        if (status >= 200 && status < 300) return { accepted: true };
        if (status >= 300 && status < 400) {
          throw new WebhookRedirectError(
            this.origin,
            status,
            hostOfLocation(answer.headers.location, this.origin),
          );
        }
        const excerpt = this.excerpt(text, credentials.secrets);
        if (ENDPOINT_REFUSALS.has(status)) throw new WebhookRefusedError(this.origin, status, excerpt);
        if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
          return { accepted: false, reason: `HTTP ${status}${excerpt === '' ? '' : `: ${excerpt}`}` };
        }
        last = `HTTP ${status}`;
        askedMs = retryAfterMs(answer.headers['retry-after'], this.now());
      } catch (error) {
        if (error instanceof KconnectError && (error as { retryable?: unknown }).retryable !== true)
          throw error;
        if (signal.aborted) throw error;
        const code = errorCode(error);
        if (TLS_CODE.test(code)) {
          throw new TlsError(
            `TLS to ${this.origin} refused: the receiver's certificate failed verification (${code})`,
            { operation: 'webhook', cause: error },
          );
        }
        status = undefined;
        last = `connection failed (${code || (error instanceof Error ? error.message : 'unknown error')})`;
      }
      if (attempt >= this.maxAttempts) {
        throw new WebhookUnavailableError(this.origin, attempt, last, status, askedMs);
      }
      const delay =
        askedMs === undefined
          ? fullJitterDelay(attempt - 1, this.options.backoff)
          : Math.min(askedMs, this.maxRetryAfterMs);
      this.options.logger?.warn(
        { sink: 'webhook', target: this.origin, attempt, delayMs: delay, last },
        'intake: webhook retrying',
      );
      await this.sleep(delay, signal);
      if (signal.aborted) throw signal.reason;
    }
  }

  /** Secrets are read per write, so a rotated token or key file is picked up without a restart. */
  private async credentials(): Promise<RequestCredentials> {
    const auth = this.options.auth ?? {};
    const headers: Record<string, string> = {};
    const secrets: string[] = [];
    if (auth.token !== undefined) {
      const token = await auth.token.read();
      headers.authorization = `Bearer ${token}`;
      secrets.push(token);
    }
    if (auth.basic !== undefined) {
      const password = await auth.basic.password.read();
      const encoded = Buffer.from(`${auth.basic.user}:${password}`).toString('base64');
      headers.authorization = `Basic ${encoded}`;
      secrets.push(password, encoded);
    }
    const hmacKey = auth.hmac === undefined ? undefined : await auth.hmac.secret.read();
    if (hmacKey !== undefined) secrets.push(hmacKey);
    return { headers, hmacKey, secrets };
  }

  /** The start of an answer for a dead-letter reason: one line, short, any secret we sent masked. */
  private excerpt(text: string, secrets: readonly string[]): string {
    let clean = text;
    for (const secret of secrets) if (secret !== '') clean = clean.split(secret).join('***');
    clean = clean.replace(/\s+/g, ' ').trim();
    return clean.length > EXCERPT_LENGTH ? `${clean.slice(0, EXCERPT_LENGTH)}…` : clean;
  }
}
