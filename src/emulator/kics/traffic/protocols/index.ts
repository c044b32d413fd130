import type { CaptureProtocol } from '../recipe.ts';
import type { ProtocolDialogue } from './dialogue.ts';
import { dnp3 } from './dnp3.ts';
import { etherNetIp } from './ethernet-ip.ts';
import { iec104 } from './iec104.ts';
import { modbusTcp } from './modbus.ts';
import { opcUa } from './opcua.ts';
import { s7comm } from './s7comm.ts';

/** The dialogue of every capture protocol. */
export const DIALOGUES: Readonly<Record<CaptureProtocol, ProtocolDialogue>> = {
  ModbusTcp: modbusTcp,
  S7comm: s7comm,
  Iec104: iec104,
  OpcUa: opcUa,
  Dnp3: dnp3,
  EtherNetIp: etherNetIp,
};
