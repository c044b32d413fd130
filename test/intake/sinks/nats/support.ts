/** Reading a JetStream stream back in tests: every message's id, key and document, in stream order. */
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

export interface StoredMessage {
  readonly sequence: number;
  readonly subject: string;
  readonly id: string | undefined;
  readonly document: Record<string, unknown>;
}

export async function streamMessages(url: string, stream: string): Promise<StoredMessage[]> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream);
    const out: StoredMessage[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
      const message = await jsm.streams.getMessage(stream, { seq });
      if (message === null) continue;
      out.push({
        sequence: message.seq,
        subject: message.subject,
        id: message.header.get('Nats-Msg-Id') || undefined,
        document: message.json<Record<string, unknown>>(),
      });
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** How many messages the stream holds, as the server counts them. */
export async function streamCount(url: string, stream: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}

/** Counts of each value: a ledger's duplicates are the values counted more than once. */
export function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
