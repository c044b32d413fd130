import type { MonitoringPoint } from '../../../kics/model.ts';
import { ipv4 } from '../../ksc/world/ipv4.ts';
import { PLC_LINES, type PlcLine } from './products.ts';
import { WeightedTable, type Random } from '../../core/random.ts';
import { utcTime } from '../times.ts';

/**
 * The industrial site: one plant laid out after the Purdue model. Level 3 (site operations: historians, SCADA
 * servers, engineering stations, the Windows machines KSC also manages) shares one operations LAN; levels 0–2 are
 * split into control cells, each a process area's own VLAN and /22 subnet with a dominant PLC vendor line.
 *
 * Addresses: cell `c` owns 172.16.0.0 + c·1024 (/22, VLAN 100 + c); the operations LAN is 172.31.0.0/16 (VLAN 30);
 * the KSC-managed machines keep their corporate addresses (10.x) on their first interface. At most 960 cells fit
 * 172.16.0.0–172.30.255.255, which is about 100 devices per cell at 100,000 devices.
 *
 * Monitoring points are sensor NICs: id 1 watches the operations LAN on the Server's own interface, the others
 * watch up to eight cells each on external sensors; one more, deleted a while ago, stays in the dictionary.
 */

const DAY_MS = 86_400_000;
const MAX_CELLS = 960;
const DEVICES_PER_CELL = 100;
const CELLS_PER_SENSOR_NIC = 8;
const MAX_MONITORING_POINTS = 60;
const OPS_VLAN = 30;

export interface Area {
  readonly name: string;
  /** Tag used in device and network names (`BLR`). */
  readonly tag: string;
}

const AREAS: readonly Area[] = [
  { name: 'Boiler house', tag: 'BLR' },
  { name: 'Water treatment', tag: 'WTP' },
  { name: 'Compressor station', tag: 'CMP' },
  { name: 'Tank farm', tag: 'TNK' },
  { name: 'Substation', tag: 'SUB' },
  { name: 'Mixing', tag: 'MIX' },
  { name: 'Filling line', tag: 'FIL' },
  { name: 'Packaging line', tag: 'PKG' },
  { name: 'Cooling towers', tag: 'CLT' },
  { name: 'Wastewater', tag: 'WWT' },
  { name: 'Raw materials', tag: 'RAW' },
  { name: 'Utilities', tag: 'UTL' },
];

const SITE_NAMES = ['North Plant', 'Riverside Works', 'Eastfield Plant', 'Lakeside Works', 'Hillcrest Plant'];

const PLC_LINE_WEIGHTS = new WeightedTable<PlcLine>([
  ['siemens', 45],
  ['schneider', 22],
  ['rockwell', 20],
  ['abb', 8],
  ['ge', 5],
]);

export interface Cell {
  readonly index: number;
  readonly area: Area;
  /** Cell number within its area, from 1. */
  readonly number: number;
  /** `ctl-blr-01`: the device's `networkName`. */
  readonly networkName: string;
  /** `North Plant / Boiler house`: the device's `group`. */
  readonly group: string;
  readonly vlanId: number;
  /** First address of the cell's /22, host order. */
  readonly base: number;
  readonly plcLine: PlcLine;
  readonly monitoringPointId: number;
}

export interface OperationsLan {
  readonly networkName: string;
  readonly group: string;
  readonly vlanId: number;
  readonly base: number;
  readonly monitoringPointId: number;
}

export interface SiteLayout {
  readonly siteName: string;
  readonly installedAt: number;
  readonly cells: readonly Cell[];
  readonly operations: OperationsLan;
  readonly monitoringPoints: readonly MonitoringPoint[];
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** How many control cells a world of `devices` devices has. */
export function cellCountFor(devices: number): number {
  return Math.min(MAX_CELLS, Math.max(1, Math.ceil(devices / DEVICES_PER_CELL)));
}

/** Lays out the site for `devices` devices. */
export function layOutSite(rng: Random, devices: number, now: number): SiteLayout {
  const siteName = rng.pick(SITE_NAMES);
  const installedAt = Math.floor((now - rng.between(400, 900) * DAY_MS) / 1000) * 1000;
  const cellCount = cellCountFor(devices);
  const sensorPoints = Math.min(MAX_MONITORING_POINTS - 1, Math.ceil(cellCount / CELLS_PER_SENSOR_NIC));
  const perArea = new Map<string, number>();
  const cells: Cell[] = [];
  for (let c = 0; c < cellCount; c++) {
    const area = AREAS[c % AREAS.length] as Area;
    const number = (perArea.get(area.tag) ?? 0) + 1;
    perArea.set(area.tag, number);
    cells.push({
      index: c,
      area,
      number,
      networkName: `ctl-${area.tag.toLowerCase()}-${pad2(number)}`,
      group: `${siteName} / ${area.name}`,
      vlanId: 100 + c,
      base: (ipv4(172, 16, 0, 0) + c * 1024) >>> 0,
      plcLine: PLC_LINE_WEIGHTS.pick(rng),
      monitoringPointId: 2 + (Math.floor(c / CELLS_PER_SENSOR_NIC) % sensorPoints),
    });
  }
  const monitoringPoints: MonitoringPoint[] = [
    {
      mpId: 1,
      name: 'MP-OPS-LAN',
      nicId: 'eth1',
      hostId: 'kics-server',
      enabled: true,
      createdTime: utcTime(installedAt + DAY_MS),
      deletedTime: null,
    },
  ];
  for (let k = 0; k < sensorPoints; k++) {
    const first = cells[k * CELLS_PER_SENSOR_NIC];
    const sensor = 1 + Math.floor(k / 4);
    monitoringPoints.push({
      mpId: k + 2,
      name: `MP-${first?.area.tag ?? 'CTL'}-${pad2(k + 1)}`,
      nicId: `eth${1 + (k % 4)}`,
      hostId: `sensor-${pad2(sensor)}`,
      enabled: true,
      createdTime: utcTime(installedAt + (2 + k) * DAY_MS),
      deletedTime: null,
    });
  }
  // A monitoring point that was removed when its sensor was moved: no cell refers to it any more.
  const removedAt = Math.floor((now - rng.between(40, 120) * DAY_MS) / 1000) * 1000;
  monitoringPoints.push({
    mpId: sensorPoints + 2,
    name: 'MP-TEMP-SPAN',
    nicId: 'eth3',
    hostId: 'sensor-01',
    enabled: false,
    createdTime: utcTime(installedAt + 5 * DAY_MS),
    deletedTime: utcTime(removedAt),
  });
  return {
    siteName,
    installedAt,
    cells,
    operations: {
      networkName: 'ops-lan',
      group: `${siteName} / Site operations`,
      vlanId: OPS_VLAN,
      base: ipv4(172, 31, 0, 0),
      monitoringPointId: 1,
    },
    monitoringPoints,
  };
}

export { PLC_LINES };
