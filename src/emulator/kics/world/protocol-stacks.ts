import type { ProtocolStack } from '../../../kics/model.ts';
import type { CaptureProtocol } from '../traffic/recipe.ts';

/**
 * The protocol-stack dictionary: a tree from Ethernet through IPv4 and TCP/UDP to the industrial application
 * protocols KICS dissects. `etherType` and `ipType` are the real numbers of the protocols (IEEE EtherType
 * registry, IANA protocol numbers), inherited down the tree; `customType` holds the well-known TCP/UDP port of
 * application protocols as text (the sample's `"345"` is a string) and is empty elsewhere. `protocolStackName` is
 * the parent's name and the protocol's (`TCP/ModbusTcp`, as in the seed's sample).
 */

interface StackSpec {
  readonly id: number;
  readonly name: string;
  readonly parent: number;
  readonly etherType?: number;
  readonly ipType?: number;
  readonly port?: number;
  readonly industrial?: boolean;
  readonly active?: boolean;
}

/** Ids are stable: tags, device protocols and events refer to them. */
const SPECS: readonly StackSpec[] = [
  { id: 1, name: 'Ethernet', parent: 0 },
  { id: 2, name: 'IPv4', parent: 1, etherType: 0x0800 },
  { id: 3, name: 'ARP', parent: 1, etherType: 0x0806 },
  { id: 4, name: 'IPv6', parent: 1, etherType: 0x86dd, active: false },
  { id: 5, name: 'LLDP', parent: 1, etherType: 0x88cc },
  { id: 6, name: 'Profinet', parent: 1, etherType: 0x8892, industrial: true },
  { id: 7, name: 'Goose', parent: 1, etherType: 0x88b8, industrial: true },
  { id: 8, name: 'SampledValues', parent: 1, etherType: 0x88ba, industrial: true },
  { id: 9, name: 'EtherCat', parent: 1, etherType: 0x88a4, industrial: true, active: false },
  { id: 10, name: 'PowerLink', parent: 1, etherType: 0x88ab, industrial: true, active: false },
  { id: 20, name: 'ICMP', parent: 2, ipType: 1 },
  { id: 21, name: 'TCP', parent: 2, ipType: 6 },
  { id: 22, name: 'UDP', parent: 2, ipType: 17 },
  // ISO transport over TCP (TPKT + COTP, RFC 1006) on port 102 carries S7 and MMS.
  { id: 30, name: 'Cotp', parent: 21, port: 102 },
  { id: 31, name: 'ModbusTcp', parent: 21, port: 502, industrial: true },
  { id: 32, name: 'S7comm', parent: 30, port: 102, industrial: true },
  { id: 33, name: 'S7commPlus', parent: 30, port: 102, industrial: true },
  { id: 34, name: 'Mms', parent: 30, port: 102, industrial: true },
  { id: 35, name: 'Iec104', parent: 21, port: 2404, industrial: true },
  { id: 36, name: 'OpcUa', parent: 21, port: 4840, industrial: true },
  { id: 37, name: 'Dnp3', parent: 21, port: 20000, industrial: true },
  { id: 38, name: 'EtherNetIp', parent: 21, port: 44818, industrial: true },
  { id: 39, name: 'Cip', parent: 38, port: 44818, industrial: true },
  { id: 40, name: 'OpcDa', parent: 21, port: 135, industrial: true },
  { id: 41, name: 'FoxboroFcp', parent: 21, port: 6000, industrial: true, active: false },
  { id: 42, name: 'Http', parent: 21, port: 80 },
  { id: 43, name: 'Https', parent: 21, port: 443 },
  { id: 44, name: 'Smb', parent: 21, port: 445 },
  { id: 45, name: 'Rdp', parent: 21, port: 3389 },
  { id: 46, name: 'Ssh', parent: 21, port: 22 },
  { id: 47, name: 'Telnet', parent: 21, port: 23 },
  { id: 60, name: 'Bacnet', parent: 22, port: 47808, industrial: true },
  { id: 61, name: 'EtherNetIpIo', parent: 22, port: 2222, industrial: true },
  { id: 62, name: 'Snmp', parent: 22, port: 161 },
  { id: 63, name: 'Ntp', parent: 22, port: 123 },
  { id: 64, name: 'Dns', parent: 22, port: 53 },
  { id: 65, name: 'Syslog', parent: 22, port: 514 },
];

function buildStacks(): ProtocolStack[] {
  const byId = new Map<number, ProtocolStack>();
  const out: ProtocolStack[] = [];
  for (const spec of SPECS) {
    const parent = byId.get(spec.parent);
    const stack: ProtocolStack = {
      protocolStackId: spec.id,
      name: spec.name,
      protocolStackName: parent === undefined ? spec.name : `${parent.name}/${spec.name}`,
      parentId: spec.parent,
      etherType: spec.etherType ?? parent?.etherType ?? 0,
      ipType: spec.ipType ?? parent?.ipType ?? 0,
      customType: spec.port === undefined ? '' : String(spec.port),
      isIndustrial: spec.industrial ?? false,
      isActive: spec.active ?? true,
    };
    byId.set(spec.id, stack);
    out.push(stack);
  }
  return out;
}

/** The dictionary, parents before children. */
export const PROTOCOL_STACKS: readonly ProtocolStack[] = buildStacks();

const BY_NAME = new Map(PROTOCOL_STACKS.map((stack) => [stack.name, stack] as const));

/** The stack named `name`; throws on a name the dictionary lacks (a programming error in a catalogue). */
export function stackNamed(name: string): ProtocolStack {
  const stack = BY_NAME.get(name);
  if (stack === undefined) throw new Error(`no protocol stack named '${name}'`);
  return stack;
}

/** The server port of an application protocol (0 when the protocol has none). */
export function portOf(name: string): number {
  const text = stackNamed(name).customType;
  return text === '' ? 0 : Number(text);
}

/** The capture protocol of a stack, when the traffic writer can produce its packets. */
export function captureProtocolOf(name: string): CaptureProtocol | null {
  switch (name) {
    case 'ModbusTcp':
    case 'S7comm':
    case 'Iec104':
    case 'OpcUa':
    case 'Dnp3':
    case 'EtherNetIp':
      return name;
    case 'S7commPlus':
      return 'S7comm';
    case 'Cip':
      return 'EtherNetIp';
    default:
      return null;
  }
}
