/**
 * The `nats` block of a `directory:` configuration section and what it resolves to. Apart from the consumer
 * (`./consumer.ts`) so that loading the configuration, which every CLI call does, loads neither the NATS client nor
 * the CloudEvents receiver (decision 0073).
 */
import { z } from 'zod';
import { natsConnectionFields, type NatsConnectionSettings } from '../../intake/nats/connection.ts';

/** A consumer name: no whitespace, `.`, `*`, `>`, path separators (as the intake's `nats` source). */
const CONSUMER_NAME = /^[^\s.*>/\\]{1,255}$/;

/** The `nats` block of a `directory:` configuration section, before its connection is resolved. */
export const directoryNatsOptions = z.strictObject({
  ...natsConnectionFields,
  stream: z.string().min(1).describe('The JetStream stream that holds the directory events'),
  subject: z
    .string()
    .min(1)
    .optional()
    .describe('Only messages on this subject (wildcards allowed); default every message of the stream'),
  consumer: z
    .string()
    .regex(CONSUMER_NAME, 'a consumer name has no spaces, dots, *, > or slashes')
    .optional()
    .describe('The durable consumer’s name; default kconnect-directory'),
});
export type DirectoryNatsOptions = z.output<typeof directoryNatsOptions>;

/** What the service needs to consume: the resolved connection, and where the events are. */
export interface DirectoryNatsSettings {
  readonly connection: NatsConnectionSettings;
  readonly stream: string;
  readonly subject?: string | undefined;
  readonly consumer?: string | undefined;
}

export const DEFAULT_DIRECTORY_CONSUMER = 'kconnect-directory';
