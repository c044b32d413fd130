import type { Random } from '../../core/random.ts';
import { tcpFrame, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, type FrameEndpoint } from './frame.ts';
import type { CapturedFrame } from './pcap.ts';
import type { ProtocolMessage, Sender } from './protocols/dialogue.ts';

/** Both sides advertise Ethernet's MSS; larger messages go out as several segments. */
const MSS = 1460;
/** SYN options: MSS 1460, two NOPs, SACK permitted — what a Windows client or a Linux-based HMI sends. */
const CLIENT_SYN_OPTIONS = Uint8Array.of(0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02);
/** SYN/ACK options: MSS only, as small embedded stacks of PLCs answer. */
const SERVER_SYN_OPTIONS = Uint8Array.of(0x02, 0x04, 0x05, 0xb4);
const NO_OPTIONS = new Uint8Array(0);

export interface ConversationInput {
  readonly client: FrameEndpoint;
  readonly server: FrameEndpoint;
  readonly vlanId: number | null;
  /** Time of the first packet, epoch ms. */
  readonly startTime: number;
  readonly messages: readonly ProtocolMessage[];
  readonly rng: Random;
}

interface Side {
  readonly endpoint: FrameEndpoint;
  /** The next sequence number this side sends. */
  seq: number;
  ipId: number;
  readonly ttl: number;
  readonly window: number;
}

/**
 * One TCP connection carrying `messages`: the three-way handshake, each message as PSH/ACK segments, an ACK for
 * every message the peer does not answer at once (an answer carries the ACK itself), and a FIN close started by
 * the client. Times advance by a few hundred microseconds on the wire and a few milliseconds where a side
 * thinks (a PLC answering, an HMI polling again).
 */
export function tcpConversation(input: ConversationInput): CapturedFrame[] {
  const { rng } = input;
  const client: Side = {
    endpoint: input.client,
    seq: rng.nextUint32(),
    ipId: rng.int(0, 0xffff),
    ttl: 128,
    window: 64240,
  };
  const server: Side = {
    endpoint: input.server,
    seq: rng.nextUint32(),
    ipId: rng.int(0, 0xffff),
    ttl: 64,
    window: 8192,
  };
  const sides: Record<Sender, Side> = { client, server };
  const peerOf = (side: Side): Side => (side === client ? server : client);
  const frames: CapturedFrame[] = [];
  let time = Math.round(input.startTime * 1000);

  const send = (from: Side, flags: number, payload: Uint8Array, options = NO_OPTIONS): void => {
    const to = peerOf(from);
    const frame = tcpFrame({
      from: from.endpoint,
      to: to.endpoint,
      vlanId: input.vlanId,
      ipId: from.ipId,
      ttl: from.ttl,
      seq: from.seq,
      ack: flags & TCP_ACK ? to.seq : 0,
      flags,
      window: from.window,
      options,
      payload,
    });
    frames.push({ timeMicros: time, frame });
    from.ipId = (from.ipId + 1) & 0xffff;
    // SYN and FIN take one sequence number each.
    from.seq = (from.seq + payload.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0)) >>> 0;
  };
  const wire = (): number => rng.int(80, 400);
  const think = (): number => rng.int(800, 6000);

  send(client, TCP_SYN, NO_OPTIONS, CLIENT_SYN_OPTIONS);
  time += wire() * 2;
  send(server, TCP_SYN | TCP_ACK, NO_OPTIONS, SERVER_SYN_OPTIONS);
  time += wire() * 2;
  send(client, TCP_ACK, NO_OPTIONS);

  input.messages.forEach((message, index) => {
    const from = sides[message.from];
    const previous = input.messages[index - 1];
    time += previous === undefined || previous.from !== message.from ? think() : wire();
    for (let at = 0; at < message.payload.length; at += MSS) {
      const last = at + MSS >= message.payload.length;
      send(from, last ? TCP_PSH | TCP_ACK : TCP_ACK, message.payload.subarray(at, at + MSS));
      if (!last) time += rng.int(5, 40);
    }
    const next = input.messages[index + 1];
    if (next === undefined || next.from === message.from) {
      time += wire();
      send(peerOf(from), TCP_ACK, NO_OPTIONS);
    }
  });

  time += think();
  send(client, TCP_FIN | TCP_ACK, NO_OPTIONS);
  time += wire() * 2;
  send(server, TCP_FIN | TCP_ACK, NO_OPTIONS);
  time += wire() * 2;
  send(client, TCP_ACK, NO_OPTIONS);
  return frames;
}
