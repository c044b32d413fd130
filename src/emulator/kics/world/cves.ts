/**
 * Real CVE records of ICS products and of the Windows versions found on plant floors, with the CVSS v3 base scores
 * and vectors NVD or the vendor's advisory (ICS-CERT) publishes, and the publication dates of those advisories.
 * Descriptions, conditions and mitigations are our own short wording. `families` are product families of
 * products.ts; `windows` matches Windows machines by OS name.
 */

export interface CveRecord {
  readonly cveId: string;
  readonly cvsScore: number;
  readonly vector: string;
  /** Publication date, `YYYY-MM-DD`. */
  readonly published: string;
  readonly description: string;
  readonly attackConditions: string;
  readonly impact: string;
  readonly mitigations: readonly string[];
  readonly references: readonly string[];
  readonly cpe: string;
  readonly families?: readonly string[];
  /** Matches Windows machines whose OS name contains one of these. */
  readonly windows?: readonly string[];
}

const NVD = 'https://nvd.nist.gov/vuln/detail/';
const NETWORK_9_8 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const NETWORK_DOS_7_5 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H';
const NETWORK_DOS_CHANGED_8_6 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:H';

export const CVES: readonly CveRecord[] = [
  {
    cveId: 'CVE-2020-15782',
    cvsScore: 8.1,
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
    published: '2021-05-28',
    description:
      'Memory protection bypass in S7-1200 and S7-1500 CPUs: an attacker with access to port 102/tcp can write code to protected memory.',
    attackConditions: 'Network access to port 102/tcp of the CPU',
    impact: 'Arbitrary code execution on the CPU',
    mitigations: [
      'Update the CPU firmware',
      'Protect access to port 102/tcp',
      'Enable access protection with a password',
    ],
    references: [`${NVD}CVE-2020-15782`, 'SSA-434534'],
    cpe: 'cpe:2.3:o:siemens:simatic_s7-1500_cpu_firmware:*:*:*:*:*:*:*:*',
    families: ['siemens-s7-1500', 'siemens-s7-1200'],
  },
  {
    cveId: 'CVE-2022-38465',
    cvsScore: 7.8,
    vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
    published: '2022-10-11',
    description:
      'The global private key of the S7-1200 and S7-1500 CPU families is insufficiently protected and can be recovered from one CPU.',
    attackConditions: 'Offline analysis of one CPU of the family',
    impact: 'Disclosure of protected configuration data, attacks on legacy PG/PC and HMI communication',
    mitigations: ['Update to firmware with individual keys', 'Use TLS-secured PG/PC and HMI communication'],
    references: [`${NVD}CVE-2022-38465`, 'SSA-568427'],
    cpe: 'cpe:2.3:o:siemens:simatic_s7-1200_cpu_firmware:*:*:*:*:*:*:*:*',
    families: ['siemens-s7-1500', 'siemens-s7-1200'],
  },
  {
    cveId: 'CVE-2017-12741',
    cvsScore: 7.5,
    vector: NETWORK_DOS_7_5,
    published: '2017-12-26',
    description:
      'Specially crafted PROFINET DCP packets can put S7-300 and S7-400 CPUs into a denial-of-service state.',
    attackConditions: 'Layer 2 access to the PROFINET network',
    impact: 'Denial of service of the CPU',
    mitigations: ['Update the CPU firmware', 'Restrict Layer 2 access to the PROFINET segment'],
    references: [`${NVD}CVE-2017-12741`, 'SSA-346262'],
    cpe: 'cpe:2.3:o:siemens:simatic_s7-300_cpu_firmware:*:*:*:*:*:*:*:*',
    families: ['siemens-s7-300', 'siemens-s7-400'],
  },
  {
    cveId: 'CVE-2021-22779',
    cvsScore: 9.8,
    vector: NETWORK_9_8,
    published: '2021-07-13',
    description:
      'Authentication bypass by capture-replay in Modicon M340 and M580 controllers through undocumented Modbus commands.',
    attackConditions: 'Network access to the controller over Modbus/TCP',
    impact: 'Unauthorized reading and writing of controller memory, code execution',
    mitigations: [
      'Update the controller firmware',
      'Set an application password',
      'Restrict access to port 502/tcp',
    ],
    references: [`${NVD}CVE-2021-22779`, 'SEVD-2021-194-01'],
    cpe: 'cpe:2.3:o:schneider-electric:modicon_m580_firmware:*:*:*:*:*:*:*:*',
    families: ['schneider-m580', 'schneider-m340'],
  },
  {
    cveId: 'CVE-2021-22800',
    cvsScore: 7.5,
    vector: NETWORK_DOS_7_5,
    published: '2022-02-11',
    description:
      'Improper input validation in the Modicon M218 logic controller: a crafted packet to port 1105/tcp stops it.',
    attackConditions: 'Network access to port 1105/tcp',
    impact: 'Denial of service of the controller',
    mitigations: ['Update the controller firmware', 'Block port 1105/tcp at the cell boundary'],
    references: [`${NVD}CVE-2021-22800`],
    cpe: 'cpe:2.3:o:schneider-electric:modicon_m218_firmware:*:*:*:*:*:*:*:*',
    families: ['schneider-m218'],
  },
  {
    cveId: 'CVE-2021-22731',
    cvsScore: 9.8,
    vector: NETWORK_9_8,
    published: '2021-05-10',
    description:
      'Modicon managed switches let a remote attacker change account passwords through the web interface without authentication.',
    attackConditions: 'Network access to the HTTP/HTTPS management interface',
    impact: 'Takeover of the switch',
    mitigations: ['Update the switch firmware to V8.22 or later', 'Disable web management where not needed'],
    references: [`${NVD}CVE-2021-22731`, 'SEVD-2021-130-01'],
    cpe: 'cpe:2.3:o:schneider-electric:mcsesm083f23f0_firmware:*:*:*:*:*:*:*:*',
    families: ['schneider-mcses'],
  },
  {
    cveId: 'CVE-2021-22681',
    cvsScore: 10.0,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
    published: '2021-02-25',
    description:
      'The key Studio 5000 Logix Designer uses to authenticate to Logix controllers can be discovered, so other software can impersonate it.',
    attackConditions: 'Network access to the controller over EtherNet/IP',
    impact: 'Unauthorized changes to controller configuration and logic',
    mitigations: [
      'Enable CIP Security',
      'Put the controller key switch in RUN',
      'Segment the control network',
    ],
    references: [`${NVD}CVE-2021-22681`, 'ICSA-21-056-03'],
    cpe: 'cpe:2.3:h:rockwellautomation:controllogix_5580:-:*:*:*:*:*:*:*',
    families: ['rockwell-controllogix-5580', 'rockwell-compactlogix-5370'],
  },
  {
    cveId: 'CVE-2022-3157',
    cvsScore: 8.6,
    vector: NETWORK_DOS_CHANGED_8_6,
    published: '2022-12-15',
    description:
      'A malformed CIP request can cause a major nonrecoverable fault in 5370 and 5570 Logix controllers.',
    attackConditions: 'Network access to the controller over EtherNet/IP',
    impact: 'Denial of service of the controller',
    mitigations: ['Update to firmware 33.013, 34.011 or later', 'Restrict CIP access to known hosts'],
    references: [`${NVD}CVE-2022-3157`, 'ICSA-22-354-02'],
    cpe: 'cpe:2.3:o:rockwellautomation:compactlogix_5370_firmware:*:*:*:*:*:*:*:*',
    families: ['rockwell-compactlogix-5370'],
  },
  {
    cveId: 'CVE-2024-3493',
    cvsScore: 8.6,
    vector: NETWORK_DOS_CHANGED_8_6,
    published: '2024-04-16',
    description:
      'A malformed fragmented packet can cause a major nonrecoverable fault in ControlLogix 5580 controllers.',
    attackConditions: 'Network access to the controller',
    impact: 'Denial of service of the controller',
    mitigations: ['Update to V35.013 or V36.011'],
    references: [`${NVD}CVE-2024-3493`, 'ICSA-24-107-03'],
    cpe: 'cpe:2.3:o:rockwellautomation:controllogix_5580_firmware:35.011:*:*:*:*:*:*:*',
    families: ['rockwell-controllogix-5580'],
  },
  {
    cveId: 'CVE-2023-3595',
    cvsScore: 9.8,
    vector: NETWORK_9_8,
    published: '2023-07-12',
    description: 'Out-of-bounds write in 1756-EN2* communication modules through malicious CIP messages.',
    attackConditions: 'Network access to the module over EtherNet/IP',
    impact: 'Remote code execution with persistence on the module',
    mitigations: ['Update the module firmware', 'Block CIP from outside the control network'],
    references: [`${NVD}CVE-2023-3595`, 'ICSA-23-193-01'],
    cpe: 'cpe:2.3:o:rockwellautomation:1756-en2t_firmware:*:*:*:*:*:*:*:*',
    families: ['rockwell-1756-en2t'],
  },
  {
    cveId: 'CVE-2023-3596',
    cvsScore: 7.5,
    vector: NETWORK_DOS_7_5,
    published: '2023-07-12',
    description: 'Out-of-bounds write in 1756-EN4* communication modules through malicious CIP messages.',
    attackConditions: 'Network access to the module over EtherNet/IP',
    impact: 'Denial of service of the module',
    mitigations: ['Update the module firmware'],
    references: [`${NVD}CVE-2023-3596`, 'ICSA-23-193-01'],
    cpe: 'cpe:2.3:o:rockwellautomation:1756-en4tr_firmware:*:*:*:*:*:*:*:*',
    families: ['rockwell-1756-en2t'],
  },
  {
    cveId: 'CVE-2017-0144',
    cvsScore: 8.1,
    vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
    published: '2017-03-16',
    description: 'Remote code execution in the SMBv1 server of Windows (EternalBlue).',
    attackConditions: 'Network access to port 445/tcp, SMBv1 enabled',
    impact: 'Remote code execution',
    mitigations: ['Install MS17-010', 'Disable SMBv1'],
    references: [`${NVD}CVE-2017-0144`, 'MS17-010'],
    cpe: 'cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*',
    windows: ['Windows 7', 'Windows Server 2016'],
  },
  {
    cveId: 'CVE-2019-0708',
    cvsScore: 9.8,
    vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    published: '2019-05-16',
    description: 'Remote code execution in Remote Desktop Services before authentication (BlueKeep).',
    attackConditions: 'Network access to port 3389/tcp',
    impact: 'Remote code execution',
    mitigations: ['Install the May 2019 update', 'Enable Network Level Authentication', 'Block 3389/tcp'],
    references: [`${NVD}CVE-2019-0708`],
    cpe: 'cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*',
    windows: ['Windows 7'],
  },
  {
    cveId: 'CVE-2020-1472',
    cvsScore: 10.0,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
    published: '2020-08-17',
    description: 'Elevation of privilege in the Netlogon remote protocol (Zerologon).',
    attackConditions: 'Network access to a domain controller',
    impact: 'Domain administrator privileges',
    mitigations: ['Install the August 2020 update', 'Enforce secure Netlogon channels'],
    references: [`${NVD}CVE-2020-1472`],
    cpe: 'cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*',
    windows: ['Windows Server 2016', 'Windows Server 2019'],
  },
];
