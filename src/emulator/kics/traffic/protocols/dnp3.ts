import { ByteWriter } from '../bytes.ts';
import { message, type ProtocolDialogue, type ProtocolMessage, type Sender } from './dialogue.ts';

/**
 * DNP3 over TCP (port 20000). A link-layer frame: start 0x05 0x64, length (control, addresses and user data,
 * without CRCs), control (direction, primary, function), destination and source (LE), a CRC over those 8 bytes;
 * then the user data in blocks of at most 16 bytes, each followed by its CRC. The user data is a transport
 * octet (FIN, FIR, sequence) and an application fragment: control (FIR, FIN, CON, UNS, sequence), function code
 * and, in responses, the internal indications (IIN); then object headers (group, variation, qualifier, range).
 */
const LINK_START = [0x05, 0x64] as const;
/** Primary frames carrying unconfirmed user data; the DIR bit marks the master's. */
const LINK_MASTER_DATA = 0xc4;
const LINK_OUTSTATION_DATA = 0x44;
const BLOCK_SIZE = 16;

const FC_READ = 0x01;
const FC_WRITE = 0x02;
const FC_DIRECT_OPERATE = 0x05;
const FC_COLD_RESTART = 0x0d;
const FC_RESPONSE = 0x81;

const QUALIFIER_START_STOP_8 = 0x00;
const QUALIFIER_ALL = 0x06;
const QUALIFIER_COUNT_8 = 0x07;
const QUALIFIER_INDEX_16_COUNT_16 = 0x28;
const FLAG_ONLINE = 0x01;
/** Control relay output block control codes. */
const LATCH_ON = 0x03;
const LATCH_OFF = 0x04;

/** The DNP3 CRC-16 (polynomial 0x3D65, reflected, inverted), sent low byte first. */
const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa6bc : crc >>> 1;
    table[i] = crc;
  }
  return table;
})();

export function dnp3Crc(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ (CRC_TABLE[(crc ^ (data[i] ?? 0)) & 0xff] ?? 0);
  return ~crc & 0xffff;
}

function linkFrame(control: number, destination: number, source: number, userData: Uint8Array): Uint8Array {
  const header = new ByteWriter(10)
    .bytes(LINK_START)
    .u8(5 + userData.length)
    .u8(control);
  header.u16le(destination).u16le(source);
  const headerBytes = header.toBytes();
  const frame = new ByteWriter(10 + userData.length + 2 * Math.ceil(userData.length / BLOCK_SIZE));
  frame.bytes(headerBytes).u16le(dnp3Crc(headerBytes));
  for (let at = 0; at < userData.length; at += BLOCK_SIZE) {
    const block = userData.subarray(at, at + BLOCK_SIZE);
    frame.bytes(block).u16le(dnp3Crc(block));
  }
  return frame.toBytes();
}

export const dnp3: ProtocolDialogue = {
  protocol: 'Dnp3',
  port: 20000,
  actions: ['read', 'write', 'command', 'restart'],
  messages({ action, exchanges, rng, startTime }) {
    const messages: ProtocolMessage[] = [];
    const master = rng.int(1, 100);
    const outstation = rng.int(1, 1000);
    const transportSequence: Record<Sender, number> = { client: rng.int(0, 63), server: rng.int(0, 63) };
    let applicationSequence = rng.int(0, 15);

    const send = (from: Sender, fragment: ByteWriter): void => {
      const transport = 0xc0 | transportSequence[from]; // FIN, FIR: each fragment fits one segment
      transportSequence[from] = (transportSequence[from] + 1) & 0x3f;
      const userData = new ByteWriter().u8(transport).bytes(fragment.toBytes()).toBytes();
      const frame =
        from === 'client'
          ? linkFrame(LINK_MASTER_DATA, outstation, master, userData)
          : linkFrame(LINK_OUTSTATION_DATA, master, outstation, userData);
      messages.push(message(from, frame));
    };
    const request = (fc: number) => new ByteWriter().u8(0xc0 | applicationSequence).u8(fc);
    /** A response: same application sequence as its request; IIN1.7 after a restart ("device restart"). */
    const response = (iin1 = 0x00) =>
      new ByteWriter()
        .u8(0xc0 | applicationSequence)
        .u8(FC_RESPONSE)
        .u8(iin1)
        .u8(0);

    for (let i = 0; i < exchanges; i++) {
      switch (action) {
        case 'write': {
          // Write the outstation's clock: g50v1 (absolute time, 48-bit ms since the epoch), one object.
          const ms = startTime + i * 10;
          const time = (w: ByteWriter) =>
            w
              .u8(50)
              .u8(1)
              .u8(QUALIFIER_COUNT_8)
              .u8(1)
              .u32le(ms % 2 ** 32)
              .u16le(Math.floor(ms / 2 ** 32));
          send('client', time(request(FC_WRITE)));
          send('server', response());
          break;
        }
        case 'command': {
          // g12v1 control relay output block, prefixed with a 16-bit index and counted with 16 bits.
          const index = rng.int(0, 31);
          const code = rng.chance(0.5) ? LATCH_ON : LATCH_OFF;
          const crob = (w: ByteWriter) =>
            w
              .u8(12)
              .u8(1)
              .u8(QUALIFIER_INDEX_16_COUNT_16)
              .u16le(1)
              .u16le(index)
              .u8(code)
              .u8(1)
              .u32le(100)
              .u32le(100)
              .u8(0);
          send('client', crob(request(FC_DIRECT_OPERATE)));
          send('server', crob(response()));
          break;
        }
        case 'restart': {
          send('client', request(FC_COLD_RESTART));
          // g52v2: the time (ms) the master should wait before talking again.
          send(
            'server',
            response(0x80)
              .u8(52)
              .u8(2)
              .u8(QUALIFIER_COUNT_8)
              .u8(1)
              .u16le(rng.int(2, 30) * 1000),
          );
          break;
        }
        default: {
          send('client', request(FC_READ).u8(60).u8(1).u8(QUALIFIER_ALL)); // class 0: all static data
          const answer = response();
          const binaries = rng.int(1, 8);
          answer
            .u8(1)
            .u8(2)
            .u8(QUALIFIER_START_STOP_8)
            .u8(0)
            .u8(binaries - 1); // g1v2: binary inputs with flags
          for (let b = 0; b < binaries; b++) answer.u8(FLAG_ONLINE | (rng.chance(0.5) ? 0x80 : 0));
          const analogs = rng.int(1, 8);
          answer
            .u8(30)
            .u8(1)
            .u8(QUALIFIER_START_STOP_8)
            .u8(0)
            .u8(analogs - 1); // g30v1: 32-bit analog inputs
          for (let a = 0; a < analogs; a++) answer.u8(FLAG_ONLINE).i32le(rng.int(-1000, 30000));
          send('server', answer);
        }
      }
      applicationSequence = (applicationSequence + 1) & 0x0f;
    }
    return messages;
  },
};
