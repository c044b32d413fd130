import type { AssetStatus, AssetType, Device, SecurityState } from '../../../kics/model.ts';
import type { PlainJson } from '../../core/types.ts';

/** A device's status in words, as the KICS web interface shows it. */
export const STATUS_WORDS: { readonly [S in AssetStatus]: string } = {
  Unauthorized: 'Unauthorized',
  Recognized: 'Authorized (recognized)',
  Archived: 'Archived',
};

/** A device's category in words. */
export const CATEGORY_WORDS: { readonly [T in AssetType]: string } = {
  ScadaHmi: 'SCADA / HMI',
  Rpa: 'Relay protection and automation',
  Server: 'Server',
  Workstation: 'Workstation',
  Plc: 'PLC',
  EngineeringStation: 'Engineering workstation',
  MobileDevice: 'Mobile device',
  NetworkDevice: 'Network device',
  Other: 'Other',
  Laptop: 'Laptop',
  HmiPanel: 'HMI panel',
  Printer: 'Printer',
  UPS: 'Uninterruptible power supply',
  NetworkCamera: 'Network camera',
  Gateway: 'Gateway',
  StorageSystem: 'Storage system',
  Firewall: 'Firewall',
  Switch: 'Switch',
  VirtualSwitch: 'Virtual switch',
  Router: 'Router',
  VirtualRouter: 'Virtual router',
  WiFi: 'Wi-Fi access point',
  Historian: 'Historian',
};

/** A device's security state in words. */
export const SECURITY_STATE_WORDS: { readonly [S in SecurityState]: string } = {
  UnknownAssetSecurityStatus: 'Unknown',
  Ok: 'OK',
  Warning: 'Warning',
  Critical: 'Critical',
};

/** Words for a value the server sent, or the value itself when this version does not know it. */
function words(table: Readonly<Record<string, string>>, value: string): string {
  return Object.hasOwn(table, value) ? table[value]! : value;
}

export function ipAddressesOf(device: Device): string[] {
  return device.addressInformation.flatMap((a) => a.ipAddresses.map((ip) => ip.ip));
}

export function macAddressesOf(device: Device): string[] {
  return device.addressInformation.flatMap((a) => (a.macAddress === null ? [] : [a.macAddress]));
}

/**
 * One device of `context`: what a playbook or an assistant usually needs flat (its addresses, CVEs), the codes
 * KICS uses and beside each its words (`statusText`, `categoryText`, `securityStateText`).
 */
export function deviceRecord(device: Device): { [key: string]: PlainJson } {
  return {
    id: device.id,
    name: device.name,
    status: device.status,
    statusText: words(STATUS_WORDS, device.status),
    category: device.category,
    categoryText: words(CATEGORY_WORDS, device.category),
    securityState: device.securityState,
    securityStateText: words(SECURITY_STATE_WORDS, device.securityState),
    ipAddresses: ipAddressesOf(device),
    macAddresses: macAddressesOf(device),
    group: device.group,
    os: device.os,
    hardwareVendor: device.hardwareVendor,
    hardwareModel: device.hardwareModel,
    networkName: device.networkName,
    isRouter: device.isRouter,
    labels: [...device.labels],
    cves: [...new Set(device.vulnerabilities.map((v) => v.cveId))],
    lastSeen: device.lastSeen,
    created: device.created,
    endpointProtection: device.epp === null ? null : device.epp.name,
  };
}

/** The columns of a device table, for people. */
export const DEVICE_COLUMNS = [
  'ID',
  'Name',
  'Status',
  'Category',
  'Security State',
  'IP Addresses',
  'Last Seen',
];

export function deviceRow(device: Device): PlainJson[] {
  return [
    device.id,
    device.name,
    words(STATUS_WORDS, device.status),
    words(CATEGORY_WORDS, device.category),
    words(SECURITY_STATE_WORDS, device.securityState),
    ipAddressesOf(device).join(', '),
    device.lastSeen,
  ];
}
