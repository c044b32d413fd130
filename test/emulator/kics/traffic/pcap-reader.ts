/**
 * An independent reader of the captures under test: it parses the pcap file, the Ethernet, 802.1Q, IPv4 and
 * TCP headers and recomputes both checksums its own way (a plain sum of words folded once at the end), so the
 * tests do not trust the writer's own checksum code. It also splits each direction's reassembled byte stream
 * into the protocol's messages by their own length fields.
 */
import type { CaptureProtocol } from '../../../../src/emulator/kics/traffic/recipe.ts';

export interface Packet {
  readonly timeMicros: number;
  readonly vlanId: number | null;
  readonly srcMac: string;
  readonly dstMac: string;
  readonly srcIp: string;
  readonly dstIp: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly payload: Buffer;
  readonly ipChecksumOk: boolean;
  readonly tcpChecksumOk: boolean;
}

export interface PcapFile {
  readonly magic: number;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snaplen: number;
  readonly linkType: number;
  readonly packets: Packet[];
}

/** Ones' complement sum of big-endian 16-bit words, folded at the end; 0xffff when the data includes its checksum. */
export function onesComplementSum(parts: readonly Buffer[]): number {
  const data = Buffer.concat(
    parts.map((part) => (part.length % 2 === 0 ? part : Buffer.concat([part, Buffer.of(0)]))),
  );
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) sum += data.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.trunc(sum / 0x10000);
  return sum;
}

const mac = (bytes: Buffer): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
const ip = (bytes: Buffer): string => [...bytes].join('.');

export function readPcap(file: Buffer): PcapFile {
  const packets: Packet[] = [];
  let at = 24;
  while (at < file.length) {
    const seconds = file.readUInt32LE(at);
    const micros = file.readUInt32LE(at + 4);
    const included = file.readUInt32LE(at + 8);
    const original = file.readUInt32LE(at + 12);
    if (included !== original) throw new Error(`packet at ${at} was cut: ${included} of ${original} bytes`);
    const frame = file.subarray(at + 16, at + 16 + included);
    if (frame.length !== included) throw new Error(`packet at ${at} runs past the end of the file`);
    packets.push(readFrame(frame, seconds * 1_000_000 + micros));
    at += 16 + included;
  }
  return {
    magic: file.readUInt32LE(0),
    versionMajor: file.readUInt16LE(4),
    versionMinor: file.readUInt16LE(6),
    snaplen: file.readUInt32LE(16),
    linkType: file.readUInt32LE(20),
    packets,
  };
}

function readFrame(frame: Buffer, timeMicros: number): Packet {
  let etherType = frame.readUInt16BE(12);
  let ipAt = 14;
  let vlanId: number | null = null;
  if (etherType === 0x8100) {
    vlanId = frame.readUInt16BE(14) & 0x0fff;
    etherType = frame.readUInt16BE(16);
    ipAt = 18;
  }
  if (etherType !== 0x0800) throw new Error(`not IPv4: 0x${etherType.toString(16)}`);
  const headerLength = (frame[ipAt]! & 0x0f) * 4;
  const totalLength = frame.readUInt16BE(ipAt + 2);
  if (frame[ipAt + 9] !== 6) throw new Error('not TCP');
  const ipHeader = frame.subarray(ipAt, ipAt + headerLength);
  const tcpAt = ipAt + headerLength;
  const tcpSegment = frame.subarray(tcpAt, ipAt + totalLength);
  const pseudo = Buffer.alloc(12);
  frame.copy(pseudo, 0, ipAt + 12, ipAt + 20);
  pseudo[9] = 6;
  pseudo.writeUInt16BE(tcpSegment.length, 10);
  const dataOffset = (tcpSegment[12]! >> 4) * 4;
  return {
    timeMicros,
    vlanId,
    dstMac: mac(frame.subarray(0, 6)),
    srcMac: mac(frame.subarray(6, 12)),
    srcIp: ip(frame.subarray(ipAt + 12, ipAt + 16)),
    dstIp: ip(frame.subarray(ipAt + 16, ipAt + 20)),
    srcPort: tcpSegment.readUInt16BE(0),
    dstPort: tcpSegment.readUInt16BE(2),
    seq: tcpSegment.readUInt32BE(4),
    ack: tcpSegment.readUInt32BE(8),
    flags: tcpSegment[13]!,
    payload: Buffer.from(tcpSegment.subarray(dataOffset)),
    ipChecksumOk: onesComplementSum([ipHeader]) === 0xffff,
    tcpChecksumOk: onesComplementSum([pseudo, tcpSegment]) === 0xffff,
  };
}

/** DNP3's CRC computed bit by bit (polynomial 0x3D65, reflected as 0xA6BC, complemented). */
export function dnp3CrcBitwise(data: Buffer): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa6bc : crc >>> 1;
  }
  return ~crc & 0xffff;
}

/** The length of the message that starts `stream`, read from the protocol's own framing. */
function messageLength(protocol: CaptureProtocol, stream: Buffer): number {
  switch (protocol) {
    case 'ModbusTcp':
      return 6 + stream.readUInt16BE(4);
    case 'S7comm':
      if (stream[0] !== 3) throw new Error('TPKT version is not 3');
      return stream.readUInt16BE(2);
    case 'Iec104':
      if (stream[0] !== 0x68) throw new Error('APDU does not start with 0x68');
      return 2 + stream[1]!;
    case 'OpcUa':
      return stream.readUInt32LE(4);
    case 'Dnp3': {
      if (stream[0] !== 0x05 || stream[1] !== 0x64) throw new Error('DNP3 frame does not start with 05 64');
      const userData = stream[2]! - 5;
      return 10 + userData + 2 * Math.ceil(userData / 16);
    }
    case 'EtherNetIp':
      return 24 + stream.readUInt16LE(2);
  }
}

/** `stream` cut into whole messages; throws when the last one is incomplete. */
export function splitMessages(protocol: CaptureProtocol, stream: Buffer): Buffer[] {
  const messages: Buffer[] = [];
  let at = 0;
  while (at < stream.length) {
    const length = messageLength(protocol, stream.subarray(at));
    if (length <= 0 || at + length > stream.length)
      throw new Error(`message at ${at} claims ${length} bytes`);
    messages.push(stream.subarray(at, at + length));
    at += length;
  }
  return messages;
}

/** DNP3 user data without the link header and the block CRCs, after checking every CRC. */
export function dnp3UserData(frame: Buffer): Buffer {
  if (dnp3CrcBitwise(frame.subarray(0, 8)) !== frame.readUInt16LE(8)) throw new Error('bad DNP3 header CRC');
  const blocks: Buffer[] = [];
  for (let at = 10; at < frame.length;) {
    const size = Math.min(16, frame.length - at - 2);
    const block = frame.subarray(at, at + size);
    if (dnp3CrcBitwise(block) !== frame.readUInt16LE(at + size))
      throw new Error(`bad DNP3 block CRC at ${at}`);
    blocks.push(block);
    at += size + 2;
  }
  return Buffer.concat(blocks);
}
