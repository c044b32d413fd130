/**
 * The `nats` block of a `directory:` configuration section and what it resolves to. Apart from the consumer
 * (`./consumer.ts`) so that loading the configuration, which every CLI call does, loads neither the NATS client nor
 * the CloudEvents receiver (decision 0073).
 */
import { z } from 'zod';
import { jetStreamConsumerFields } from '../../intake/nats/consumer-fields.ts';
import { natsConnectionFields, type NatsConnectionSettings } from '../../intake/nats/connection.ts';

/** The `nats` block of a `directory:` configuration section, before its connection is resolved. */
export const directoryNatsOptions = z.strictObject({
  ...natsConnectionFields,
  ...jetStreamConsumerFields({
    stream: 'The JetStream stream that holds the directory events',
    defaultConsumer: 'kconnect-directory',
  }),
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
