import type { Random } from '../../../core/random.ts';
import { ByteWriter } from '../bytes.ts';
import { message, type CaptureAction, type ProtocolDialogue, type ProtocolMessage } from './dialogue.ts';

/**
 * Modbus/TCP (port 502). Every frame is the MBAP header — transaction id, protocol id 0, the length of what
 * follows it, unit id — and a PDU: a function code and its fields, big-endian. No session set-up: the client
 * sends requests as soon as TCP is up, and the server echoes the transaction id in its answer.
 */
const READ_HOLDING_REGISTERS = 0x03;
const WRITE_SINGLE_COIL = 0x05;
const DIAGNOSTICS = 0x08;
const WRITE_MULTIPLE_REGISTERS = 0x10;
/** Diagnostics sub-functions. */
const RETURN_QUERY_DATA = 0x0000;
const RESTART_COMMUNICATIONS = 0x0001;
const COIL_ON = 0xff00;
const COIL_OFF = 0x0000;

function frame(transactionId: number, unitId: number, pdu: ByteWriter): Uint8Array {
  const body = pdu.toBytes();
  return new ByteWriter(7 + body.length)
    .u16be(transactionId)
    .u16be(0) // protocol id: Modbus
    .u16be(1 + body.length) // the unit id and the PDU
    .u8(unitId)
    .bytes(body)
    .toBytes();
}

function registers(rng: Random, count: number): number[] {
  return Array.from({ length: count }, () => rng.int(0, 0xffff));
}

/** The PDUs of one request and its answer. */
function exchange(action: CaptureAction, rng: Random): [ByteWriter, ByteWriter] {
  switch (action) {
    case 'write': {
      const address = rng.int(0, 199) * 4;
      const values = registers(rng, rng.int(1, 8));
      const request = new ByteWriter().u8(WRITE_MULTIPLE_REGISTERS).u16be(address).u16be(values.length);
      request.u8(values.length * 2);
      for (const value of values) request.u16be(value);
      return [request, new ByteWriter().u8(WRITE_MULTIPLE_REGISTERS).u16be(address).u16be(values.length)];
    }
    case 'command': {
      const coil = rng.int(0, 63);
      const value = rng.chance(0.5) ? COIL_ON : COIL_OFF;
      const pdu = (): ByteWriter => new ByteWriter().u8(WRITE_SINGLE_COIL).u16be(coil).u16be(value);
      return [pdu(), pdu()]; // the answer echoes the request
    }
    case 'diagnostics':
    case 'restart': {
      const sub = action === 'restart' ? RESTART_COMMUNICATIONS : RETURN_QUERY_DATA;
      const data = action === 'restart' ? 0x0000 : rng.int(0, 0xffff);
      const pdu = (): ByteWriter => new ByteWriter().u8(DIAGNOSTICS).u16be(sub).u16be(data);
      return [pdu(), pdu()];
    }
    default: {
      const address = rng.int(0, 199) * 4;
      const count = rng.int(1, 16);
      const request = new ByteWriter().u8(READ_HOLDING_REGISTERS).u16be(address).u16be(count);
      const response = new ByteWriter().u8(READ_HOLDING_REGISTERS).u8(count * 2);
      for (const value of registers(rng, count)) response.u16be(value);
      return [request, response];
    }
  }
}

export const modbusTcp: ProtocolDialogue = {
  protocol: 'ModbusTcp',
  port: 502,
  actions: ['read', 'write', 'command', 'diagnostics', 'restart'],
  messages({ action, exchanges, rng }) {
    const unitId = rng.int(1, 247);
    let transactionId = rng.int(0, 0xfff0);
    const messages: ProtocolMessage[] = [];
    for (let i = 0; i < exchanges; i++) {
      const [request, response] = exchange(action, rng);
      messages.push(message('client', frame(transactionId, unitId, request)));
      messages.push(message('server', frame(transactionId, unitId, response)));
      transactionId = (transactionId + 1) & 0xffff;
    }
    return messages;
  },
};
