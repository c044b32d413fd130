/**
 * The NATS JetStream sink: every document is published to the stream with `Nats-Msg-Id` = `<pipeline>:<key>`, a
 * batch concurrently within a bounded window of publishes in flight, and the batch counts as durable only once
 * every publish ack arrived. A batch published again after a crash between publish and checkpoint is dropped by
 * the server as duplicates within the stream's duplicate window: exactly-once within that window (decision 0051).
 */
import { headers, type NatsConnection } from '@nats-io/transport-node';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
} from '@nats-io/jetstream';
import type { PipelineLogger } from '../../runner.ts';
import type {
  MappedDocument,
  RejectedDocument,
  Sink,
  SinkBatch,
  SinkPosition,
  SinkWriteResult,
} from '../../types.ts';
import { connectNats, type NatsConnectionSettings } from '../../nats/connection.ts';
import { NatsOperationError, NatsStreamSetupError } from '../../nats/errors.ts';
import { eventTypeToken, subjectCovers } from '../../nats/subjects.ts';

export interface NatsSinkOptions {
  readonly connection: NatsConnectionSettings;
  readonly stream: string;
  readonly subject: string;
  /** Publish to `<subject>.<event type>` instead of `<subject>`. */
  readonly subjectPerEventType?: boolean;
  /** Create the stream when it is missing (default true); otherwise only check it. */
  readonly createStream?: boolean;
  /** The duplicate window of a stream the sink creates. Default 120 s (the server's default). */
  readonly duplicateWindowSeconds?: number;
  /** Publishes in flight at once. Default 256. */
  readonly maxInFlight?: number;
  /** How long to wait for one publish ack. Default 10 s. */
  readonly ackTimeoutMs?: number;
  /** The pipeline's name: prefixes every message id, so two pipelines into one stream do not collide. */
  readonly pipeline: string;
  readonly logger?: PipelineLogger;
}

/** `{ stream, sequence }`: the stream sequence of the last acknowledged message of the last batch. */
export interface NatsPosition {
  readonly stream: string;
  readonly sequence: number;
}

const DEFAULT_DUPLICATE_WINDOW_SECONDS = 120;
const DEFAULT_MAX_IN_FLIGHT = 256;
const DEFAULT_ACK_TIMEOUT_MS = 10_000;
/** JetStream's error code for a message larger than the stream takes (`max_msg_size`). */
const MESSAGE_TOO_LARGE = 10054;

function sequenceOf(committed: SinkPosition | undefined): number {
  if (typeof committed !== 'object' || committed === null || Array.isArray(committed)) return 0;
  const sequence = (committed as { sequence?: unknown }).sequence;
  return typeof sequence === 'number' && Number.isInteger(sequence) && sequence >= 0 ? sequence : 0;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A refusal that repeating cannot change: the message is too large for the server or the stream. */
function refusedForGood(error: unknown): boolean {
  if (error instanceof JetStreamApiError) return error.code === MESSAGE_TOO_LARGE;
  return /max(imum)?[ _]payload/i.test(reasonOf(error));
}

export class NatsSink implements Sink {
  readonly type = 'nats';
  readonly #options: NatsSinkOptions;
  readonly #encoder = new TextEncoder();
  #connection: NatsConnection | undefined;
  #js: JetStreamClient | undefined;
  #sequence = 0;

  constructor(options: NatsSinkOptions) {
    this.#options = options;
  }

  /** The subjects the sink publishes to, as stream filters: `<subject>` or `<subject>.*`. */
  get subjects(): readonly string[] {
    const { subject } = this.#options;
    return this.#options.subjectPerEventType === true ? [`${subject}.*`] : [subject];
  }

  /**
   * Connects (again, after a failure) and makes sure the stream exists and takes the sink's subjects. Nothing is
   * undone: a batch published after the committed position is published again and dropped as duplicates.
   */
  async open(committed: SinkPosition | undefined, _signal?: AbortSignal): Promise<void> {
    this.#sequence = sequenceOf(committed);
    if (this.#connection === undefined || this.#connection.isClosed()) {
      this.#connection = await connectNats(this.#options.connection, `kconnect-${this.#options.pipeline}`);
      this.#js = jetstream(this.#connection);
    }
    await this.#ensureStream(
      await jetstreamManager(this.#connection).catch((error: unknown) => {
        throw new NatsOperationError(this.#options.stream, 'JetStream', reasonOf(error), {
          retryable: true,
          cause: error,
        });
      }),
    );
  }

  async #ensureStream(jsm: JetStreamManager): Promise<void> {
    const { stream } = this.#options;
    const subjects = this.subjects;
    let existing: readonly string[];
    try {
      existing = (await jsm.streams.info(stream)).config.subjects ?? [];
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound))
        throw new NatsOperationError(stream, 'stream info', reasonOf(error), {
          retryable: true,
          cause: error,
        });
      if (this.#options.createStream === false)
        throw new NatsStreamSetupError(
          stream,
          subjects,
          'the stream does not exist and createStream is false',
        );
      const windowSeconds = this.#options.duplicateWindowSeconds ?? DEFAULT_DUPLICATE_WINDOW_SECONDS;
      try {
        await jsm.streams.add({
          name: stream,
          subjects: [...subjects],
          duplicate_window: windowSeconds * 1_000_000_000,
        });
        this.#options.logger?.info(
          { stream, subjects, duplicateWindowSeconds: windowSeconds },
          'nats: stream created',
        );
        return;
      } catch (addError) {
        throw new NatsOperationError(stream, 'stream create', reasonOf(addError), {
          retryable: !(addError instanceof JetStreamApiError),
          code: addError instanceof JetStreamApiError ? 'CONFLICT' : 'UPSTREAM_UNAVAILABLE',
          cause: addError,
        });
      }
    }
    const uncovered = subjects.filter(
      (subject) => !existing.some((filter) => subjectCovers(filter, subject)),
    );
    if (uncovered.length > 0)
      throw new NatsStreamSetupError(
        stream,
        subjects,
        `the stream's subjects (${existing.join(', ') || 'none'}) do not take ${uncovered.join(', ')}`,
      );
  }

  #subjectOf(document: MappedDocument): string {
    const { subject } = this.#options;
    return this.#options.subjectPerEventType === true ? `${subject}.${eventTypeToken(document)}` : subject;
  }

  async #publish(js: JetStreamClient, batch: SinkBatch, index: number): Promise<PubAck> {
    const document = batch.documents[index] as MappedDocument;
    const key = batch.keys[index] as string;
    const id = `${this.#options.pipeline}:${key}`;
    const header = headers();
    header.set('Kconnect-Key', key);
    return js.publish(this.#subjectOf(document), this.#encoder.encode(JSON.stringify(document)), {
      msgID: id,
      headers: header,
      expect: { streamName: this.#options.stream },
      timeout: this.#options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS,
    });
  }

  /**
   * Publishes the batch with at most `maxInFlight` acks outstanding and resolves once every ack arrived (a
   * `duplicate` ack counts: the stream already holds that message). A message the server refuses for good (too
   * large) is returned as rejected; any other failure fails the whole batch, which the runner publishes again.
   */
  async write(batch: SinkBatch, signal?: AbortSignal): Promise<SinkWriteResult> {
    const js = this.#js;
    if (js === undefined) throw new Error('NatsSink.write before open');
    const stream = this.#options.stream;
    const rejected: RejectedDocument[] = [];
    let failure: unknown;
    let highest = this.#sequence;
    let next = 0;
    const worker = async () => {
      // A stop whose deadline passed publishes nothing more: the batch stays uncommitted, and what was already
      // published is dropped as duplicates when the next run publishes it again.
      while (failure === undefined && signal?.aborted !== true && next < batch.documents.length) {
        const index = next;
        next += 1;
        try {
          const ack = await this.#publish(js, batch, index);
          if (ack.stream !== stream) {
            failure = new NatsOperationError(stream, 'publish', `the ack came from stream ${ack.stream}`, {
              retryable: false,
              code: 'CONFLICT',
            });
          } else if (ack.seq > highest) highest = ack.seq;
        } catch (error) {
          if (refusedForGood(error)) rejected.push({ index, reason: reasonOf(error) });
          else failure ??= error;
        }
      }
    };
    const width = Math.max(
      1,
      Math.min(this.#options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, batch.documents.length),
    );
    await Promise.all(Array.from({ length: width }, worker));
    if (signal?.aborted === true) throw signal.reason;
    if (failure !== undefined) {
      if (failure instanceof NatsOperationError) throw failure;
      throw new NatsOperationError(stream, 'publish', reasonOf(failure), { retryable: true, cause: failure });
    }
    this.#sequence = highest;
    const position: NatsPosition = { stream, sequence: highest };
    rejected.sort((a, b) => a.index - b.index);
    return rejected.length === 0 ? { position: { ...position } } : { position: { ...position }, rejected };
  }

  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#js = undefined;
    if (connection !== undefined && !connection.isClosed()) await connection.close();
  }
}
