import type { Tag, TagScaling } from '../../../kics/model.ts';
import type { Random } from '../../core/random.ts';
import type { DeviceView } from './devices.ts';

/**
 * PLC tags: the process variables KICS reads from the traffic of controllers that have an industrial configuration.
 * `address` and `operativeParameters` are JSON text as KICS returns them; the value document copies the shape of
 * the seed's sample (`{"d":{"type":…,"value":…},"n":…}`).
 */

interface TagKind {
  readonly prefix: string;
  readonly text: string;
  readonly unit: string;
  readonly type: 'Float' | 'Int16' | 'UInt16' | 'Int32' | 'Bool';
  readonly low: number;
  readonly high: number;
}

const KINDS: readonly TagKind[] = [
  { prefix: 'TT', text: 'temperature', unit: '°C', type: 'Float', low: 0, high: 400 },
  { prefix: 'PT', text: 'pressure', unit: 'kgs/cm2', type: 'Float', low: 0, high: 40 },
  { prefix: 'FT', text: 'flow', unit: 'm3/h', type: 'Float', low: 0, high: 250 },
  { prefix: 'LT', text: 'level', unit: '%', type: 'Int16', low: 0, high: 100 },
  { prefix: 'SC', text: 'motor speed', unit: 'rpm', type: 'UInt16', low: 0, high: 3000 },
  { prefix: 'CNT', text: 'batch counter', unit: 'pcs', type: 'Int32', low: 0, high: 1_000_000 },
  { prefix: 'XV', text: 'valve open', unit: '', type: 'Bool', low: 0, high: 1 },
  { prefix: 'PMP', text: 'pump running', unit: '', type: 'Bool', low: 0, high: 1 },
];

const TAG_PROTOCOLS = new Set([
  'ModbusTcp',
  'S7comm',
  'S7commPlus',
  'EtherNetIp',
  'Cip',
  'Iec104',
  'OpcUa',
  'Dnp3',
]);

function tagAddress(protocol: string, rng: Random, kind: TagKind, index: number): string {
  switch (protocol) {
    case 'ModbusTcp':
      return JSON.stringify({
        area: kind.type === 'Bool' ? 'Coils' : 'HoldingRegisters',
        address: String(100 + index * 2),
      });
    case 'S7comm':
    case 'S7commPlus':
      return JSON.stringify({
        area: 'DataBlocks',
        dbNumber: String(rng.int(1, 60)),
        address: String(index * 4),
      });
    case 'Iec104':
      return JSON.stringify({ area: 'InformationObjects', address: String(1000 + index) });
    case 'Dnp3':
      return JSON.stringify({
        area: kind.type === 'Bool' ? 'BinaryInputs' : 'AnalogInputs',
        address: String(index),
      });
    case 'OpcUa':
      return JSON.stringify({ area: 'Nodes', address: `ns=3;i=${1000 + index}` });
    default:
      return JSON.stringify({ area: 'Tags', address: `Program:MainProgram.${kind.prefix}_${index}` });
  }
}

function operativeValue(kind: TagKind, value: number): string {
  const valueType = kind.type === 'Float' ? 'Float' : kind.type === 'Bool' ? 'Bool' : 'Integer';
  const t = kind.type === 'Float' ? 'd' : kind.type === 'Bool' ? 'b' : 'i';
  return JSON.stringify({
    d: {
      type: { n: 'ValueType', s: valueType, t: 'e', v: 1 },
      value: { t, v: kind.type === 'Bool' ? value >= 0.5 : value, x: 1 },
    },
    n: valueType,
  });
}

function registration(ms: number, rng: Random): string {
  // KICS prints seven fractional digits and an explicit offset.
  const ticks = String(rng.int(0, 9_999_999)).padStart(7, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${ticks}+00:00`;
}

/** Tags of the controllers with a project; ids 1…n. */
export function generateTags(rng: Random, views: readonly DeviceView[], now: number): Tag[] {
  const tags: Tag[] = [];
  for (const view of views) {
    if (!view.hasProject) continue;
    const protocol = view.protocols.find((p) => TAG_PROTOCOLS.has(p.name));
    if (protocol === undefined) continue;
    const count = rng.int(3, 10);
    for (let i = 0; i < count; i++) {
      const kind = rng.pick(KINDS);
      const loop = 100 + rng.int(1, 99);
      const raw = kind.type === 'Bool' ? (rng.chance(0.5) ? 1 : 0) : rng.between(kind.low, kind.high);
      const value = kind.type === 'Float' ? Math.round(raw * 1000) / 1000 : Math.round(raw);
      const scaling: TagScaling =
        kind.type === 'Int16' || kind.type === 'UInt16'
          ? { type: 'Linear', rawLow: 0, rawHigh: 27648, scaledLow: kind.low, scaledHigh: kind.high }
          : { type: 'None', rawLow: 0, rawHigh: 0, scaledLow: 0, scaledHigh: 0 };
      tags.push({
        assetId: view.id,
        assetName: view.name,
        assetAddress: view.ip,
        assetGroup: view.group,
        protocol: protocol.name,
        protocolStackId: protocol.protocolStackId,
        assetProtocolId: protocol.assetProtocolId,
        name: `${kind.prefix}${loop}`,
        id: tags.length + 1,
        favourite: rng.chance(0.1),
        measureUnit: kind.unit,
        description: `${view.name} ${kind.text}`,
        address: tagAddress(protocol.name, rng, kind, i),
        origin: rng.chance(0.7) ? 'Project' : 'User',
        scaling,
        operativeParameters: operativeValue(kind, value),
        registrationTimestamp: registration(
          Math.min(now, view.created + rng.between(3_600_000, 30 * 86_400_000)),
          rng,
        ),
        timeSinceLastTagReadMs: rng.int(100, 5000),
        timeSinceLastTagWriteMs: rng.chance(0.3) ? rng.int(1000, 86_400_000) : 0,
        tagDataType: kind.type,
      });
    }
  }
  return tags;
}
