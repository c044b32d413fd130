import type { AssetType } from '../../../kics/model.ts';

/**
 * What kinds of hardware a plant has, per asset type: real vendors' product lines with firmware and OS versions of
 * the kind those lines ship, the vendor's registered MAC prefix (OUI) where we know it (else a locally
 * administered address is used), and the protocols the device speaks. `family` ties a model to the
 * vulnerabilities of vulnerabilities.ts.
 */

export interface ProductModel {
  readonly family: string;
  readonly vendor: string;
  readonly model: string;
  readonly hardwareVersions: readonly string[];
  readonly softwareVendor: string;
  readonly softwareModel: string;
  readonly softwareVersions: readonly string[];
  readonly os: string | null;
  /** Registered OUI of the vendor, or null for a locally administered address. */
  readonly oui: string | null;
  /** Protocol-stack names of the application protocols the device speaks, server side first. */
  readonly protocols: readonly string[];
  readonly windows: boolean;
  readonly weight: number;
}

const SIEMENS = '00:1b:1b';
const SIEMENS_2 = '00:0e:8c';
const ROCKWELL = '00:00:bc';
const SCHNEIDER = '00:80:f4';
const MOXA = '00:90:e8';
const PHOENIX = '00:a0:45';
const HIRSCHMANN = '00:80:63';
const AXIS = '00:40:8c';
const APC = '00:c0:b7';
const FORTINET = '00:09:0f';
const VMWARE = '00:50:56';
const DELL = '00:14:22';

function model(
  family: string,
  vendor: string,
  name: string,
  options: Partial<Omit<ProductModel, 'family' | 'vendor' | 'model'>>,
): ProductModel {
  return {
    family,
    vendor,
    model: name,
    hardwareVersions: options.hardwareVersions ?? ['1'],
    softwareVendor: options.softwareVendor ?? vendor,
    softwareModel: options.softwareModel ?? `${name} firmware`,
    softwareVersions: options.softwareVersions ?? ['1.0'],
    os: options.os ?? null,
    oui: options.oui ?? null,
    protocols: options.protocols ?? [],
    windows: options.windows ?? false,
    weight: options.weight ?? 1,
  };
}

const WINDOWS_WORKSTATION_OS = [
  'Windows 10 Enterprise LTSC 2019',
  'Windows 10 Enterprise LTSC 2021',
  'Windows 7 Professional SP1',
];
const WINDOWS_SERVER_OS = [
  'Windows Server 2019 Standard',
  'Windows Server 2016 Standard',
  'Windows Server 2022 Standard',
];

/** PLC vendor lines; a control cell mostly uses one of them. */
export const PLC_LINES = ['siemens', 'rockwell', 'schneider', 'abb', 'ge'] as const;
export type PlcLine = (typeof PLC_LINES)[number];

const PLCS: Readonly<Record<PlcLine, readonly ProductModel[]>> = {
  siemens: [
    model('siemens-s7-1500', 'Siemens', 'S7-1500 CPU 1516-3 PN/DP', {
      hardwareVersions: ['6ES7 516-3AN02-0AB0'],
      softwareModel: 'SIMATIC S7-1500 firmware',
      softwareVersions: ['2.8.3', '2.9.4', '3.0.1', '3.1.0'],
      oui: SIEMENS,
      protocols: ['S7commPlus', 'S7comm', 'Profinet', 'OpcUa'],
      weight: 3,
    }),
    model('siemens-s7-1200', 'Siemens', 'S7-1200 CPU 1215C DC/DC/DC', {
      hardwareVersions: ['6ES7 215-1AG40-0XB0'],
      softwareModel: 'SIMATIC S7-1200 firmware',
      softwareVersions: ['4.4.1', '4.5.2', '4.6.0'],
      oui: SIEMENS,
      protocols: ['S7commPlus', 'S7comm', 'ModbusTcp', 'Profinet'],
      weight: 3,
    }),
    model('siemens-s7-300', 'Siemens', 'S7-300 CPU 315-2 PN/DP', {
      hardwareVersions: ['6ES7 315-2EH14-0AB0'],
      softwareModel: 'SIMATIC S7-300 firmware',
      softwareVersions: ['3.2.6', '3.2.17'],
      oui: SIEMENS_2,
      protocols: ['S7comm', 'Profinet'],
      weight: 2,
    }),
    model('siemens-s7-400', 'Siemens', 'S7-400 CPU 416-3 PN/DP', {
      hardwareVersions: ['6ES7 416-3ES07-0AB0'],
      softwareModel: 'SIMATIC S7-400 firmware',
      softwareVersions: ['6.0.9', '7.0.3'],
      oui: SIEMENS_2,
      protocols: ['S7comm', 'Profinet'],
    }),
  ],
  rockwell: [
    model('rockwell-controllogix-5580', 'Rockwell Automation', 'ControlLogix 5580 1756-L83E', {
      hardwareVersions: ['Series A'],
      softwareModel: 'ControlLogix firmware',
      softwareVersions: ['33.011', '34.011', '35.011'],
      oui: ROCKWELL,
      protocols: ['EtherNetIp', 'Cip'],
      weight: 3,
    }),
    model('rockwell-compactlogix-5370', 'Rockwell Automation', 'CompactLogix 5370 1769-L33ER', {
      hardwareVersions: ['Series B'],
      softwareModel: 'CompactLogix firmware',
      softwareVersions: ['32.011', '33.013'],
      oui: ROCKWELL,
      protocols: ['EtherNetIp', 'Cip'],
      weight: 2,
    }),
    model('rockwell-1756-en2t', 'Rockwell Automation', '1756-EN2T communication module', {
      hardwareVersions: ['Series D'],
      softwareVersions: ['11.002', '12.001'],
      oui: ROCKWELL,
      protocols: ['EtherNetIp'],
    }),
  ],
  schneider: [
    model('schneider-m580', 'Schneider Electric', 'Modicon M580 BMEP584040', {
      hardwareVersions: ['PV 03'],
      softwareModel: 'Modicon M580 firmware',
      softwareVersions: ['3.10', '3.20', '4.01'],
      os: 'VxWorks',
      oui: SCHNEIDER,
      protocols: ['ModbusTcp', 'OpcUa'],
      weight: 3,
    }),
    model('schneider-m340', 'Schneider Electric', 'Modicon M340 BMXP342020', {
      hardwareVersions: ['PV 08'],
      softwareModel: 'Modicon M340 firmware',
      softwareVersions: ['3.30', '3.40'],
      oui: SCHNEIDER,
      protocols: ['ModbusTcp'],
      weight: 2,
    }),
    model('schneider-m218', 'Schneider Electric', 'Modicon M218 TM218LDAE24DRHN', {
      softwareVersions: ['5.1.0.6', '5.1.0.8'],
      oui: SCHNEIDER,
      protocols: ['ModbusTcp'],
    }),
  ],
  abb: [
    model('abb-ac500', 'ABB', 'AC500 PM583-ETH', {
      hardwareVersions: ['V2'],
      softwareVersions: ['2.8.4', '3.0.2'],
      protocols: ['ModbusTcp', 'Iec104', 'OpcUa'],
    }),
  ],
  ge: [
    model('ge-rx3i', 'GE Vernova', 'PACSystems RX3i CPE305', {
      softwareVersions: ['9.85', '10.05'],
      protocols: ['ModbusTcp', 'OpcUa'],
    }),
  ],
};

const BY_TYPE: Readonly<Partial<Record<AssetType, readonly ProductModel[]>>> = {
  Rpa: [
    model('siemens-siprotec-5', 'Siemens', 'SIPROTEC 5 7SJ85', {
      softwareModel: 'SIPROTEC 5 firmware',
      softwareVersions: ['8.30', '9.40'],
      oui: SIEMENS,
      protocols: ['Mms', 'Goose', 'Iec104'],
      weight: 2,
    }),
    model('abb-relion-615', 'ABB', 'Relion REF615', {
      softwareVersions: ['5.0 FP1'],
      protocols: ['Mms', 'Goose', 'ModbusTcp'],
    }),
    model('sel-751', 'Schweitzer Engineering Laboratories', 'SEL-751 Feeder Protection Relay', {
      softwareVersions: ['R401', 'R413'],
      protocols: ['Dnp3', 'ModbusTcp', 'Mms'],
    }),
  ],
  HmiPanel: [
    model('siemens-tp-comfort', 'Siemens', 'SIMATIC HMI TP1200 Comfort', {
      softwareModel: 'WinCC Runtime Advanced',
      softwareVersions: ['17.0.0.0', '18.0.0.1'],
      os: 'Windows CE 6.0',
      oui: SIEMENS,
      protocols: ['S7comm', 'S7commPlus'],
      weight: 2,
    }),
    model('rockwell-panelview-5510', 'Rockwell Automation', 'PanelView 5510', {
      softwareVersions: ['7.001', '8.011'],
      oui: ROCKWELL,
      protocols: ['EtherNetIp'],
    }),
    model('schneider-harmony-gtu', 'Schneider Electric', 'Harmony GTU HMIDT642', {
      softwareModel: 'Vijeo Designer Runtime',
      softwareVersions: ['6.2.11'],
      oui: SCHNEIDER,
      protocols: ['ModbusTcp'],
    }),
  ],
  ScadaHmi: [
    model('siemens-wincc', 'Dell', 'OptiPlex 7090', {
      softwareVendor: 'Siemens',
      softwareModel: 'SIMATIC WinCC',
      softwareVersions: ['7.5 SP2', '8.0'],
      oui: DELL,
      protocols: ['OpcUa', 'Rdp', 'Smb'],
      windows: true,
      weight: 2,
    }),
    model('aveva-intouch', 'Dell', 'Precision 3660', {
      softwareVendor: 'AVEVA',
      softwareModel: 'InTouch HMI',
      softwareVersions: ['2020 R2', '2023'],
      oui: DELL,
      protocols: ['OpcUa', 'Rdp', 'Smb'],
      windows: true,
    }),
  ],
  EngineeringStation: [
    model('siemens-tia-portal', 'Siemens', 'SIMATIC Field PG M6', {
      softwareModel: 'TIA Portal',
      softwareVersions: ['V17', 'V18', 'V19'],
      oui: SIEMENS,
      protocols: ['Rdp', 'Smb'],
      windows: true,
      weight: 2,
    }),
    model('rockwell-studio-5000', 'Dell', 'Precision 7680', {
      softwareVendor: 'Rockwell Automation',
      softwareModel: 'Studio 5000 Logix Designer',
      softwareVersions: ['33.00', '34.01', '35.00'],
      oui: DELL,
      protocols: ['Rdp', 'Smb'],
      windows: true,
    }),
    model('schneider-control-expert', 'Dell', 'Latitude 5540', {
      softwareVendor: 'Schneider Electric',
      softwareModel: 'EcoStruxure Control Expert',
      softwareVersions: ['15.1', '15.3'],
      oui: DELL,
      protocols: ['Rdp', 'Smb'],
      windows: true,
    }),
  ],
  Historian: [
    model('aveva-pi', 'Dell', 'PowerEdge R650', {
      softwareVendor: 'AVEVA',
      softwareModel: 'PI Data Archive',
      softwareVersions: ['2018 SP3', '2023'],
      oui: DELL,
      protocols: ['OpcUa', 'Https', 'Smb'],
      windows: true,
    }),
  ],
  Server: [
    model('windows-server', 'Dell', 'PowerEdge R750', {
      softwareVendor: 'Microsoft',
      softwareModel: 'Windows Server',
      softwareVersions: ['10.0.17763', '10.0.20348'],
      oui: DELL,
      protocols: ['OpcUa', 'Smb', 'Rdp'],
      windows: true,
      weight: 3,
    }),
    model('linux-server', 'HPE', 'ProLiant DL360 Gen10', {
      softwareVendor: 'Red Hat',
      softwareModel: 'Red Hat Enterprise Linux',
      softwareVersions: ['8.9', '9.3'],
      os: 'Linux',
      protocols: ['Ssh', 'Https'],
    }),
  ],
  Workstation: [
    model('windows-workstation', 'Dell', 'OptiPlex 5000', {
      softwareVendor: 'Microsoft',
      softwareModel: 'Windows',
      softwareVersions: ['10.0.17763', '10.0.19044'],
      oui: DELL,
      protocols: ['Smb', 'Rdp'],
      windows: true,
    }),
  ],
  Laptop: [
    model('windows-laptop', 'Lenovo', 'ThinkPad T14 Gen 3', {
      softwareVendor: 'Microsoft',
      softwareModel: 'Windows',
      softwareVersions: ['10.0.19045', '10.0.22631'],
      protocols: ['Smb'],
      windows: true,
    }),
  ],
  Switch: [
    model('siemens-scalance-x', 'Siemens', 'SCALANCE XC208', {
      softwareVersions: ['4.3', '4.5'],
      oui: SIEMENS,
      protocols: ['Snmp', 'Https', 'Profinet'],
      weight: 2,
    }),
    model('hirschmann-rsp', 'Hirschmann', 'RSP35', {
      softwareModel: 'HiOS',
      softwareVersions: ['08.7', '09.1'],
      oui: HIRSCHMANN,
      protocols: ['Snmp', 'Https'],
    }),
    model('moxa-eds', 'Moxa', 'EDS-G516E', {
      softwareVersions: ['6.3', '6.5'],
      oui: MOXA,
      protocols: ['Snmp', 'Http', 'ModbusTcp'],
    }),
    model('schneider-mcses', 'Schneider Electric', 'Modicon Managed Switch MCSESM083F23F0', {
      softwareVersions: ['8.21', '8.22'],
      oui: SCHNEIDER,
      protocols: ['Snmp', 'Https'],
    }),
  ],
  VirtualSwitch: [
    model('vmware-vds', 'VMware', 'vSphere Distributed Switch', {
      softwareVersions: ['7.0.3', '8.0.2'],
      os: 'VMware ESXi',
      oui: VMWARE,
      protocols: ['Snmp'],
    }),
  ],
  Router: [
    model('cisco-ir1101', 'Cisco', 'IR1101 Industrial Integrated Services Router', {
      softwareModel: 'IOS XE',
      softwareVersions: ['17.6.4', '17.9.3'],
      protocols: ['Snmp', 'Ssh'],
    }),
    model('phoenix-fl-mguard', 'Phoenix Contact', 'FL MGUARD 4302', {
      softwareModel: 'mGuard firmware',
      softwareVersions: ['10.3.1', '10.4.0'],
      oui: PHOENIX,
      protocols: ['Snmp', 'Https'],
    }),
  ],
  VirtualRouter: [
    model('vyos', 'VyOS', 'VyOS virtual router', {
      softwareVersions: ['1.4.0'],
      os: 'Linux',
      oui: VMWARE,
      protocols: ['Ssh'],
    }),
  ],
  Firewall: [
    model('fortigate-rugged', 'Fortinet', 'FortiGate Rugged 60F', {
      softwareModel: 'FortiOS',
      softwareVersions: ['7.2.8', '7.4.3'],
      oui: FORTINET,
      protocols: ['Https', 'Snmp'],
    }),
    model('siemens-scalance-s', 'Siemens', 'SCALANCE SC642-2C', {
      softwareVersions: ['3.0', '3.1'],
      oui: SIEMENS,
      protocols: ['Https', 'Snmp'],
    }),
  ],
  Gateway: [
    model('moxa-mgate', 'Moxa', 'MGate MB3180', {
      softwareVersions: ['2.2', '2.3'],
      oui: MOXA,
      protocols: ['ModbusTcp', 'Http'],
      weight: 2,
    }),
    model('hms-anybus', 'HMS Networks', 'Anybus X-gateway AB7832', {
      softwareVersions: ['1.21'],
      protocols: ['EtherNetIp', 'Profinet'],
    }),
  ],
  NetworkDevice: [
    model('moxa-nport', 'Moxa', 'NPort 5150', {
      softwareVersions: ['3.11', '3.12'],
      oui: MOXA,
      protocols: ['Http', 'Telnet'],
    }),
    model('phoenix-io', 'Phoenix Contact', 'AXL F BK PN', {
      softwareVersions: ['1.33'],
      oui: PHOENIX,
      protocols: ['Profinet', 'ModbusTcp'],
    }),
  ],
  UPS: [
    model('apc-smart-ups', 'APC', 'Smart-UPS SRT 3000 with AP9641', {
      softwareModel: 'Network Management Card 3',
      softwareVersions: ['1.4.2.1', '2.5.0.6'],
      oui: APC,
      protocols: ['Snmp', 'Https', 'ModbusTcp'],
    }),
  ],
  NetworkCamera: [
    model('axis-q1656', 'Axis Communications', 'AXIS Q1656', {
      softwareModel: 'AXIS OS',
      softwareVersions: ['11.8.64', '11.11.73'],
      os: 'Linux',
      oui: AXIS,
      protocols: ['Https', 'Http'],
    }),
  ],
  Printer: [
    model('hp-laserjet', 'HP', 'LaserJet Enterprise M507', {
      softwareVersions: ['2409081_000563'],
      protocols: ['Snmp', 'Http'],
    }),
  ],
  StorageSystem: [
    model('synology-rs', 'Synology', 'RackStation RS1221+', {
      softwareModel: 'DSM',
      softwareVersions: ['7.2.1'],
      os: 'Linux',
      protocols: ['Smb', 'Https'],
    }),
  ],
  WiFi: [
    model('siemens-scalance-w', 'Siemens', 'SCALANCE W788-1 RJ45', {
      softwareVersions: ['6.5.1'],
      oui: SIEMENS,
      protocols: ['Snmp', 'Https'],
    }),
  ],
  MobileDevice: [
    model('zebra-tc52', 'Zebra Technologies', 'TC52 mobile computer', {
      softwareModel: 'Android',
      softwareVersions: ['11', '13'],
      os: 'Android',
      protocols: ['Https'],
    }),
  ],
  Other: [
    model('siemens-et200sp', 'Siemens', 'ET 200SP IM155-6PN ST', {
      softwareVersions: ['4.2.1'],
      oui: SIEMENS,
      protocols: ['Profinet'],
    }),
    model('sinamics-g120', 'Siemens', 'SINAMICS G120 CU250S-2 PN', {
      softwareVersions: ['4.7.13'],
      oui: SIEMENS_2,
      protocols: ['Profinet'],
    }),
    model('powerflex-755', 'Rockwell Automation', 'PowerFlex 755 drive', {
      softwareVersions: ['14.002'],
      oui: ROCKWELL,
      protocols: ['EtherNetIp'],
    }),
  ],
};

/** PLC models of a vendor line. */
export function plcModels(line: PlcLine): readonly ProductModel[] {
  return PLCS[line];
}

/** Models of a non-PLC asset type. */
export function modelsOf(type: AssetType): readonly ProductModel[] {
  const models = type === 'Plc' ? PLCS.siemens : BY_TYPE[type];
  if (models === undefined || models.length === 0) throw new Error(`no product models for ${type}`);
  return models;
}

export { WINDOWS_SERVER_OS, WINDOWS_WORKSTATION_OS };
