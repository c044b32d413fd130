import type { Random } from '../../../core/random.ts';
import { ByteWriter } from '../bytes.ts';
import { message, type ProtocolDialogue, type ProtocolMessage, type Sender } from './dialogue.ts';

/**
 * OPC UA binary over TCP (port 4840, "opc.tcp"). Every message starts with a 3-letter type, a chunk type ('F'
 * final) and its total size (u32). HEL/ACK agree on buffer sizes; OPN opens a secure channel (here with
 * security policy None, as the unsecured endpoints ICS monitoring sees); MSG carries service requests — here
 * Read and Write — each a binary-encoded structure introduced by the four-byte NodeId of its encoding; CLO closes
 * the channel. Little-endian; strings and byte strings are an i32 length (-1 for null) and the bytes.
 */
const SECURITY_POLICY_NONE = 'http://opcfoundation.org/UA/SecurityPolicy#None';
/** NodeIds (namespace 0) of the binary encodings of the services used. */
const OPEN_SECURE_CHANNEL_REQUEST = 446;
const OPEN_SECURE_CHANNEL_RESPONSE = 449;
const CLOSE_SECURE_CHANNEL_REQUEST = 452;
const READ_REQUEST = 631;
const READ_RESPONSE = 634;
const WRITE_REQUEST = 673;
const WRITE_RESPONSE = 676;
const ATTRIBUTE_VALUE = 13;
const TIMESTAMPS_BOTH = 2;
const VARIANT_DOUBLE = 11;
const SECURITY_MODE_NONE = 1;
/** 100-ns ticks between 1601-01-01 (OPC UA's DateTime epoch) and 1970-01-01. */
const EPOCH_1601_MS = 11_644_473_600_000;

function dateTime(epochMs: number): bigint {
  return BigInt(Math.round(epochMs) + EPOCH_1601_MS) * 10_000n;
}

function string(writer: ByteWriter, text: string | null): ByteWriter {
  if (text === null) return writer.i32le(-1);
  return writer.i32le(text.length).ascii(text);
}

/** A message with its header; the size is patched once the body is written. */
function chunk(type: 'HEL' | 'ACK' | 'OPN' | 'MSG' | 'CLO', body: (writer: ByteWriter) => void): Uint8Array {
  const writer = new ByteWriter().ascii(type).ascii('F').u32le(0);
  body(writer);
  return writer.patchU32le(4, writer.size).toBytes();
}

function encodingId(writer: ByteWriter, id: number): ByteWriter {
  return writer.u8(0x01).u8(0).u16le(id); // four-byte NodeId encoding, namespace 0
}

function requestHeader(writer: ByteWriter, time: number, handle: number): ByteWriter {
  writer.u8(0x00).u8(0x00); // authentication token: null NodeId (two-byte encoding, id 0)
  writer.i64le(dateTime(time)).u32le(handle).u32le(0); // timestamp, request handle, return diagnostics
  string(writer, null); // audit entry id
  writer.u32le(10_000); // timeout hint, ms
  return writer.u8(0x00).u8(0x00).u8(0x00); // additional header: null extension object
}

function responseHeader(writer: ByteWriter, time: number, handle: number): ByteWriter {
  writer.i64le(dateTime(time)).u32le(handle).u32le(0); // timestamp, request handle, service result Good
  writer.u8(0x00); // service diagnostics: empty DiagnosticInfo
  writer.i32le(-1); // string table: null array
  return writer.u8(0x00).u8(0x00).u8(0x00);
}

/** A string NodeId in namespace 2, as PLC tags are usually exposed (`ns=2;s=Line1.Pump3.Speed`). */
function tagNodeId(writer: ByteWriter, tag: string): ByteWriter {
  return string(writer.u8(0x03).u16le(2), tag);
}

/** A DataValue holding a Double with source and server timestamps. */
function dataValue(writer: ByteWriter, value: number, time: number, withTimestamps: boolean): ByteWriter {
  writer
    .u8(withTimestamps ? 0x0d : 0x01)
    .u8(VARIANT_DOUBLE)
    .f64le(value);
  if (withTimestamps) writer.i64le(dateTime(time)).i64le(dateTime(time));
  return writer;
}

const TAG_NAMES = ['Pump', 'Valve', 'Tank', 'Boiler', 'Conveyor', 'Mixer'];
const TAG_VALUES = ['Speed', 'Level', 'Pressure', 'Temperature', 'Flow', 'Setpoint'];

function tagName(rng: Random): string {
  return `Line${rng.int(1, 4)}.${rng.pick(TAG_NAMES)}${rng.int(1, 9)}.${rng.pick(TAG_VALUES)}`;
}

export const opcUa: ProtocolDialogue = {
  protocol: 'OpcUa',
  port: 4840,
  actions: ['read', 'write'],
  messages({ action, exchanges, rng, startTime }) {
    const messages: ProtocolMessage[] = [];
    const endpointUrl = `opc.tcp://plc-${rng.int(1, 99)}:4840`;
    const channelId = rng.int(1, 0xffff);
    const tokenId = rng.int(1, 0xffff);
    // Each side numbers the chunks it sends.
    const sequence: Record<Sender, number> = { client: rng.int(1, 1000), server: rng.int(1, 1000) };
    let requestId = 0;
    let handle = rng.int(1, 1000);
    // Timestamps inside the messages only need to be plausible: a few ms per message.
    let time = startTime;
    const tick = (): number => (time += rng.int(2, 20));

    messages.push(
      message(
        'client',
        chunk('HEL', (w) => {
          w.u32le(0).u32le(65535).u32le(65535).u32le(0).u32le(0); // version, buffers, max message size, chunks
          string(w, endpointUrl);
        }),
      ),
      message(
        'server',
        chunk('ACK', (w) => void w.u32le(0).u32le(65535).u32le(65535).u32le(0x01000000).u32le(0)),
      ),
    );

    const asymmetric = (w: ByteWriter, from: Sender, channel: number, id: number) => {
      w.u32le(channel);
      string(w, SECURITY_POLICY_NONE);
      w.i32le(-1).i32le(-1); // sender certificate, receiver thumbprint: none
      w.u32le(sequence[from]++).u32le(id);
    };
    const openId = ++requestId;
    messages.push(
      message(
        'client',
        chunk('OPN', (w) => {
          asymmetric(w, 'client', 0, openId);
          requestHeader(encodingId(w, OPEN_SECURE_CHANNEL_REQUEST), tick(), handle);
          w.u32le(0).u32le(0).u32le(SECURITY_MODE_NONE); // protocol version, request type Issue, mode None
          w.i32le(0).u32le(3_600_000); // client nonce: empty, requested lifetime
        }),
      ),
    );
    messages.push(
      message(
        'server',
        chunk('OPN', (w) => {
          asymmetric(w, 'server', channelId, openId);
          responseHeader(encodingId(w, OPEN_SECURE_CHANNEL_RESPONSE), tick(), handle++);
          w.u32le(0).u32le(channelId).u32le(tokenId).i64le(dateTime(time)).u32le(3_600_000);
          w.i32le(0); // server nonce: empty
        }),
      ),
    );

    // The answer carries its request's id.
    const symmetric = (from: Sender, type: 'MSG' | 'CLO', body: (w: ByteWriter) => void, id: number) =>
      chunk(type, (w) => {
        w.u32le(channelId).u32le(tokenId).u32le(sequence[from]++).u32le(id);
        body(w);
      });

    for (let i = 0; i < exchanges; i++) {
      const tags = Array.from({ length: rng.int(1, 4) }, () => tagName(rng));
      const id = ++requestId;
      if (action === 'write') {
        messages.push(
          message(
            'client',
            symmetric(
              'client',
              'MSG',
              (w) => {
                requestHeader(encodingId(w, WRITE_REQUEST), tick(), handle);
                w.i32le(tags.length);
                for (const tag of tags) {
                  tagNodeId(w, tag).u32le(ATTRIBUTE_VALUE);
                  string(w, null); // index range
                  dataValue(w, Math.round(rng.between(0, 100) * 10) / 10, time, false);
                }
              },
              id,
            ),
          ),
          message(
            'server',
            symmetric(
              'server',
              'MSG',
              (w) => {
                responseHeader(encodingId(w, WRITE_RESPONSE), tick(), handle++);
                w.i32le(tags.length);
                for (let t = 0; t < tags.length; t++) w.u32le(0); // Good
                w.i32le(-1); // diagnostic infos
              },
              id,
            ),
          ),
        );
      } else {
        messages.push(
          message(
            'client',
            symmetric(
              'client',
              'MSG',
              (w) => {
                requestHeader(encodingId(w, READ_REQUEST), tick(), handle);
                w.f64le(0).u32le(TIMESTAMPS_BOTH).i32le(tags.length); // max age, timestamps, nodes to read
                for (const tag of tags) {
                  tagNodeId(w, tag).u32le(ATTRIBUTE_VALUE);
                  string(w, null); // index range
                  string(w.u16le(0), null); // data encoding: null qualified name
                }
              },
              id,
            ),
          ),
          message(
            'server',
            symmetric(
              'server',
              'MSG',
              (w) => {
                responseHeader(encodingId(w, READ_RESPONSE), tick(), handle++);
                w.i32le(tags.length);
                for (let t = 0; t < tags.length; t++)
                  dataValue(w, Math.round(rng.between(-20, 250) * 100) / 100, time, true);
                w.i32le(-1); // diagnostic infos
              },
              id,
            ),
          ),
        );
      }
    }

    // The client closes the channel; CloseSecureChannel has no answer.
    messages.push(
      message(
        'client',
        symmetric(
          'client',
          'CLO',
          (w) => void requestHeader(encodingId(w, CLOSE_SECURE_CHANNEL_REQUEST), tick(), handle),
          requestId + 1,
        ),
      ),
    );
    return messages;
  },
};
