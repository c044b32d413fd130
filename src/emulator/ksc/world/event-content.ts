import { ipv4 } from './ipv4.ts';
import type { Random } from '../../core/random.ts';

/**
 * What events talk about: threats, infected files, blocked sites, attacks, applications, updates. Plain tables
 * picked from by index, so an event costs a few draws and string concatenations.
 */

/** A detected threat: verdict name and the threat type KES reports for it. */
export interface Threat {
  readonly name: string;
  readonly type: string;
}

const threat = (name: string, type: string): Threat => ({ name, type });

export const WINDOWS_THREATS: readonly Threat[] = [
  threat('HEUR:Trojan.Win32.Generic', 'Trojan program'),
  threat('Trojan.Win32.Agent.gen', 'Trojan program'),
  threat('Trojan-Ransom.Win32.Encoder.gen', 'Trojan program'),
  threat('Trojan-PSW.Win32.Stealer.gen', 'Trojan program'),
  threat('HEUR:Trojan-Downloader.Script.Generic', 'Trojan program'),
  threat('Exploit.MSOffice.CVE-2017-11882.gen', 'Exploit'),
  threat('HEUR:Worm.Win32.Generic', 'Worm'),
  threat('Virus.Win32.Sality.gen', 'Virus'),
  threat('Backdoor.Win32.Agent.gen', 'Backdoor'),
  threat('not-a-virus:HEUR:AdWare.Win32.Agent.gen', 'Adware'),
  threat('not-a-virus:RemoteAdmin.Win32.NetSupport.gen', 'Legitimate software that can be used by intruders'),
  threat('EICAR-Test-File', 'Virus'),
];

export const LINUX_THREATS: readonly Threat[] = [
  threat('HEUR:Backdoor.Linux.Mirai.b', 'Backdoor'),
  threat('HEUR:Trojan.Linux.Agent.gen', 'Trojan program'),
  threat('HEUR:Trojan-Downloader.Shell.Agent.p', 'Trojan program'),
  threat('HEUR:Exploit.Linux.CVE-2021-4034.a', 'Exploit'),
  threat('HEUR:Backdoor.PHP.WebShell.gen', 'Backdoor'),
  threat('not-a-virus:HEUR:RiskTool.Linux.BitCoinMiner.n', 'Riskware'),
  threat('EICAR-Test-File', 'Virus'),
];

export const WEB_THREATS: readonly Threat[] = [
  threat('HEUR:Trojan.Script.Generic', 'Trojan program'),
  threat('PDM:Phishing.URL.gen', 'Phishing link'),
  threat('HEUR:Exploit.Script.Generic', 'Exploit'),
  threat('not-a-virus:HEUR:AdWare.Script.Generic', 'Adware'),
];

const WINDOWS_FOLDERS: readonly string[] = [
  'C:\\Users\\{user}\\Downloads\\',
  'C:\\Users\\{user}\\AppData\\Local\\Temp\\',
  'C:\\Users\\{user}\\Desktop\\',
  'C:\\Users\\{user}\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\',
  'C:\\ProgramData\\',
  'C:\\Windows\\Temp\\',
  'E:\\',
];
const WINDOWS_FILES: readonly string[] = [
  'invoice_2024_0412.exe',
  'setup.exe',
  'contract_draft.docm',
  'scan_0412.pdf.exe',
  'update.js',
  'payload.dll',
  'keygen.zip//keygen.exe',
  'salary_report.xlsm',
  'holiday_photo.scr',
  'chrome_update.msi',
  'svch0st.exe',
  'eicar.com',
  'DHL_delivery_notice.lnk',
  'readme.hta',
];
const LINUX_FOLDERS: readonly string[] = [
  '/tmp/',
  '/var/tmp/',
  '/home/{user}/Downloads/',
  '/var/www/html/uploads/',
  '/dev/shm/',
  '/opt/app/lib/',
];
const LINUX_FILES: readonly string[] = [
  'x86_64',
  '.kworker',
  'install.sh',
  'shell.php',
  'xmrig',
  'eicar.com',
  'update.elf',
  'libsystemd-helper.so',
];
const BAD_SITES: readonly string[] = [
  'http://free-movies-hd.example/player/update.js',
  'http://invoice-portal.example.net/view.php?id=4412',
  'https://login-m1crosoft.example/owa/auth.html',
  'http://cdn-dl.example.org/files/setup_x64.exe',
  'https://crypto-bonus.example/claim',
  'http://parcel-tracking.example.com/track?c=7731',
];

/** Full path of a file on a Windows or Linux host, with the user's profile folder filled in. */
export function objectPath(rng: Random, linux: boolean, user: string): string {
  const folder = rng.pick(linux ? LINUX_FOLDERS : WINDOWS_FOLDERS);
  const braces = folder.indexOf('{user}');
  const resolved = braces < 0 ? folder : folder.slice(0, braces) + user + folder.slice(braces + 6);
  return resolved + rng.pick(linux ? LINUX_FILES : WINDOWS_FILES);
}

export function badSite(rng: Random): string {
  return rng.pick(BAD_SITES);
}

/** A network attack: detection name, protocol, the targeted port, and whether it targets Linux. */
export interface Attack {
  readonly name: string;
  readonly protocol: string;
  readonly port: number;
  readonly linux: boolean | null;
}

export const ATTACKS: readonly Attack[] = [
  { name: 'Scan.Generic.PortScan.TCP', protocol: 'TCP', port: 0, linux: null },
  { name: 'Intrusion.Win.MS17-010.o', protocol: 'TCP', port: 445, linux: false },
  { name: 'Intrusion.Win.CVE-2020-0796.a', protocol: 'TCP', port: 445, linux: false },
  { name: 'Bruteforce.Generic.RDP.a', protocol: 'TCP', port: 3389, linux: false },
  { name: 'Bruteforce.Generic.SSH.b', protocol: 'TCP', port: 22, linux: true },
  { name: 'Intrusion.Generic.CVE-2021-44228.a', protocol: 'TCP', port: 8080, linux: null },
  { name: 'DoS.Generic.SYNFlood', protocol: 'TCP', port: 80, linux: null },
  { name: 'Scan.Generic.UDP', protocol: 'UDP', port: 161, linux: null },
];

const PUBLIC_FIRST_OCTETS = [5, 31, 45, 62, 77, 80, 89, 91, 103, 109, 141, 176, 185, 193, 194, 212, 217];

/** An attacker address: mostly from the internet, sometimes a compromised internal machine. */
export function attackerAddress(rng: Random): number {
  if (rng.chance(0.35)) return ipv4(10, rng.int(1, 220), rng.int(1, 250), rng.int(2, 251));
  return ipv4(rng.pick(PUBLIC_FIRST_OCTETS), rng.int(0, 255), rng.int(0, 255), rng.int(1, 254));
}

/** An application Application Control blocks, and the rule that blocks it. */
export interface BlockedApplication {
  readonly file: string;
  readonly rule: string;
}

export const BLOCKED_APPLICATIONS: readonly BlockedApplication[] = [
  { file: 'AnyDesk.exe', rule: 'Remote administration tools' },
  { file: 'TeamViewer_Setup_x64.exe', rule: 'Remote administration tools' },
  { file: 'qbittorrent_4.6.4_x64_setup.exe', rule: 'Torrent clients' },
  { file: 'utorrent.exe', rule: 'Torrent clients' },
  { file: 'SteamSetup.exe', rule: 'Games' },
  { file: 'tor-browser-windows-x86_64-portable-13.0.14.exe', rule: 'Anonymizers' },
  { file: 'PsExec64.exe', rule: 'Administration utilities' },
  { file: 'mimikatz.exe', rule: 'Hacking tools' },
  { file: 'ProcessHacker.exe', rule: 'Administration utilities' },
];

/** An installed or removed application as inventory reports it. */
export interface InventoryApplication {
  readonly name: string;
  readonly version: string;
  readonly vendor: string;
}

const app = (name: string, version: string, vendor: string): InventoryApplication => ({
  name,
  version,
  vendor,
});

export const WINDOWS_APPLICATIONS: readonly InventoryApplication[] = [
  app('Google Chrome', '124.0.6367.119', 'Google LLC'),
  app('Mozilla Firefox (x64 en-US)', '125.0.3', 'Mozilla'),
  app('Microsoft Edge', '124.0.2478.80', 'Microsoft Corporation'),
  app('7-Zip 23.01 (x64)', '23.01', 'Igor Pavlov'),
  app('Notepad++ (64-bit x64)', '8.6.5', 'Notepad++ Team'),
  app('Zoom Workplace (64-bit)', '6.0.2.33403', 'Zoom Video Communications, Inc.'),
  app('Microsoft Teams', '24060.3102.2733.5911', 'Microsoft Corporation'),
  app('Adobe Acrobat Reader (64-bit)', '24.002.20736', 'Adobe'),
  app('VLC media player', '3.0.20', 'VideoLAN'),
  app('Microsoft Visual C++ 2015-2022 Redistributable (x64)', '14.38.33135.0', 'Microsoft Corporation'),
  app('Git', '2.45.0', 'The Git Development Community'),
  app('Python 3.12.3 (64-bit)', '3.12.3150.0', 'Python Software Foundation'),
];

export const LINUX_APPLICATIONS: readonly InventoryApplication[] = [
  app('nginx', '1.24.0', 'Ubuntu Developers'),
  app('openssl', '3.0.2', 'Ubuntu Developers'),
  app('docker-ce', '26.1.1', 'Docker'),
  app('postgresql-15', '15.6', 'PostgreSQL Global Development Group'),
  app('openssh-server', '8.9p1', 'Ubuntu Developers'),
  app('python3', '3.10.12', 'Ubuntu Developers'),
  app('curl', '7.81.0', 'Ubuntu Developers'),
];

export const WINDOWS_PATCHES: readonly string[] = [
  '2024-05 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5037768)',
  '2024-05 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5037771)',
  '2024-05 Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems (KB5037782)',
  '2024-04 Cumulative Update for .NET Framework 3.5, 4.8 and 4.8.1 for Windows 10 Version 22H2 (KB5036620)',
  'Security Intelligence Update for Microsoft Defender Antivirus - KB2267602',
  '2024-05 Servicing Stack Update for Windows Server 2016 for x64-based Systems (KB5037016)',
  'Windows Malicious Software Removal Tool x64 - v5.124 (KB890830)',
];

export const PROTECTION_LEVELS: readonly string[] = ['Recommended', 'High', 'Low', 'Custom'];
