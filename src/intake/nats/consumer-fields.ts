/**
 * The members of a configuration block that reads a JetStream stream through a durable consumer: the intake's
 * `nats` source and the directory's `nats` consumer say where the messages are the same way.
 */
import { z } from 'zod';

/** A consumer name: no whitespace, `.`, `*`, `>`, path separators (NATS refuses them in durable names). */
const CONSUMER_NAME = /^[^\s.*>/\\]{1,255}$/;

export function jetStreamConsumerFields(describe: {
  readonly stream: string;
  readonly defaultConsumer: string;
}) {
  return {
    stream: z.string().min(1).describe(describe.stream),
    subject: z
      .string()
      .min(1)
      .optional()
      .describe('Only messages on this subject (wildcards allowed); default every message of the stream'),
    consumer: z
      .string()
      .regex(CONSUMER_NAME, 'a consumer name has no spaces, dots, *, > or slashes')
      .optional()
      .describe(`The durable consumer’s name; default ${describe.defaultConsumer}`),
  };
}
