/**
 * Directory events from a NATS JetStream subject: a durable pull consumer whose messages are CloudEvents (seed 003)
 * in any of the modes the HTTP receiver takes — a structured event or a JSON array of them in the body, or binary
 * mode with `ce-*` headers — checked and applied to the directory, each message acked only after its events were
 * applied. A bad event is counted, logged and acked: it never blocks the stream. A store failure acks nothing: the
 * messages come again, which is harmless because applying is idempotent and order-independent (decision 0054).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { connectNats } from '../../intake/nats/connection.ts';
import { DEFAULT_DIRECTORY_CONSUMER, type DirectoryNatsSettings } from './options.ts';
import { receiveHttpMessage } from '../events/http.ts';
import { rejectionReason } from '../events/rejection-reason.ts';
import { DirectoryEventError } from '../events/errors.ts';
import type { DirectoryApplier, DirectoryEvent } from '../types.ts';

export {
  DEFAULT_DIRECTORY_CONSUMER,
  directoryNatsOptions,
  type DirectoryNatsOptions,
  type DirectoryNatsSettings,
} from './options.ts';

/** Messages fetched at most per round; their events are applied in one call. */
const FETCH_MAX = 256;
/** How long one fetch waits for messages: also how soon a stop is noticed. */
const FETCH_EXPIRES_MS = 1000;
/** A message neither acked nor nacked comes again after this long (a process that died mid-apply). */
const ACK_WAIT_MS = 30_000;
/** Events in one message at most (as the HTTP receiver's batch limit). */
const MAX_EVENTS_PER_MESSAGE = 1000;
const RETRY_INITIAL_MS = 500;
const RETRY_MAX_MS = 30_000;

export interface DirectoryNatsLogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly error?: string;
}

/** Counts since the consumer started. */
export interface DirectoryNatsStats {
  readonly messages: number;
  readonly applied: number;
  readonly duplicate: number;
  readonly stale: number;
  /** Events (or whole messages that were no CloudEvents) refused by the checks, and acked. */
  readonly rejected: number;
  /** Rounds whose apply failed (their messages come again). */
  readonly storeFailures: number;
  readonly lastError: string | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The headers of a NATS message as the HTTP decoder takes them: lower-case names, first value. */
function headersOf(message: JsMsg): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of message.headers ?? []) {
    const value = values[0];
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  // A body without a content type is a structured event or a batch: told apart by its first character.
  if (headers['content-type'] === undefined && headers['ce-id'] === undefined) {
    const text = message.string().trimStart();
    headers['content-type'] = text.startsWith('[')
      ? 'application/cloudevents-batch+json'
      : 'application/cloudevents+json';
  }
  return headers;
}

/**
 * Consumes directory events from a JetStream stream into the directory until stopped. `start()` returns at once;
 * connection and stream problems are logged and retried with backoff.
 */
export class DirectoryNatsConsumer {
  readonly #stats: Mutable<DirectoryNatsStats> = {
    messages: 0,
    applied: 0,
    duplicate: 0,
    stale: 0,
    rejected: 0,
    storeFailures: 0,
    lastError: undefined,
  };
  #connection: NatsConnection | undefined;
  #stopping = false;
  #running: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(
    private readonly settings: DirectoryNatsSettings,
    private readonly applier: DirectoryApplier,
    private readonly log: (entry: DirectoryNatsLogEntry) => void = () => undefined,
  ) {}

  get consumerName(): string {
    return this.settings.consumer ?? DEFAULT_DIRECTORY_CONSUMER;
  }

  stats(): DirectoryNatsStats {
    return { ...this.#stats };
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  /** Stops fetching; the round in hand is applied and acked first. Idempotent. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#running;
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection !== undefined && !connection.isClosed()) await connection.close().catch(() => undefined);
  }

  async #loop(): Promise<void> {
    let backoff = RETRY_INITIAL_MS;
    while (!this.#stopping) {
      try {
        await this.#round();
        backoff = RETRY_INITIAL_MS;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.#stats.lastError = reason;
        this.log({
          level: 'warn',
          message: `directory from NATS: retrying in ${backoff} ms`,
          error: reason,
        });
        await this.#sleep(backoff);
        backoff = Math.min(RETRY_MAX_MS, backoff * 2);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #consumer() {
    if (this.#connection === undefined || this.#connection.isClosed()) {
      this.#connection = await connectNats(this.settings.connection, this.consumerName);
      const jsm = await jetstreamManager(this.#connection);
      const exists = await jsm.consumers.info(this.settings.stream, this.consumerName).then(
        () => true,
        () => false,
      );
      if (!exists) {
        await jsm.consumers.add(this.settings.stream, {
          durable_name: this.consumerName,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ack_wait: ACK_WAIT_MS * 1_000_000,
          max_ack_pending: 10_000,
          ...(this.settings.subject === undefined ? {} : { filter_subject: this.settings.subject }),
        });
      }
    }
    return jetstream(this.#connection).consumers.get(this.settings.stream, this.consumerName);
  }

  /** One fetch: every message's events checked, the valid ones applied in one call, then every message acked. */
  async #round(): Promise<void> {
    const consumer = await this.#consumer();
    const messages = await consumer.fetch({ max_messages: FETCH_MAX, expires: FETCH_EXPIRES_MS });
    const fetched: JsMsg[] = [];
    const events: DirectoryEvent[] = [];
    const refused: DirectoryEventError[] = [];
    for await (const message of messages) {
      fetched.push(message);
      events.push(...this.#eventsOf(message, refused));
    }
    if (fetched.length === 0) return;
    await this.#countRejected(refused);
    let outcomes;
    try {
      outcomes = await this.applier.apply(events);
    } catch (error) {
      this.#stats.storeFailures += 1;
      for (const message of fetched) message.nak(RETRY_INITIAL_MS);
      throw error;
    }
    for (const outcome of outcomes) this.#stats[outcome] += 1;
    this.#stats.messages += fetched.length;
    for (const message of fetched) message.ack();
  }

  /**
   * Refusals into the store's counts (`directory_status`). Counted before the round is acked, and a failure to
   * count only logged: a refused event is never worth holding the stream back for.
   */
  async #countRejected(refused: readonly DirectoryEventError[]): Promise<void> {
    if (refused.length === 0 || this.applier.countRejected === undefined) return;
    try {
      await this.applier.countRejected('nats', refused.map(rejectionReason));
    } catch (error) {
      this.log({
        level: 'error',
        message: 'directory from NATS: could not count rejected events',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** The checked events of one message; refused ones counted, logged and added to `refused`. */
  #eventsOf(message: JsMsg, refused: DirectoryEventError[]): DirectoryEvent[] {
    let received;
    try {
      received = receiveHttpMessage(headersOf(message), message.string(), {
        maxBatch: MAX_EVENTS_PER_MESSAGE,
      }).events;
    } catch (error) {
      if (!(error instanceof DirectoryEventError)) throw error;
      this.#reject(message, error);
      refused.push(error);
      return [];
    }
    const events: DirectoryEvent[] = [];
    for (const item of received) {
      if (item.ok) events.push(item.event);
      else {
        this.#reject(message, item.error);
        refused.push(item.error);
      }
    }
    return events;
  }

  #reject(message: JsMsg, error: DirectoryEventError): void {
    this.#stats.rejected += 1;
    this.#stats.lastError = error.message;
    this.log({
      level: 'warn',
      message: `directory event rejected (NATS ${message.subject} #${message.info.streamSequence}): ${error.message}`,
    });
  }
}
