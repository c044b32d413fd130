/**
 * The `nats` source: a JetStream stream read through a durable pull consumer, so events fetched once from KSC or
 * KICS (and published by a `nats` sink) can feed several downstream pipelines.
 *
 * The checkpoint's cursor — the stream sequence of the last delivered message — is the truth, not the consumer's
 * acks (decision 0051). The runner calls `next` with a cursor only after committing it, so `next` acks everything
 * up to that cursor (ack policy `all`); and whenever the consumer's position and the cursor disagree (the first
 * read of a run, a crash after a fetch, a reset) the consumer is made again to deliver from cursor + 1. A message
 * fetched but never committed is therefore delivered again, and one committed is never delivered twice.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type * as JetStreamModule from '@nats-io/jetstream';
import type { ConsumerConfig, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { z } from 'zod';
import type { PlainJson } from '../../commands/core/types.ts';
import { FieldError } from '../../errors.ts';
import {
  connectNats,
  natsConnectionFields,
  resolveNatsConnection,
  type NatsConnectionSettings,
} from '../nats/connection.ts';
import { jetStreamConsumerFields } from '../nats/consumer-fields.ts';
import { NatsOperationError } from '../nats/errors.ts';
import type { ResetTarget } from '../reset.ts';
import type { IntakeRecord, PlainObject, Source, SourceBatch } from '../types.ts';
import { SourceCursorError } from './errors.ts';

export const natsSourceOptions = z.strictObject({
  type: z.literal('nats'),
  ...natsConnectionFields,
  ...jetStreamConsumerFields({
    stream: 'The JetStream stream to read',
    defaultConsumer: 'kconnect-<pipeline>',
  }),
  start: z
    .enum(['start', 'end'])
    .optional()
    .describe(
      'Where to begin without a checkpoint: start (the oldest message) or end (only new; the default)',
    ),
});
export type NatsSourceOptions = z.output<typeof natsSourceOptions>;

/** `{ stream, sequence }`: the stream sequence of the last message delivered (0: none yet). */
interface NatsCursor {
  readonly stream: string;
  readonly sequence: number;
}

/** The durable's default name: the pipeline's, with what consumer names cannot hold replaced. */
export function defaultConsumerName(pipeline: string): string {
  return `kconnect-${pipeline.replace(/[\s.*>/\\]/g, '_')}`;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const DECODER = new TextDecoder();

/** The message as a JSON object; anything else kept whole under `payload` so nothing is dropped. */
function dataOf(message: JsMsg): PlainObject {
  const text = DECODER.decode(message.data);
  try {
    const value = JSON.parse(text) as PlainJson;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
    return { subject: message.subject, payload: value };
  } catch {
    return { subject: message.subject, payload: text };
  }
}

type JetStreamApi = typeof JetStreamModule;

export class NatsSource implements Source {
  readonly type = 'nats' as const;
  readonly #options: NatsSourceOptions;
  readonly #settings: NatsConnectionSettings;
  readonly #consumer: string;
  #connection: NatsConnection | undefined;
  #jsm: JetStreamManager | undefined;
  /**
   * The JetStream client, loaded by the first read: the configuration names this module for every CLI call, and
   * only a run of a nats pipeline needs the client (decision 0073).
   */
  #api: JetStreamApi | undefined;
  /** The sequence the consumer has delivered up to, as far as this run knows; undefined: not positioned yet. */
  #positioned: number | undefined;
  /** The last message of the previous batch: acked (with all before it) once its cursor comes back committed. */
  #unacked: JsMsg | undefined;

  constructor(
    options: NatsSourceOptions,
    deps: { readonly pipeline: string; readonly env?: Readonly<Record<string, string | undefined>> },
  ) {
    this.#options = options;
    this.#settings = resolveNatsConnection(options, {
      field: 'source',
      base: process.cwd(),
      env: deps.env ?? process.env,
    });
    this.#consumer = options.consumer ?? defaultConsumerName(deps.pipeline);
  }

  get consumerName(): string {
    return this.#consumer;
  }

  /** The JetStream client; only ever called after `#manager` loaded it. */
  #jetStream(): JetStreamApi {
    if (this.#api === undefined) throw new Error('NatsSource: JetStream used before #manager()');
    return this.#api;
  }

  async #manager(): Promise<JetStreamManager> {
    this.#api ??= await import('@nats-io/jetstream');
    if (this.#connection === undefined || this.#connection.isClosed()) {
      this.#connection = await connectNats(this.#settings, this.#consumer);
      this.#jsm = undefined;
      this.#positioned = undefined;
    }
    if (this.#jsm === undefined) {
      try {
        this.#jsm = await this.#api.jetstreamManager(this.#connection);
      } catch (error) {
        throw this.#failure('JetStream', error);
      }
    }
    return this.#jsm;
  }

  #failure(operation: string, error: unknown): NatsOperationError {
    const api = this.#api;
    const missing =
      api !== undefined &&
      error instanceof api.JetStreamApiError &&
      error.code === api.JetStreamApiCodes.StreamNotFound;
    return new NatsOperationError(this.#options.stream, operation, reasonOf(error), {
      retryable: !missing,
      code: missing ? 'NOT_FOUND' : 'UPSTREAM_UNAVAILABLE',
      cause: error,
    });
  }

  #cursorOf(cursor: PlainJson): NatsCursor {
    if (typeof cursor !== 'object' || cursor === null || Array.isArray(cursor))
      throw new SourceCursorError('nats', 'expected { stream, sequence }');
    const { stream, sequence } = cursor as { stream?: unknown; sequence?: unknown };
    if (typeof sequence !== 'number' || !Number.isInteger(sequence) || sequence < 0)
      throw new SourceCursorError('nats', 'the sequence is not a whole number');
    if (stream !== this.#options.stream)
      throw new SourceCursorError(
        'nats',
        `the cursor is for stream ${String(stream)}, the source reads ${this.#options.stream}`,
      );
    return { stream, sequence };
  }

  async #lastSequence(jsm: JetStreamManager): Promise<number> {
    try {
      return (await jsm.streams.info(this.#options.stream)).state.last_seq;
    } catch (error) {
      throw this.#failure('stream info', error);
    }
  }

  /** Makes the durable consumer again so that it delivers from `after + 1`. */
  async #position(jsm: JetStreamManager, after: number): Promise<void> {
    const { stream, subject } = this.#options;
    const { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError } = this.#jetStream();
    try {
      await jsm.consumers.delete(stream, this.#consumer);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound))
        throw this.#failure('consumer delete', error);
    }
    const config: Partial<ConsumerConfig> = {
      durable_name: this.#consumer,
      ack_policy: AckPolicy.All,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: after + 1,
      // Acks trail the checkpoint by one batch; a slow sink must not make the server deliver again meanwhile.
      ack_wait: 600 * 1_000_000_000,
      max_ack_pending: -1,
      ...(subject === undefined ? {} : { filter_subject: subject }),
    };
    try {
      await jsm.consumers.add(stream, config);
    } catch (error) {
      throw this.#failure('consumer create', error);
    }
    this.#positioned = after;
    this.#unacked = undefined;
  }

  async next(cursor: PlainJson | undefined, limit: number, _signal?: AbortSignal): Promise<SourceBatch> {
    const jsm = await this.#manager();
    const stream = this.#options.stream;
    const after =
      cursor === undefined || cursor === null
        ? this.#options.start === 'start'
          ? 0
          : await this.#lastSequence(jsm)
        : this.#cursorOf(cursor).sequence;
    if (this.#positioned !== after) await this.#position(jsm, after);
    else if (this.#unacked !== undefined) {
      // `after` came back from the runner, so the batch that ended there is committed.
      this.#unacked.ack();
      this.#unacked = undefined;
    }
    const consumer = await this.#jetStream()
      .jetstream(this.#connection as NatsConnection)
      .consumers.get(stream, this.#consumer)
      .catch((error: unknown) => {
        throw this.#failure('consumer', error);
      });
    let pending: number;
    try {
      pending = (await consumer.info()).num_pending;
    } catch (error) {
      this.#positioned = undefined;
      throw this.#failure('consumer info', error);
    }
    if (pending === 0)
      return { records: [], cursor: { stream, sequence: after }, atHead: true, behind: { records: 0 } };
    const records: IntakeRecord[] = [];
    let last: JsMsg | undefined;
    let sequence = after;
    try {
      const messages = await consumer.fetch({ max_messages: Math.min(limit, pending), expires: 5_000 });
      for await (const message of messages) {
        // A message delivered again (after ack_wait) is one this run has already handed on: skip it.
        if (message.info.streamSequence <= sequence) continue;
        sequence = message.info.streamSequence;
        last = message;
        records.push({
          kind: 'record',
          source: 'nats',
          key: message.headers?.get('Nats-Msg-Id') || `${stream}:${sequence}`,
          time: new Date(Math.floor(message.info.timestampNanos / 1_000_000)).toISOString(),
          data: dataOf(message),
        });
      }
    } catch (error) {
      // The consumer may have delivered part of a batch: position it again from the cursor on the next read.
      this.#positioned = undefined;
      throw this.#failure('fetch', error);
    }
    this.#positioned = sequence;
    this.#unacked = last ?? this.#unacked;
    const behind = last === undefined ? pending : last.info.pending;
    return {
      records,
      cursor: { stream, sequence },
      atHead: behind === 0,
      behind: { records: behind },
    };
  }

  /** `start`: before the oldest message; `end`: after the newest. A time is not offered. */
  async cursorAt(to: ResetTarget, _signal?: AbortSignal): Promise<PlainJson> {
    if (typeof to === 'object') throw new FieldError('to', 'a nats source moves to start or end, not a time');
    const stream = this.#options.stream;
    if (to === 'start') return { stream, sequence: 0 };
    return { stream, sequence: await this.#lastSequence(await this.#manager()) };
  }

  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#jsm = undefined;
    if (connection !== undefined && !connection.isClosed()) await connection.close();
  }
}
