import type { Random } from '../../../core/random.ts';
import { ByteWriter } from '../bytes.ts';
import { message, type CaptureAction, type ProtocolDialogue, type ProtocolMessage } from './dialogue.ts';

/**
 * EtherNet/IP explicit messaging (port 44818). Each message is a 24-byte encapsulation header (command, length
 * of the data, session handle, status, 8 bytes of sender context the target echoes, options; little-endian) and
 * its data. The originator registers a session, sends CIP requests with SendRRData (an interface handle, a
 * timeout, and a common packet format of a null address item and an unconnected data item), and unregisters.
 * A CIP request is a service code, the path to the object (class, instance, attribute as 8-bit logical
 * segments) and the service's data; the answer has the service code with bit 7 set and a general status.
 */
const REGISTER_SESSION = 0x0065;
const UNREGISTER_SESSION = 0x0066;
const SEND_RR_DATA = 0x006f;
const CPF_NULL_ADDRESS = 0x0000;
const CPF_UNCONNECTED_DATA = 0x00b2;

const GET_ATTRIBUTE_SINGLE = 0x0e;
const SET_ATTRIBUTE_SINGLE = 0x10;
const RESET = 0x05;
const REPLY = 0x80;

const CLASS_IDENTITY = 0x01;
const CLASS_ASSEMBLY = 0x04;
/** Identity object attributes. */
const VENDOR_ID = 1;
const PRODUCT_NAME = 7;
const ASSEMBLY_DATA = 3;

function encapsulation(command: number, session: number, context: Uint8Array, data: Uint8Array): Uint8Array {
  return new ByteWriter(24 + data.length)
    .u16le(command)
    .u16le(data.length)
    .u32le(session)
    .u32le(0) // status: success
    .bytes(context)
    .u32le(0) // options
    .bytes(data)
    .toBytes();
}

function sendRRData(cip: Uint8Array): Uint8Array {
  return new ByteWriter()
    .u32le(0) // interface handle: CIP
    .u16le(10) // timeout, s
    .u16le(2) // item count
    .u16le(CPF_NULL_ADDRESS)
    .u16le(0)
    .u16le(CPF_UNCONNECTED_DATA)
    .u16le(cip.length)
    .bytes(cip)
    .toBytes();
}

/** A CIP request to class/instance[/attribute] (8-bit logical segments; the path size counts 16-bit words). */
function cipRequest(
  service: number,
  classId: number,
  instance: number,
  attribute: number | null,
  data: Uint8Array = new Uint8Array(0),
) {
  const path = new ByteWriter().u8(0x20).u8(classId).u8(0x24).u8(instance);
  if (attribute !== null) path.u8(0x30).u8(attribute);
  const pathBytes = path.toBytes();
  return new ByteWriter()
    .u8(service)
    .u8(pathBytes.length / 2)
    .bytes(pathBytes)
    .bytes(data)
    .toBytes();
}

function cipReply(service: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  return new ByteWriter()
    .u8(service | REPLY)
    .u8(0)
    .u8(0)
    .u8(0)
    .bytes(data)
    .toBytes(); // reserved, status, extra size
}

const PRODUCT_NAMES = ['1756-L83E/B', '1769-L33ER/A', '1756-EN2T/D', 'PowerFlex 525', '5069-L320ER'];

function exchange(action: CaptureAction, rng: Random): [Uint8Array, Uint8Array] {
  if (action === 'write') {
    const data = Uint8Array.from({ length: rng.int(2, 16) * 2 }, () => rng.int(0, 255));
    const instance = rng.int(0x96, 0x9f);
    return [
      cipRequest(SET_ATTRIBUTE_SINGLE, CLASS_ASSEMBLY, instance, ASSEMBLY_DATA, data),
      cipReply(SET_ATTRIBUTE_SINGLE),
    ];
  }
  if (action === 'stop' || action === 'restart') {
    // The Identity object's Reset: type 0 emulates a power cycle, which stops the controller's program.
    return [cipRequest(RESET, CLASS_IDENTITY, 1, null, Uint8Array.of(0)), cipReply(RESET)];
  }
  if (rng.chance(0.5)) {
    const name = rng.pick(PRODUCT_NAMES);
    const data = new ByteWriter().u8(name.length).ascii(name).toBytes(); // SHORT_STRING
    return [
      cipRequest(GET_ATTRIBUTE_SINGLE, CLASS_IDENTITY, 1, PRODUCT_NAME),
      cipReply(GET_ATTRIBUTE_SINGLE, data),
    ];
  }
  return [
    cipRequest(GET_ATTRIBUTE_SINGLE, CLASS_IDENTITY, 1, VENDOR_ID),
    cipReply(GET_ATTRIBUTE_SINGLE, new ByteWriter().u16le(1).toBytes()), // vendor 1: Rockwell Automation
  ];
}

export const etherNetIp: ProtocolDialogue = {
  protocol: 'EtherNetIp',
  port: 44818,
  actions: ['read', 'write', 'stop', 'restart'],
  messages({ action, exchanges, rng }) {
    const messages: ProtocolMessage[] = [];
    const session = rng.nextUint32() || 1;
    const context = (): Uint8Array => Uint8Array.from({ length: 8 }, () => rng.int(0, 255));
    const register = new ByteWriter().u16le(1).u16le(0).toBytes(); // protocol version 1, no options
    const registerContext = context();
    messages.push(
      message('client', encapsulation(REGISTER_SESSION, 0, registerContext, register)),
      message('server', encapsulation(REGISTER_SESSION, session, registerContext, register)),
    );
    for (let i = 0; i < exchanges; i++) {
      const [request, reply] = exchange(action, rng);
      const sender = context();
      messages.push(
        message('client', encapsulation(SEND_RR_DATA, session, sender, sendRRData(request))),
        message('server', encapsulation(SEND_RR_DATA, session, sender, sendRRData(reply))),
      );
    }
    messages.push(
      message('client', encapsulation(UNREGISTER_SESSION, session, context(), new Uint8Array(0))),
    );
    return messages;
  },
};
