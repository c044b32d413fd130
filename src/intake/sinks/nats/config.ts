/** The `nats` sink's part of `kconnect.yaml`: a JetStream stream and the subject to publish to. */
import { z } from 'zod';
import { ConfigError } from '../../../config/errors.ts';
import {
  natsConnectionFields,
  resolveNatsConnection,
  type NatsConnectionSettings,
} from '../../nats/connection.ts';
import type { SinkKind } from '../kind.ts';
import { lazySink } from '../lazy.ts';

/** A stream name: no whitespace, `.`, `*`, `>`, path separators. */
const STREAM_NAME = /^[^\s.*>/\\]{1,255}$/;
/** A subject to publish to: dot-separated tokens, no wildcards. */
const SUBJECT = /^[^\s.*>]+(\.[^\s.*>]+)*$/;

export const natsSinkConfigSchema = z.strictObject({
  type: z.literal('nats'),
  ...natsConnectionFields,
  stream: z
    .string()
    .regex(STREAM_NAME, 'a stream name has no spaces, dots, *, > or slashes')
    .describe('The JetStream stream that stores the events'),
  subject: z
    .string()
    .regex(SUBJECT, 'a subject is dot-separated tokens without spaces or wildcards')
    .describe('The subject to publish to (kconnect.ksc.events)'),
  subjectPerEventType: z
    .boolean()
    .optional()
    .describe(
      "Publish to <subject>.<event type> (the mapped document's event type, sanitised); default false",
    ),
  createStream: z
    .boolean()
    .optional()
    .describe('Create the stream when it is missing (default true); false: only check that it exists'),
  duplicateWindowSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .optional()
    .describe('The de-duplication window of a stream the sink creates (default 120): exactly-once within it'),
  maxInFlight: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .describe('Publishes awaiting their ack at once (default 256)'),
  ackTimeoutSeconds: z
    .number()
    .min(0.1)
    .max(600)
    .optional()
    .describe('How long to wait for one publish ack before the batch is retried (default 10)'),
});
export type NatsSinkConfig = z.output<typeof natsSinkConfigSchema>;

/** What a run needs: the connection resolved (secrets as `Secret`s), the rest as written. */
export interface ResolvedNatsSinkConfig {
  readonly type: 'nats';
  readonly connection: NatsConnectionSettings;
  readonly stream: string;
  readonly subject: string;
  readonly subjectPerEventType: boolean;
  readonly createStream: boolean;
  readonly duplicateWindowSeconds?: number;
  readonly maxInFlight?: number;
  readonly ackTimeoutSeconds?: number;
}

/** NATS JetStream (`type: nats`). */
export const natsSinkKind: SinkKind<NatsSinkConfig, ResolvedNatsSinkConfig> = {
  type: 'nats',
  schema: natsSinkConfigSchema,
  resolve: (config, context) => {
    if (config.createStream === false && config.duplicateWindowSeconds !== undefined)
      throw new ConfigError(
        `${context.field}.duplicateWindowSeconds`,
        'applies only to a stream the sink creates (createStream: true)',
      );
    return {
      type: 'nats',
      connection: resolveNatsConnection(config, context),
      stream: config.stream,
      subject: config.subject,
      subjectPerEventType: config.subjectPerEventType ?? false,
      createStream: config.createStream ?? true,
      ...(config.duplicateWindowSeconds === undefined
        ? {}
        : { duplicateWindowSeconds: config.duplicateWindowSeconds }),
      ...(config.maxInFlight === undefined ? {} : { maxInFlight: config.maxInFlight }),
      ...(config.ackTimeoutSeconds === undefined ? {} : { ackTimeoutSeconds: config.ackTimeoutSeconds }),
    };
  },
  target: (config) =>
    `${config.connection.url} stream ${config.stream} subject ${config.subject}${config.subjectPerEventType ? '.<type>' : ''}`,
  // The implementation and the NATS client load when the run opens the sink (decision 0073).
  create: (config, deps) =>
    lazySink('nats', async () => {
      const { NatsSink } = await import('./sink.ts');
      return new NatsSink({
        connection: config.connection,
        stream: config.stream,
        subject: config.subject,
        subjectPerEventType: config.subjectPerEventType,
        createStream: config.createStream,
        pipeline: deps.pipeline,
        ...(config.duplicateWindowSeconds === undefined
          ? {}
          : { duplicateWindowSeconds: config.duplicateWindowSeconds }),
        ...(config.maxInFlight === undefined ? {} : { maxInFlight: config.maxInFlight }),
        ...(config.ackTimeoutSeconds === undefined
          ? {}
          : { ackTimeoutMs: Math.round(config.ackTimeoutSeconds * 1000) }),
        ...(deps.logger === undefined ? {} : { logger: deps.logger }),
      });
    }),
};
