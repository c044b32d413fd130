import { addWords, finishChecksum, internetChecksum } from './checksum.ts';

/** TCP header flags. */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_VLAN = 0x8100;
const IP_PROTOCOL_TCP = 6;
const IPV4_HEADER_LENGTH = 20;
const TCP_HEADER_LENGTH = 20;
/** Ethernet's minimum frame without the FCS: shorter frames carry zero padding on the wire, so captures do too. */
const MIN_ETHERNET_FRAME = 60;

/** One side of the conversation as the frames need it. */
export interface FrameEndpoint {
  readonly mac: Uint8Array;
  readonly ip: Uint8Array;
  readonly port: number;
}

export interface TcpSegment {
  readonly from: FrameEndpoint;
  readonly to: FrameEndpoint;
  readonly vlanId: number | null;
  /** The IPv4 identification field (each sender counts its own). */
  readonly ipId: number;
  readonly ttl: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  /** TCP options, already padded to a multiple of 4 bytes. */
  readonly options: Uint8Array;
  readonly payload: Uint8Array;
}

/** An Ethernet II frame (802.1Q-tagged when `vlanId` is set) carrying one IPv4/TCP segment, checksums filled. */
export function tcpFrame(segment: TcpSegment): Uint8Array {
  const linkLength = segment.vlanId === null ? 14 : 18;
  const tcpLength = TCP_HEADER_LENGTH + segment.options.length + segment.payload.length;
  const ipLength = IPV4_HEADER_LENGTH + tcpLength;
  const frame = new Uint8Array(Math.max(MIN_ETHERNET_FRAME, linkLength + ipLength));
  const view = new DataView(frame.buffer);

  frame.set(segment.to.mac, 0);
  frame.set(segment.from.mac, 6);
  if (segment.vlanId === null) {
    view.setUint16(12, ETHERTYPE_IPV4);
  } else {
    view.setUint16(12, ETHERTYPE_VLAN);
    // Tag control information: priority 0, drop-eligible 0, the 12-bit VLAN id.
    view.setUint16(14, segment.vlanId & 0x0fff);
    view.setUint16(16, ETHERTYPE_IPV4);
  }

  const ip = linkLength;
  frame[ip] = 0x45; // version 4, header of 5 words
  frame[ip + 1] = 0; // DSCP/ECN
  view.setUint16(ip + 2, ipLength);
  view.setUint16(ip + 4, segment.ipId & 0xffff);
  view.setUint16(ip + 6, 0x4000); // don't fragment: TCP finds its path MTU
  frame[ip + 8] = segment.ttl;
  frame[ip + 9] = IP_PROTOCOL_TCP;
  frame.set(segment.from.ip, ip + 12);
  frame.set(segment.to.ip, ip + 16);
  view.setUint16(ip + 10, internetChecksum(frame, ip, ip + IPV4_HEADER_LENGTH));

  const tcp = ip + IPV4_HEADER_LENGTH;
  view.setUint16(tcp, segment.from.port);
  view.setUint16(tcp + 2, segment.to.port);
  view.setUint32(tcp + 4, segment.seq >>> 0);
  view.setUint32(tcp + 8, segment.ack >>> 0);
  frame[tcp + 12] = ((TCP_HEADER_LENGTH + segment.options.length) / 4) << 4;
  frame[tcp + 13] = segment.flags;
  view.setUint16(tcp + 14, segment.window);
  view.setUint16(tcp + 18, 0); // urgent pointer
  frame.set(segment.options, tcp + TCP_HEADER_LENGTH);
  frame.set(segment.payload, tcp + TCP_HEADER_LENGTH + segment.options.length);

  // The pseudo-header: source and destination address, zero, protocol, TCP length.
  let sum = addWords(0, frame, ip + 12, ip + 20);
  sum += IP_PROTOCOL_TCP + tcpLength;
  sum = addWords(sum, frame, tcp, tcp + tcpLength);
  view.setUint16(tcp + 16, finishChecksum(sum));
  return frame;
}
