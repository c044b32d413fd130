import { ByteWriter } from '../bytes.ts';
import { message, type ProtocolDialogue, type ProtocolMessage, type Sender } from './dialogue.ts';

/**
 * S7comm (port 102, ISO-on-TCP). Each message is a TPKT (version 3, total length) around a COTP TPDU. The
 * connection starts with a COTP connection request/confirm naming the TSAPs (rack and slot of the CPU), then an
 * S7 "setup communication" job negotiates the PDU size. S7 PDUs ride in COTP data TPDUs: a header (protocol id
 * 0x32, ROSCTR job/ack-data, a PDU reference the answer echoes, parameter and data lengths), the parameters
 * (function code first) and the data. All fields big-endian.
 */
const TPKT_VERSION = 3;
const COTP_CONNECTION_REQUEST = 0xe0;
const COTP_CONNECTION_CONFIRM = 0xd0;
const COTP_DATA = 0xf0;
const S7_PROTOCOL_ID = 0x32;
const ROSCTR_JOB = 0x01;
const ROSCTR_ACK_DATA = 0x03;

const SETUP_COMMUNICATION = 0xf0;
const READ_VAR = 0x04;
const WRITE_VAR = 0x05;
const REQUEST_DOWNLOAD = 0x1a;
const DOWNLOAD_BLOCK = 0x1b;
const DOWNLOAD_ENDED = 0x1c;
const PLC_STOP = 0x29;

const AREA_DATA_BLOCKS = 0x84;
const TRANSPORT_SIZE_BYTE = 0x02;
/** Data item transport size "byte/word/dword": its length field counts bits. */
const DATA_SIZE_BITS = 0x04;
const RETURN_SUCCESS = 0xff;
/** The PDU size the PLC grants in setup communication, and the code bytes per download block that fit it. */
const PLC_PDU_SIZE = 240;
const DOWNLOAD_PART = 200;

function tpkt(tpdu: Uint8Array): Uint8Array {
  return new ByteWriter(4 + tpdu.length)
    .u8(TPKT_VERSION)
    .u8(0)
    .u16be(4 + tpdu.length)
    .bytes(tpdu)
    .toBytes();
}

/** COTP connection request or confirm, class 0, with the TPDU size and both TSAPs. */
function cotpConnect(type: number, destinationRef: number, sourceRef: number, rack: number, slot: number) {
  const body = new ByteWriter()
    .u8(type)
    .u16be(destinationRef)
    .u16be(sourceRef)
    .u8(0x00) // class 0, no extended formats
    .u8(0xc0) // parameter: TPDU size
    .u8(1)
    .u8(0x0a) // 1024 bytes
    .u8(0xc1) // parameter: calling TSAP (a PG/PC connection, rack 0 slot 0)
    .u8(2)
    .u16be(0x0100)
    .u8(0xc2) // parameter: called TSAP (a PG connection to the CPU's rack and slot)
    .u8(2)
    .u16be(0x0100 | (rack << 5) | slot)
    .toBytes();
  // The length indicator counts the bytes after itself.
  return tpkt(new ByteWriter().u8(body.length).bytes(body).toBytes());
}

interface S7Pdu {
  readonly rosctr: number;
  readonly reference: number;
  readonly parameters: ByteWriter;
  readonly data?: ByteWriter;
}

function s7(pdu: S7Pdu): Uint8Array {
  const parameters = pdu.parameters.toBytes();
  const data = pdu.data?.toBytes() ?? new Uint8Array(0);
  const writer = new ByteWriter()
    .u8(2) // COTP data TPDU: length indicator
    .u8(COTP_DATA)
    .u8(0x80) // last data unit, TPDU number 0
    .u8(S7_PROTOCOL_ID)
    .u8(pdu.rosctr)
    .u16be(0) // redundancy identification
    .u16be(pdu.reference)
    .u16be(parameters.length)
    .u16be(data.length);
  if (pdu.rosctr === ROSCTR_ACK_DATA) writer.u8(0).u8(0); // error class and code: none
  return tpkt(writer.bytes(parameters).bytes(data).toBytes());
}

/** An S7ANY address item: `length` bytes of data block `db` from byte `start`. */
function anyItem(writer: ByteWriter, db: number, start: number, length: number): void {
  writer
    .u8(0x12) // variable specification
    .u8(0x0a) // length of the rest of the item
    .u8(0x10) // syntax id: S7ANY
    .u8(TRANSPORT_SIZE_BYTE)
    .u16be(length)
    .u16be(db)
    .u8(AREA_DATA_BLOCKS)
    .u24be(start * 8); // bit address
}

/** A block's file name as S7 names it: `_`, the block type (`0E` a function block…), 5 digits, `P` (passive). */
function blockFileName(type: string, number: number): string {
  return `_${type}${String(number).padStart(5, '0')}P`;
}

export const s7comm: ProtocolDialogue = {
  protocol: 'S7comm',
  port: 102,
  actions: ['read', 'write', 'stop', 'program-download'],
  messages({ action, exchanges, rng }) {
    const messages: ProtocolMessage[] = [];
    const send = (from: Sender, payload: Uint8Array): void => void messages.push(message(from, payload));
    let reference = rng.int(0x0100, 0x7000);
    /** A job and its ack-data, with the same PDU reference. */
    const job = (
      from: Sender,
      request: Omit<S7Pdu, 'rosctr' | 'reference'>,
      answer: Omit<S7Pdu, 'rosctr' | 'reference'>,
    ) => {
      reference = (reference + 1) & 0xffff;
      send(from, s7({ rosctr: ROSCTR_JOB, reference, ...request }));
      send(from === 'client' ? 'server' : 'client', s7({ rosctr: ROSCTR_ACK_DATA, reference, ...answer }));
    };

    const clientRef = rng.int(1, 0xffff);
    const serverRef = rng.int(1, 0xffff);
    const slot = rng.pick([1, 2, 3]);
    send('client', cotpConnect(COTP_CONNECTION_REQUEST, 0x0000, clientRef, 0, slot));
    send('server', cotpConnect(COTP_CONNECTION_CONFIRM, clientRef, serverRef, 0, slot));
    const setup = (pduLength: number) =>
      new ByteWriter().u8(SETUP_COMMUNICATION).u8(0).u16be(1).u16be(1).u16be(pduLength);
    job('client', { parameters: setup(960) }, { parameters: setup(PLC_PDU_SIZE) });

    for (let i = 0; i < exchanges; i++) {
      const db = rng.int(1, 120);
      const start = rng.int(0, 63) * 2;
      const length = rng.int(1, 8) * 2;
      switch (action) {
        case 'write': {
          const parameters = new ByteWriter().u8(WRITE_VAR).u8(1);
          anyItem(parameters, db, start, length);
          const data = new ByteWriter()
            .u8(0x00)
            .u8(DATA_SIZE_BITS)
            .u16be(length * 8);
          for (let b = 0; b < length; b++) data.u8(rng.int(0, 255));
          job(
            'client',
            { parameters, data },
            { parameters: new ByteWriter().u8(WRITE_VAR).u8(1), data: new ByteWriter().u8(RETURN_SUCCESS) },
          );
          break;
        }
        case 'stop': {
          const service = 'P_PROGRAM';
          const parameters = new ByteWriter().u8(PLC_STOP).zeros(5).u8(service.length).ascii(service);
          job('client', { parameters }, { parameters: new ByteWriter().u8(PLC_STOP) });
          break;
        }
        case 'program-download': {
          // The engineering station asks to download a block; the PLC then pulls it with download-block jobs
          // of its own and closes with download-ended.
          const name = blockFileName(rng.pick(['08', '0A', '0C', '0E']), rng.int(1, 999));
          const code = Array.from({ length: rng.int(40, 180) * 2 }, () => rng.int(0, 255));
          const sizes = `1${String(code.length + 36).padStart(6, '0')}${String(code.length).padStart(6, '0')}`;
          const fileParameters = (fn: number) =>
            new ByteWriter().u8(fn).u8(0).u16be(0x0100).u32be(0).u8(name.length).ascii(name);
          job(
            'client',
            { parameters: fileParameters(REQUEST_DOWNLOAD).u8(sizes.length).ascii(sizes) },
            { parameters: new ByteWriter().u8(REQUEST_DOWNLOAD) },
          );
          // Each block's ack-data must fit the negotiated PDU, so the code comes in parts; function status 1
          // tells the PLC that more follows.
          for (let at = 0; at < code.length; at += DOWNLOAD_PART) {
            const part = code.slice(at, at + DOWNLOAD_PART);
            const more = at + DOWNLOAD_PART < code.length;
            job(
              'server',
              { parameters: fileParameters(DOWNLOAD_BLOCK) },
              {
                parameters: new ByteWriter().u8(DOWNLOAD_BLOCK).u8(more ? 0x01 : 0x00),
                data: new ByteWriter().u16be(part.length).u16be(0x00fb).bytes(part),
              },
            );
          }
          job(
            'server',
            { parameters: fileParameters(DOWNLOAD_ENDED) },
            { parameters: new ByteWriter().u8(DOWNLOAD_ENDED) },
          );
          break;
        }
        default: {
          const parameters = new ByteWriter().u8(READ_VAR).u8(1);
          anyItem(parameters, db, start, length);
          const data = new ByteWriter()
            .u8(RETURN_SUCCESS)
            .u8(DATA_SIZE_BITS)
            .u16be(length * 8);
          for (let b = 0; b < length; b++) data.u8(rng.int(0, 255));
          job('client', { parameters }, { parameters: new ByteWriter().u8(READ_VAR).u8(1), data });
        }
      }
    }
    return messages;
  },
};
