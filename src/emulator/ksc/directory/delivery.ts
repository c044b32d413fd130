import { HTTP } from 'cloudevents';
import type { EmulatorLogger } from '../../core/request-log.ts';
import type { DirectoryCloudEvent } from './events.ts';

import type { DeliveryMode } from './delivery-modes.ts';

export { DELIVERY_MODES, type DeliveryMode } from './delivery-modes.ts';

export interface DeliveryOptions {
  readonly url: string;
  readonly token: string;
  readonly mode: DeliveryMode;
  /** Events per request in batch mode. */
  readonly batchSize: number;
  /** Events the queue holds at most; newer ones are dropped (counted and logged) while it is full. */
  readonly queueLimit: number;
  /** First wait after a failed request, ms; doubles up to `retryMaxMs`. */
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** One request's deadline, ms. */
  readonly requestTimeoutMs: number;
  readonly logger?: EmulatorLogger;
}

export interface DeliveryStats {
  readonly queued: number;
  readonly delivered: number;
  readonly dropped: number;
  /** Requests that failed and were retried (network error, timeout, 401, 403, 408, 429, 5xx). */
  readonly failures: number;
  /** Events a receiver refused for good (any other 4xx): counted, logged, not retried. */
  readonly rejected: number;
  readonly lastError: string | null;
  readonly paused: boolean;
}

const RETRYABLE_4XX: ReadonlySet<number> = new Set([401, 403, 408, 429]);

/** `fetch failed (ECONNREFUSED)`: undici hides the reason in `cause`, and the log needs it. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}

class PermanentRefusal extends Error {
  constructor(readonly status: number) {
    super(`the receiver refused the events: HTTP ${status}`);
  }
}

/**
 * Delivers directory events in order over HTTP, retrying with exponential backoff while the receiver is down: the
 * events wait in a bounded queue, so a receiver that comes back within the bound loses nothing.
 */
export class DirectoryDelivery {
  readonly #queue: DirectoryCloudEvent[] = [];
  readonly #deliveredByType = new Map<string, number>();
  readonly #lastIdByType = new Map<string, string>();
  #delivered = 0;
  #dropped = 0;
  #failures = 0;
  #rejected = 0;
  #lastError: string | null = null;
  #paused = false;
  #closed = false;
  #running: Promise<void> | undefined;
  #backoffMs = 0;
  #wake: (() => void) | undefined;
  #idleWaiters: (() => void)[] = [];

  constructor(private readonly options: DeliveryOptions) {}

  /** Queues events behind the ones waiting; returns how many were accepted (the rest are dropped and counted). */
  enqueue(events: readonly DirectoryCloudEvent[]): number {
    const room = Math.max(0, this.options.queueLimit - this.#queue.length);
    const accepted = events.slice(0, room);
    const dropped = events.length - accepted.length;
    this.#queue.push(...accepted);
    if (dropped > 0) {
      this.#dropped += dropped;
      this.options.logger?.({
        level: 'warn',
        message: `directory publisher: queue full (${this.options.queueLimit} events), ${dropped} dropped (${this.#dropped} in all)`,
      });
    }
    this.#kick();
    return accepted.length;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#kick();
  }

  /** Tries now instead of at the end of the current backoff wait. */
  retryNow(): void {
    this.#backoffMs = 0;
    this.#wake?.();
    this.#kick();
  }

  /** Resolves when the queue is empty and no request is in flight (never while paused with events queued). */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && this.#running === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  stats(): DeliveryStats {
    return {
      queued: this.#queue.length,
      delivered: this.#delivered,
      dropped: this.#dropped,
      failures: this.#failures,
      rejected: this.#rejected,
      lastError: this.#lastError,
      paused: this.#paused,
    };
  }

  /** Events delivered, by type. */
  deliveredByType(): Record<string, number> {
    return Object.fromEntries(this.#deliveredByType);
  }

  /** The id of the last event delivered, by type. */
  lastIdByType(): Record<string, string> {
    return Object.fromEntries(this.#lastIdByType);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    await this.#running;
  }

  #kick(): void {
    if (this.#running !== undefined || this.#paused || this.#closed || this.#queue.length === 0) return;
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0 && !this.#paused && !this.#closed) this.#kick();
      else if (this.#queue.length === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#paused && !this.#closed) {
      const count = this.options.mode === 'batch' ? Math.min(this.options.batchSize, this.#queue.length) : 1;
      const events = this.#queue.slice(0, count);
      try {
        await this.#send(events);
        this.#backoffMs = 0;
        this.#queue.splice(0, count);
        this.#delivered += count;
        for (const event of events) {
          this.#deliveredByType.set(event.type, (this.#deliveredByType.get(event.type) ?? 0) + 1);
          this.#lastIdByType.set(event.type, event.id);
        }
      } catch (error) {
        const message = describeFailure(error);
        this.#lastError = message;
        if (error instanceof PermanentRefusal) {
          this.#queue.splice(0, count);
          this.#rejected += count;
          this.options.logger?.({
            level: 'error',
            message: `directory publisher: ${count} events refused`,
            error: message,
          });
          continue;
        }
        this.#failures += 1;
        this.#backoffMs =
          this.#backoffMs === 0
            ? this.options.retryInitialMs
            : Math.min(this.options.retryMaxMs, this.#backoffMs * 2);
        this.options.logger?.({
          level: 'warn',
          message: `directory publisher: delivery failed, retrying in ${this.#backoffMs} ms`,
          error: message,
        });
        await this.#sleep(this.#backoffMs);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }

  async #send(events: readonly DirectoryCloudEvent[]): Promise<void> {
    let headers: Record<string, string>;
    let body: string;
    if (this.options.mode === 'batch') {
      headers = { 'content-type': 'application/cloudevents-batch+json; charset=utf-8' };
      body = JSON.stringify(events.map((e) => e.toJSON()));
    } else {
      const event = events[0];
      if (event === undefined) return;
      const message = this.options.mode === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
      headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, String(v)]));
      body = typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
    }
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${this.options.token}` },
      body,
      signal: AbortSignal.timeout(this.options.requestTimeoutMs),
    });
    // The body is not needed; reading it frees the connection for the next request.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    if (response.status >= 400 && response.status < 500 && !RETRYABLE_4XX.has(response.status)) {
      throw new PermanentRefusal(response.status);
    }
    throw new Error(`HTTP ${response.status}`);
  }
}
