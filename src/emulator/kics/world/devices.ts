import type {
  AssetStatus,
  AssetType,
  Device,
  DeviceAddressInformation,
  DeviceProtocol,
  EndpointProtection,
  NameValue,
  ProcessControlSettings,
  SecurityState,
} from '../../../kics/model.ts';
import { ASSET_TYPES } from '../../../kics/model.ts';
import { formatIpv4 } from '../../ksc/world/ipv4.ts';
import { macInOui, stableMacAddress } from '../../core/mac.ts';
import { WeightedTable, type Random } from '../../core/random.ts';
import type { KscCounterpart } from './counterparts.ts';
import { CVES, type CveRecord } from './cves.ts';
import {
  WINDOWS_SERVER_OS,
  WINDOWS_WORKSTATION_OS,
  modelsOf,
  plcModels,
  type ProductModel,
} from './products.ts';
import { captureProtocolOf, portOf, stackNamed } from './protocol-stacks.ts';
import type { Cell, SiteLayout } from './site.ts';
import { wholeSeconds, zonelessTime } from '../times.ts';

/**
 * The devices of the site. The KSC counterparts come first (ids 1…k), then one device of every asset type not yet
 * present (so even a small world shows them all), then devices drawn by type weights that give a plant's mix:
 * about a fifth PLCs, then panels, relays, switches, I/O and drives, a few servers and workstations.
 *
 * Besides the API documents, generation returns a compact {@link DeviceView} per device that rules, tags and events
 * draw from, and the CVEs each device was found vulnerable to (vulnerabilities.ts turns them into records).
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MAX_VULNERABILITY_CHANCE = 0.55;

const TYPE_WEIGHTS = new WeightedTable<AssetType>([
  ['Plc', 20],
  ['HmiPanel', 8],
  ['Rpa', 5],
  ['Other', 9],
  ['Switch', 8],
  ['NetworkDevice', 4],
  ['Gateway', 3],
  ['ScadaHmi', 3],
  ['EngineeringStation', 2],
  ['Workstation', 5],
  ['Server', 2.5],
  ['Historian', 0.8],
  ['Firewall', 1],
  ['Router', 1],
  ['UPS', 2],
  ['NetworkCamera', 3],
  ['Printer', 1],
  ['Laptop', 1.5],
  ['MobileDevice', 0.7],
  ['StorageSystem', 0.5],
  ['VirtualSwitch', 0.4],
  ['VirtualRouter', 0.3],
  ['WiFi', 1.2],
]);

const STATUS_WEIGHTS = new WeightedTable<AssetStatus>([
  ['Recognized', 91],
  ['Unauthorized', 6],
  ['Archived', 3],
]);

/** Types that live on the operations LAN (level 3) rather than in a control cell. */
const OPERATIONS_TYPES: ReadonlySet<AssetType> = new Set<AssetType>([
  'Server',
  'Historian',
  'Workstation',
  'Printer',
  'StorageSystem',
  'VirtualSwitch',
  'VirtualRouter',
  'Laptop',
  'MobileDevice',
]);

const ROUTING_TYPES: ReadonlySet<AssetType> = new Set<AssetType>(['Router', 'Firewall', 'VirtualRouter']);

const NAME_TAGS: Readonly<Record<AssetType, string>> = {
  ScadaHmi: 'SCADA',
  Rpa: 'IED',
  Server: 'SRV',
  Workstation: 'WS',
  Plc: 'PLC',
  EngineeringStation: 'ES',
  MobileDevice: 'MOB',
  NetworkDevice: 'NET',
  Other: 'IO',
  Laptop: 'LT',
  HmiPanel: 'HMI',
  Printer: 'PRN',
  UPS: 'UPS',
  NetworkCamera: 'CAM',
  Gateway: 'GW',
  StorageSystem: 'NAS',
  Firewall: 'FW',
  Switch: 'SW',
  VirtualSwitch: 'VSW',
  Router: 'RTR',
  VirtualRouter: 'VRTR',
  WiFi: 'AP',
  Historian: 'HIST',
};

const ROLE_TEXT: Readonly<Record<AssetType, string>> = {
  ScadaHmi: 'SCADA operator station',
  Rpa: 'protection relay',
  Server: 'application server',
  Workstation: 'office workstation',
  Plc: 'process controller',
  EngineeringStation: 'engineering station',
  MobileDevice: 'handheld terminal',
  NetworkDevice: 'serial device server',
  Other: 'remote I/O or drive',
  Laptop: 'service laptop',
  HmiPanel: 'operator panel',
  Printer: 'printer',
  UPS: 'uninterruptible power supply',
  NetworkCamera: 'surveillance camera',
  Gateway: 'protocol gateway',
  StorageSystem: 'backup storage',
  Firewall: 'cell firewall',
  Switch: 'industrial Ethernet switch',
  VirtualSwitch: 'virtual switch',
  Router: 'router',
  VirtualRouter: 'virtual router',
  WiFi: 'wireless access point',
  Historian: 'process historian',
};

const LABELS = [
  'critical-asset',
  'safety-system',
  'legacy',
  'redundant-pair',
  'vendor-remote-access',
  'audited',
  'spare',
];
const OWNERS = [
  'Process engineering',
  'Maintenance',
  'OT security',
  'Electrical department',
  'IT operations',
];

const MODULE_TYPES: Readonly<Record<string, readonly string[]>> = {
  Siemens: ['DI 32x24VDC HF', 'DQ 32x24VDC/0.5A HF', 'AI 8xU/I/RTD/TC ST', 'AQ 4xU/I ST', 'CP 1543-1'],
  'Rockwell Automation': ['1756-IB32', '1756-OB32', '1756-IF8', '1756-OF8', '1756-EN2T'],
  'Schneider Electric': ['BMXDDI3202K', 'BMXDDO3202K', 'BMXAMI0810', 'BMXAMO0410', 'BMENOC0301'],
};
const GENERIC_MODULES = ['DI 16', 'DO 16', 'AI 8', 'AO 4', 'COM ETH'];
const PROJECT_WORDS = [
  'Burner',
  'Feedwater',
  'Dosing',
  'Pumps',
  'Conveyor',
  'Filler',
  'Mixer',
  'Compressor',
  'Valves',
  'Cooling',
];

/** What the other generators need of a device, without reading its JSON. */
export interface DeviceView {
  readonly id: number;
  readonly name: string;
  readonly category: AssetType;
  readonly status: AssetStatus;
  /** Index of the device's cell; -1 on the operations LAN. */
  readonly cell: number;
  readonly group: string;
  /** The address the device talks on in its network (the first IP of its first interface). */
  readonly ip: string;
  readonly mac: string | null;
  readonly vlanId: number;
  readonly monitoringPointId: number;
  readonly model: ProductModel;
  /** The industrial protocol it serves (PLCs, relays, gateways…), or null. */
  readonly serverProtocol: string | null;
  /** The protocols this device speaks, each with its `assetProtocolId`. */
  readonly protocols: readonly DeviceProtocol[];
  readonly created: number;
  readonly lastSeen: number;
  readonly hasProject: boolean;
}

export interface DeviceVulnerabilityPlan {
  readonly deviceId: number;
  readonly cve: CveRecord;
  readonly assetVulnerabilityId: number;
  readonly state: string;
  readonly firstDetected: number;
  readonly lastDetected: number;
}

export interface GeneratedDevices {
  readonly records: Array<{ device: Device; protocols: DeviceProtocol[] }>;
  readonly views: readonly DeviceView[];
  readonly vulnerabilities: readonly DeviceVulnerabilityPlan[];
}

export interface DeviceGenerationOptions {
  readonly rng: Random;
  readonly count: number;
  readonly now: number;
  readonly site: SiteLayout;
  readonly counterparts: readonly KscCounterpart[];
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pickModel(rng: Random, category: AssetType, cell: Cell | null): ProductModel {
  if (category === 'Plc') {
    // A cell mostly runs its own vendor line; a few controllers came with packaged machines.
    const line =
      cell !== null && rng.chance(0.85)
        ? cell.plcLine
        : rng.pick(['siemens', 'rockwell', 'schneider', 'abb', 'ge'] as const);
    return pickWeighted(rng, plcModels(line));
  }
  return pickWeighted(rng, modelsOf(category));
}

function pickWeighted(rng: Random, models: readonly ProductModel[]): ProductModel {
  let total = 0;
  for (const model of models) total += model.weight;
  let target = rng.float() * total;
  for (const model of models) {
    target -= model.weight;
    if (target < 0) return model;
  }
  return models[models.length - 1] as ProductModel;
}

/** The category sequence: counterparts, then each missing type once, then weighted draws. */
function categoryPlan(rng: Random, count: number, counterparts: readonly KscCounterpart[]): AssetType[] {
  const plan: AssetType[] = counterparts.slice(0, count).map((c) => c.category);
  const present = new Set(plan);
  for (const type of ASSET_TYPES) {
    if (plan.length >= count) break;
    if (!present.has(type)) {
      plan.push(type);
      present.add(type);
    }
  }
  while (plan.length < count) plan.push(TYPE_WEIGHTS.pick(rng));
  return plan;
}

function cveApplies(cve: CveRecord, model: ProductModel, os: string | null): boolean {
  if (cve.families !== undefined) return cve.families.includes(model.family);
  if (cve.windows !== undefined && os !== null) return cve.windows.some((name) => os.includes(name));
  return false;
}

function protocolAddress(name: string, rng: Random, deviceName: string, ip: string): string {
  switch (name) {
    case 'ModbusTcp':
      return String(rng.chance(0.7) ? 1 : rng.int(1, 247));
    case 'S7comm':
    case 'S7commPlus':
      return `0.${rng.pick([1, 2, 3])}`;
    case 'Iec104':
      return String(rng.int(1, 65534));
    case 'Dnp3':
      return String(rng.int(1, 100));
    case 'EtherNetIp':
    case 'Cip':
      return '1,0';
    case 'OpcUa':
      return `opc.tcp://${ip}:4840`;
    case 'Mms':
      return `${deviceName.replace(/-/g, '')}LD0`;
    case 'Profinet':
      return deviceName.toLowerCase();
    default:
      return ip;
  }
}

/** Generates the devices of the site. */
export function generateDevices(options: DeviceGenerationOptions): GeneratedDevices {
  const { rng, count, now, site, counterparts } = options;
  const categories = categoryPlan(rng, count, counterparts);
  const nextHost = new Int32Array(site.cells.length + 1);
  const nameCounters = new Map<string, number>();
  const records: Array<{ device: Device; protocols: DeviceProtocol[] }> = [];
  const views: DeviceView[] = [];
  const vulnerabilities: DeviceVulnerabilityPlan[] = [];
  let nextProtocolId = 1;
  let nextOui = 0x100;
  const oldestCreated = site.installedAt + DAY_MS;

  for (let index = 0; index < count; index++) {
    const id = index + 1;
    const category = categories[index] as AssetType;
    const counterpart = index < counterparts.length ? counterparts[index] : undefined;
    const onOperations =
      counterpart !== undefined ||
      OPERATIONS_TYPES.has(category) ||
      ((category === 'EngineeringStation' || category === 'ScadaHmi') && rng.chance(0.3));
    const cell = onOperations ? null : (site.cells[rng.int(0, site.cells.length - 1)] as Cell);
    const model = pickModel(rng, category, cell);
    const status: AssetStatus = counterpart !== undefined ? 'Recognized' : STATUS_WEIGHTS.pick(rng);

    // Network placement.
    const slot = cell === null ? site.cells.length : cell.index;
    const hostNumber = nextHost[slot] ?? 0;
    nextHost[slot] = hostNumber + 1;
    const networkBase = cell === null ? site.operations.base : cell.base;
    const hostSpan = cell === null ? 65_000 : 1_000;
    const localIp = formatIpv4((networkBase + 10 + (hostNumber % hostSpan)) >>> 0);
    const ouiPart = (id * 2654435761) >>> 8;
    const localMac =
      counterpart !== undefined
        ? counterpart.mac
        : model.oui !== null
          ? macInOui(model.oui, ouiPart)
          : stableMacAddress(`kics-device:${id}:${nextOui++}`);
    const primaryIp = counterpart?.ip ?? localIp;
    const addressInformation: DeviceAddressInformation[] = [];
    if (counterpart !== undefined) {
      // Dual-homed: the corporate interface KSC knows, and a leg into the operations LAN.
      addressInformation.push({ macAddress: counterpart.mac, ipAddresses: [{ ip: counterpart.ip }] });
      addressInformation.push({
        macAddress: stableMacAddress(`${counterpart.kscHostId}/ot`),
        ipAddresses: [{ ip: localIp }],
      });
    } else if (ROUTING_TYPES.has(category) || (category === 'Gateway' && rng.chance(0.4))) {
      addressInformation.push({ macAddress: localMac, ipAddresses: [{ ip: localIp }] });
      const uplinkNumber = nextHost[site.cells.length] ?? 0;
      nextHost[site.cells.length] = uplinkNumber + 1;
      addressInformation.push({
        macAddress: stableMacAddress(`kics-device:${id}:uplink`),
        ipAddresses: [{ ip: formatIpv4((site.operations.base + 10 + uplinkNumber) >>> 0) }],
      });
    } else if (category === 'Plc' && rng.chance(0.15)) {
      // A second IP on the same port (a configured alias for a redundant partner).
      addressInformation.push({
        macAddress: localMac,
        ipAddresses: [{ ip: localIp }, { ip: formatIpv4((networkBase + 900 + (hostNumber % 100)) >>> 0) }],
      });
    } else if (cell === null && !counterpart && rng.chance(0.03)) {
      // Seen only behind a router: KICS never learns its MAC.
      addressInformation.push({ macAddress: null, ipAddresses: [{ ip: localIp }] });
    } else {
      addressInformation.push({ macAddress: localMac, ipAddresses: [{ ip: localIp }] });
    }

    // Name and placement texts.
    const prefix =
      cell === null
        ? `OPS-${NAME_TAGS[category]}`
        : `${cell.area.tag}${pad2(cell.number)}-${NAME_TAGS[category]}`;
    const sequence = (nameCounters.get(prefix) ?? 0) + 1;
    nameCounters.set(prefix, sequence);
    const name = counterpart?.name ?? `${prefix}-${pad2(sequence)}`;
    const where = cell === null ? 'Site operations' : `${cell.area.name}, cell ${pad2(cell.number)}`;
    const description = `${where}: ${ROLE_TEXT[category]}${counterpart !== undefined ? ' (managed by Kaspersky Security Center)' : ''}`;

    // Times.
    let created: number;
    let lastSeen: number;
    if (status === 'Unauthorized') {
      created = wholeSeconds(now - rng.between(0.5, 29.5) * DAY_MS);
      lastSeen = wholeSeconds(Math.min(now, created + rng.between(0, now - created)));
    } else if (status === 'Archived') {
      created = wholeSeconds(oldestCreated + rng.between(0, 200) * DAY_MS);
      lastSeen = wholeSeconds(Math.max(created + DAY_MS, now - rng.between(35, 200) * DAY_MS));
    } else {
      const latest =
        counterpart === undefined
          ? now - 31 * DAY_MS
          : Math.min(now - 31 * DAY_MS, counterpart.created + DAY_MS);
      created = wholeSeconds(
        Math.min(latest, oldestCreated + rng.float() * Math.max(0, latest - oldestCreated)),
      );
      lastSeen = wholeSeconds(
        rng.chance(0.9) ? now - rng.between(0, 2 * HOUR_MS) : now - rng.between(2 * HOUR_MS, 7 * DAY_MS),
      );
    }
    const lastModified = wholeSeconds(created + rng.float() * (lastSeen - created));

    // Software and OS.
    const os =
      counterpart?.os ??
      (model.windows
        ? rng.pick(
            category === 'Server' || category === 'Historian' ? WINDOWS_SERVER_OS : WINDOWS_WORKSTATION_OS,
          )
        : model.os);
    const hardwareVersion = rng.pick(model.hardwareVersions);
    const softwareVersion = rng.pick(model.softwareVersions);

    // Protocols.
    const protocols: DeviceProtocol[] = [];
    let serverProtocol: string | null = null;
    for (const protocolName of model.protocols) {
      const stack = stackNamed(protocolName);
      if (serverProtocol === null && stack.isIndustrial && captureProtocolOf(protocolName) !== null)
        serverProtocol = protocolName;
      protocols.push({
        assetProtocolId: nextProtocolId++,
        protocolStackId: stack.protocolStackId,
        name: stack.name,
        protocolStackName: stack.protocolStackName,
        address: protocolAddress(protocolName, rng, name, primaryIp),
        lastSeen: zonelessTime(wholeSeconds(lastSeen - rng.between(0, HOUR_MS))),
      });
    }

    // Industrial configuration of controllers.
    let processControlSettings: ProcessControlSettings | null = null;
    if (category === 'Plc' && rng.chance(0.7)) {
      const moduleTypes = MODULE_TYPES[model.vendor] ?? GENERIC_MODULES;
      const modules = [{ slot: 0, type: model.model, firmware: softwareVersion }];
      const moduleCount = rng.int(2, 6);
      for (let s = 1; s <= moduleCount; s++)
        modules.push({
          slot: s,
          type: rng.pick(moduleTypes),
          firmware: `${rng.int(1, 4)}.${rng.int(0, 9)}.${rng.int(0, 9)}`,
        });
      processControlSettings = {
        projectName: `${cell?.area.tag ?? 'OPS'}${pad2(cell?.number ?? 0)}_${rng.pick(PROJECT_WORDS)}_v${rng.int(1, 9)}`,
        readTime: zonelessTime(wholeSeconds(created + rng.float() * (lastSeen - created))),
        modules,
      };
    }

    // Endpoint protection on Windows machines.
    let epp: EndpointProtection | null = null;
    if (counterpart !== undefined) {
      epp = {
        name: 'Kaspersky Endpoint Security for Windows',
        version: counterpart.kesVersion,
        rtpState: counterpart.rtpState,
        lastSync: zonelessTime(counterpart.lastSync),
      };
    } else if (model.windows && rng.chance(0.7)) {
      const kics = rng.chance(0.6);
      epp = {
        name: kics
          ? 'Kaspersky Industrial CyberSecurity for Nodes'
          : 'Kaspersky Endpoint Security for Windows',
        version: kics ? rng.pick(['3.1.0.1062', '3.2.0.1225']) : rng.pick(['12.3.0.493', '12.5.0.538']),
        rtpState: rng.chance(0.92) ? 'Running' : 'Stopped',
        lastSync: zonelessTime(wholeSeconds(Math.min(lastSeen, now - rng.between(0, DAY_MS)))),
      };
    }

    // Vulnerabilities found for its model or OS.
    const refs: Array<{ assetVulnerabilityId: number; cveId: string; state: string; cvsScore: number }> = [];
    let worst = 0;
    for (const cve of CVES) {
      if (!cveApplies(cve, model, os) || !rng.chance(MAX_VULNERABILITY_CHANCE)) continue;
      const state = rng.chance(0.8) ? 'Active' : rng.chance(0.5) ? 'Remediated' : 'Ignored';
      const published = Date.parse(`${cve.published}T00:00:00Z`);
      const firstDetected = wholeSeconds(Math.max(created, published) + rng.between(HOUR_MS, 5 * DAY_MS));
      const plan: DeviceVulnerabilityPlan = {
        deviceId: id,
        cve,
        assetVulnerabilityId: vulnerabilities.length + 1,
        state,
        firstDetected: Math.min(firstDetected, lastSeen),
        lastDetected: lastSeen,
      };
      vulnerabilities.push(plan);
      refs.push({
        assetVulnerabilityId: plan.assetVulnerabilityId,
        cveId: cve.cveId,
        state,
        cvsScore: cve.cvsScore,
      });
      if (state === 'Active') worst = Math.max(worst, cve.cvsScore);
    }
    let securityState: SecurityState;
    if (status === 'Unauthorized') securityState = rng.chance(0.5) ? 'UnknownAssetSecurityStatus' : 'Warning';
    else if (worst >= 9) securityState = 'Critical';
    else if (
      worst >= 7 ||
      (epp !== null && epp.rtpState !== 'Running' && !epp.rtpState.startsWith('Running'))
    )
      securityState = 'Warning';
    else securityState = rng.chance(0.05) ? 'UnknownAssetSecurityStatus' : 'Ok';

    const labels: string[] = [];
    if (rng.chance(0.25)) labels.push(rng.pick(LABELS));
    if (rng.chance(0.08)) {
      const second = rng.pick(LABELS);
      if (!labels.includes(second)) labels.push(second);
    }
    if (counterpart !== undefined) labels.push('ksc-managed');
    const attributes: NameValue[] =
      category === 'Plc' || category === 'Rpa'
        ? [
            {
              name: 'SerialNumber',
              value: `S ${rng.chars('ABCDEFGHJKLMNPRSTUVWXYZ', 1)}-${rng.chars('0123456789ABCDEFGHJK', 8)}`,
            },
            { name: 'OrderNumber', value: hardwareVersion },
          ]
        : [];
    const userAttributes: NameValue[] = rng.chance(0.2)
      ? [
          { name: 'Owner', value: rng.pick(OWNERS) },
          { name: 'Cabinet', value: `${cell?.area.tag ?? 'SR'}-${pad2(rng.int(1, 40))}` },
        ]
      : [];

    const networkName = cell?.networkName ?? site.operations.networkName;
    const group = cell?.group ?? site.operations.group;
    const device: Device = {
      id,
      name,
      description,
      status,
      addressInformation,
      category,
      group,
      securityState,
      lastSeen: zonelessTime(lastSeen),
      lastModified: zonelessTime(lastModified),
      created: zonelessTime(created),
      os,
      networkName,
      hardwareVendor: model.vendor,
      hardwareModel: model.model,
      hardwareVersion,
      softwareVendor: model.softwareVendor,
      softwareModel: model.softwareModel,
      softwareVersion,
      isRouter: ROUTING_TYPES.has(category) || (addressInformation.length > 1 && category === 'Gateway'),
      labels,
      vulnerabilities: refs,
      processControlSettings,
      attributes,
      userAttributes,
      epp,
    };
    records.push({ device, protocols });
    views.push({
      id,
      name,
      category,
      status,
      cell: cell?.index ?? -1,
      group,
      ip: primaryIp,
      mac: addressInformation[0]?.macAddress ?? null,
      vlanId: cell?.vlanId ?? site.operations.vlanId,
      monitoringPointId: cell?.monitoringPointId ?? site.operations.monitoringPointId,
      model,
      serverProtocol,
      protocols,
      created,
      lastSeen,
      hasProject: processControlSettings !== null,
    });
  }
  return { records, views, vulnerabilities };
}

/** The port a device serves `protocol` on. */
export function serverPortOf(protocol: string): number {
  return portOf(protocol);
}
