import { ByteWriter } from '../bytes.ts';
import { message, type ProtocolDialogue, type ProtocolMessage, type Sender } from './dialogue.ts';

/**
 * IEC 60870-5-104 (port 2404). Every APDU starts with 0x68, a length (of the rest), and four control octets:
 * U-format (STARTDT/STOPDT/TESTFR act and con), S-format (an acknowledgement: receive sequence number) or
 * I-format (send and receive sequence numbers, each shifted left by one) followed by an ASDU: type id, variable
 * structure qualifier, cause of transmission, originator, common address, then information objects with 3-byte
 * addresses. Little-endian. The controlling station (client) starts data transfer with STARTDT act.
 */
const START = 0x68;
const STARTDT_ACT = 0x07;
const STARTDT_CON = 0x0b;

const M_ME_NC_1 = 13; // measured value, short floating point
const C_SC_NA_1 = 45; // single command
const C_SE_NC_1 = 50; // set-point command, short floating point
const C_IC_NA_1 = 100; // interrogation command
const C_RD_NA_1 = 102; // read command
const C_RP_NA_1 = 105; // reset process command

/** Causes of transmission. */
const COT_REQUEST = 5;
const COT_ACTIVATION = 6;
const COT_ACTIVATION_CON = 7;
const COT_ACTIVATION_TERM = 10;
const COT_STATION_INTERROGATION = 20;

const QOI_STATION = 20;
const QRP_GENERAL_RESET = 1;
/** Quality descriptor "good": no flag set. */
const QDS_GOOD = 0x00;

function uFrame(control: number): Uint8Array {
  return Uint8Array.of(START, 4, control, 0, 0, 0);
}

interface Asdu {
  readonly type: number;
  readonly cause: number;
  /** Each object: its address and its elements, already encoded. */
  readonly objects: ReadonlyArray<{ readonly address: number; readonly elements: ByteWriter }>;
}

export const iec104: ProtocolDialogue = {
  protocol: 'Iec104',
  port: 2404,
  actions: ['read', 'interrogation', 'command', 'write', 'restart'],
  messages({ action, exchanges, rng }) {
    const messages: ProtocolMessage[] = [];
    const commonAddress = rng.int(1, 254);
    const sent: Record<Sender, number> = { client: 0, server: 0 };
    const received: Record<Sender, number> = { client: 0, server: 0 };
    const other = (side: Sender): Sender => (side === 'client' ? 'server' : 'client');

    const iFrame = (from: Sender, asdu: Asdu): void => {
      const body = new ByteWriter()
        .u8(asdu.type)
        .u8(asdu.objects.length) // variable structure qualifier: SQ=0, number of objects
        .u8(asdu.cause)
        .u8(0) // originator address
        .u16le(commonAddress);
      for (const object of asdu.objects) body.u24le(object.address).bytes(object.elements.toBytes());
      const asduBytes = body.toBytes();
      const apdu = new ByteWriter()
        .u8(START)
        .u8(4 + asduBytes.length)
        .u16le(sent[from] << 1)
        .u16le(received[from] << 1)
        .bytes(asduBytes)
        .toBytes();
      messages.push(message(from, apdu));
      sent[from] = (sent[from] + 1) & 0x7fff;
      received[other(from)] = (received[other(from)] + 1) & 0x7fff;
    };
    /** S-format: the side confirms what it has received so far. */
    const sFrame = (from: Sender): void =>
      void messages.push(
        message(
          from,
          new ByteWriter()
            .u8(START)
            .u8(4)
            .u8(0x01)
            .u8(0)
            .u16le(received[from] << 1)
            .toBytes(),
        ),
      );
    const measured = (): ByteWriter =>
      new ByteWriter().f32le(Math.round(rng.between(-50, 400) * 100) / 100).u8(QDS_GOOD);
    const measuredObjects = (count: number) =>
      Array.from({ length: count }, () => ({ address: rng.int(1000, 9999), elements: measured() }));

    messages.push(message('client', uFrame(STARTDT_ACT)));
    messages.push(message('server', uFrame(STARTDT_CON)));

    for (let i = 0; i < exchanges; i++) {
      switch (action) {
        case 'interrogation': {
          const qoi = () => [{ address: 0, elements: new ByteWriter().u8(QOI_STATION) }];
          iFrame('client', { type: C_IC_NA_1, cause: COT_ACTIVATION, objects: qoi() });
          iFrame('server', { type: C_IC_NA_1, cause: COT_ACTIVATION_CON, objects: qoi() });
          iFrame('server', {
            type: M_ME_NC_1,
            cause: COT_STATION_INTERROGATION,
            objects: measuredObjects(rng.int(2, 12)),
          });
          iFrame('server', { type: C_IC_NA_1, cause: COT_ACTIVATION_TERM, objects: qoi() });
          break;
        }
        case 'command':
        case 'write':
        case 'restart': {
          const address = rng.int(100, 999);
          let command: { type: number; elements: () => ByteWriter };
          if (action === 'command') {
            // Single command qualifier: direct execute (S/E 0), no qualifier of command, state on or off.
            const sco = rng.chance(0.5) ? 0x01 : 0x00;
            command = { type: C_SC_NA_1, elements: () => new ByteWriter().u8(sco) };
          } else if (action === 'write') {
            const value = Math.round(rng.between(0, 100) * 10) / 10;
            command = { type: C_SE_NC_1, elements: () => new ByteWriter().f32le(value).u8(0x00) };
          } else {
            command = { type: C_RP_NA_1, elements: () => new ByteWriter().u8(QRP_GENERAL_RESET) };
          }
          const objects = () => [
            { address: action === 'restart' ? 0 : address, elements: command.elements() },
          ];
          iFrame('client', { type: command.type, cause: COT_ACTIVATION, objects: objects() });
          iFrame('server', { type: command.type, cause: COT_ACTIVATION_CON, objects: objects() });
          if (action !== 'restart')
            iFrame('server', { type: command.type, cause: COT_ACTIVATION_TERM, objects: objects() });
          break;
        }
        default: {
          const address = rng.int(1000, 9999);
          iFrame('client', {
            type: C_RD_NA_1,
            cause: COT_ACTIVATION,
            objects: [{ address, elements: new ByteWriter() }],
          });
          iFrame('server', {
            type: M_ME_NC_1,
            cause: COT_REQUEST,
            objects: [{ address, elements: measured() }],
          });
        }
      }
      // The controlling station confirms the I-format APDUs it received (it would at the latest after w = 8).
      sFrame('client');
    }
    return messages;
  },
};
