/**
 * Third-party software found on generated hosts: what a real estate of Windows workstations, Windows servers and
 * Linux machines typically carries. Kaspersky applications are not listed here: they follow the host's
 * installed products (see applications.ts), so inventory and `GetHostProducts` agree.
 */

/** What kind of machine an entry is found on. */
export type Audience =
  'windows-workstation' | 'windows-server' | 'windows' | 'linux-workstation' | 'linux-server' | 'linux';

/** An executable that belongs to an application, as Application Control reports it. */
export interface ExecutableSpec {
  /** File name on disk (`chrome.exe`). */
  readonly file: string;
  /** `FILE_TYPE`: 0 Exe, 3 Cmd, 4 Script… (the documented constants). */
  readonly type?: number;
  /** Directory relative to the application's install directory, when it is not the install directory itself. */
  readonly subdir?: string;
}

export interface ApplicationSpec {
  readonly name: string;
  readonly publisher: string;
  /** Versions seen in the estate; a host has one. */
  readonly versions: readonly string[];
  /** Chance that a machine of the audience has it. */
  readonly share: number;
  readonly audience: Audience;
  /** `InstallDir`; `''` when the registry entry has none. */
  readonly dir: string;
  readonly msi: boolean;
  readonly langId: number;
  readonly helpLink: string;
  /** Uninstall command of a non-MSI entry; `{dir}` and `{version}` are replaced. MSI entries use MsiExec. */
  readonly uninstall?: string;
  /** Updated often (browsers, collaboration tools): its install date is recent rather than at roll-out. */
  readonly evergreen?: boolean;
  readonly executables?: readonly ExecutableSpec[];
}

const app = (spec: ApplicationSpec): ApplicationSpec => Object.freeze(spec);

export const APPLICATIONS: readonly ApplicationSpec[] = [
  app({
    name: 'Google Chrome',
    publisher: 'Google LLC',
    versions: ['122.0.6261.112', '123.0.6312.86', '124.0.6367.60'],
    share: 0.8,
    audience: 'windows-workstation',
    dir: 'C:\\Program Files\\Google\\Chrome\\Application',
    msi: false,
    langId: 0,
    helpLink: '',
    uninstall:
      '"{dir}\\{version}\\Installer\\setup.exe" --uninstall --channel=stable --system-level --verbose-logging',
    evergreen: true,
    executables: [{ file: 'chrome.exe' }],
  }),
  app({
    name: 'Microsoft Edge',
    publisher: 'Microsoft Corporation',
    versions: ['123.0.2420.81', '124.0.2478.51'],
    share: 1,
    audience: 'windows',
    dir: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application',
    msi: false,
    langId: 0,
    helpLink: '',
    uninstall:
      '"{dir}\\{version}\\Installer\\setup.exe" --uninstall --msedge --channel=stable --system-level',
    evergreen: true,
    executables: [{ file: 'msedge.exe' }],
  }),
  app({
    name: 'Mozilla Firefox (x64 en-US)',
    publisher: 'Mozilla',
    versions: ['124.0.2', '125.0.1'],
    share: 0.25,
    audience: 'windows-workstation',
    dir: 'C:\\Program Files\\Mozilla Firefox',
    msi: false,
    langId: 0,
    helpLink: 'https://support.mozilla.org',
    uninstall: '"{dir}\\uninstall\\helper.exe"',
    evergreen: true,
    executables: [{ file: 'firefox.exe' }],
  }),
  app({
    name: 'Microsoft 365 Apps for enterprise - en-us',
    publisher: 'Microsoft Corporation',
    versions: ['16.0.17328.20282', '16.0.17425.20176'],
    share: 0.75,
    audience: 'windows-workstation',
    dir: 'C:\\Program Files\\Microsoft Office',
    msi: false,
    langId: 1033,
    helpLink: '',
    uninstall:
      '"C:\\Program Files\\Common Files\\Microsoft Shared\\ClickToRun\\OfficeClickToRun.exe" scenario=install scenariosubtype=ARP sourcetype=None productstoremove=O365ProPlusRetail.16_en-us_x-none culture=en-us version.16=16.0',
    evergreen: true,
    executables: [
      { file: 'WINWORD.EXE', subdir: 'root\\Office16' },
      { file: 'EXCEL.EXE', subdir: 'root\\Office16' },
      { file: 'OUTLOOK.EXE', subdir: 'root\\Office16' },
    ],
  }),
  app({
    name: 'Microsoft Teams',
    publisher: 'Microsoft Corporation',
    versions: ['24060.3102.2733.5911', '24074.2321.2810.3500'],
    share: 0.6,
    audience: 'windows-workstation',
    dir: '',
    msi: false,
    langId: 0,
    helpLink: '',
    evergreen: true,
  }),
  app({
    name: '7-Zip 23.01 (x64)',
    publisher: 'Igor Pavlov',
    versions: ['23.01'],
    share: 0.45,
    audience: 'windows',
    dir: 'C:\\Program Files\\7-Zip\\',
    msi: false,
    langId: 0,
    helpLink: 'https://www.7-zip.org/',
    uninstall: '"{dir}Uninstall.exe"',
    executables: [{ file: '7zFM.exe' }],
  }),
  app({
    name: 'Adobe Acrobat (64-bit)',
    publisher: 'Adobe',
    versions: ['23.003.20215', '23.008.20533', '24.001.20629'],
    share: 0.4,
    audience: 'windows-workstation',
    dir: 'C:\\Program Files\\Adobe\\Acrobat DC\\',
    msi: true,
    langId: 1033,
    helpLink: 'http://www.adobe.com/support/main.html',
    executables: [{ file: 'Acrobat.exe', subdir: 'Acrobat' }],
  }),
  app({
    name: 'Notepad++ (64-bit x64)',
    publisher: 'Notepad++ Team',
    versions: ['8.6.2', '8.6.4'],
    share: 0.25,
    audience: 'windows',
    dir: 'C:\\Program Files\\Notepad++',
    msi: false,
    langId: 0,
    helpLink: '',
    uninstall: '"{dir}\\uninstall.exe"',
    executables: [{ file: 'notepad++.exe' }],
  }),
  app({
    name: 'Zoom Workplace (64-bit)',
    publisher: 'Zoom Video Communications, Inc.',
    versions: ['5.17.11.34827', '6.0.2.37990'],
    share: 0.3,
    audience: 'windows-workstation',
    dir: 'C:\\Program Files\\Zoom\\bin\\',
    msi: true,
    langId: 1033,
    helpLink: 'https://support.zoom.us/home',
    executables: [{ file: 'Zoom.exe' }],
  }),
  app({
    name: 'VLC media player',
    publisher: 'VideoLAN',
    versions: ['3.0.20'],
    share: 0.15,
    audience: 'windows-workstation',
    dir: 'C:\\Program Files\\VideoLAN\\VLC',
    msi: false,
    langId: 0,
    helpLink: 'http://www.videolan.org/',
    uninstall: '"{dir}\\uninstall.exe"',
    executables: [{ file: 'vlc.exe' }],
  }),
  app({
    name: 'Microsoft Visual Studio Code',
    publisher: 'Microsoft Corporation',
    versions: ['1.87.2', '1.88.1'],
    share: 0.15,
    audience: 'windows-workstation',
    dir: 'C:\\Program Files\\Microsoft VS Code\\',
    msi: false,
    langId: 0,
    helpLink: 'https://code.visualstudio.com/',
    uninstall: '"{dir}unins000.exe"',
    evergreen: true,
    executables: [{ file: 'Code.exe' }],
  }),
  app({
    name: 'Python 3.12.2 (64-bit)',
    publisher: 'Python Software Foundation',
    versions: ['3.12.2150.0'],
    share: 0.12,
    audience: 'windows',
    dir: 'C:\\Program Files\\Python312\\',
    msi: true,
    langId: 1033,
    helpLink: 'https://www.python.org/',
    executables: [{ file: 'python.exe' }],
  }),
  app({
    name: 'Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33135',
    publisher: 'Microsoft Corporation',
    versions: ['14.38.33135.0'],
    share: 0.9,
    audience: 'windows',
    dir: '',
    msi: false,
    langId: 0,
    helpLink: '',
    uninstall: '"C:\\ProgramData\\Package Cache\\{{version}}\\VC_redist.x64.exe"  /uninstall',
  }),
  app({
    name: 'Microsoft SQL Server 2019 (64-bit)',
    publisher: 'Microsoft Corporation',
    versions: ['15.0.2000.5'],
    share: 0.25,
    audience: 'windows-server',
    dir: 'C:\\Program Files\\Microsoft SQL Server\\',
    msi: false,
    langId: 1033,
    helpLink: '',
    uninstall: '"C:\\Program Files\\Microsoft SQL Server\\150\\Setup Bootstrap\\SQL2019\\x64\\SetupARP.exe"',
    executables: [{ file: 'sqlservr.exe', subdir: 'MSSQL15.MSSQLSERVER\\MSSQL\\Binn' }],
  }),
  app({
    name: 'PowerShell 7-x64',
    publisher: 'Microsoft Corporation',
    versions: ['7.4.1.0', '7.4.2.0'],
    share: 0.35,
    audience: 'windows-server',
    dir: 'C:\\Program Files\\PowerShell\\7\\',
    msi: true,
    langId: 1033,
    helpLink: 'https://github.com/PowerShell/PowerShell',
    executables: [{ file: 'pwsh.exe' }],
  }),
  app({
    name: 'Microsoft Windows QFE',
    publisher: '',
    versions: [''],
    share: 1,
    audience: 'windows',
    dir: '',
    msi: false,
    langId: 0,
    helpLink: '',
  }),
  // Linux packages, as the package manager reports them.
  app({
    name: 'openssh-server',
    publisher: '',
    versions: ['1:8.9p1-3ubuntu0.6', '8.7p1-38.el9'],
    share: 0.95,
    audience: 'linux',
    dir: '',
    msi: false,
    langId: 0,
    helpLink: 'https://www.openssh.com/',
    executables: [{ file: 'sshd', subdir: '/usr/sbin' }],
  }),
  app({
    name: 'bash',
    publisher: '',
    versions: ['5.1-6ubuntu1.1', '5.2.15-2+b2'],
    share: 1,
    audience: 'linux',
    dir: '',
    msi: false,
    langId: 0,
    helpLink: 'http://tiswww.case.edu/php/chet/bash/bashtop.html',
    executables: [{ file: 'bash', subdir: '/usr/bin' }],
  }),
  app({
    name: 'curl',
    publisher: '',
    versions: ['7.81.0-1ubuntu1.16', '7.76.1-29.el9'],
    share: 0.9,
    audience: 'linux',
    dir: '',
    msi: false,
    langId: 0,
    helpLink: 'https://curl.se/',
    executables: [{ file: 'curl', subdir: '/usr/bin' }],
  }),
  app({
    name: 'python3',
    publisher: '',
    versions: ['3.10.6-1~22.04', '3.11.2-1+b1'],
    share: 0.85,
    audience: 'linux',
    dir: '',
    msi: false,
    langId: 0,
    helpLink: 'https://www.python.org/',
    executables: [{ file: 'python3', subdir: '/usr/bin' }],
  }),
  app({
    name: 'nginx',
    publisher: '',
    versions: ['1.18.0-6ubuntu14.4', '1.22.1-9'],
    share: 0.3,
    audience: 'linux-server',
    dir: '',
    msi: false,
    langId: 0,
    helpLink: 'https://nginx.org',
    executables: [{ file: 'nginx', subdir: '/usr/sbin' }],
  }),
  app({
    name: 'postgresql-14',
    publisher: '',
    versions: ['14.11-0ubuntu0.22.04.1'],
    share: 0.2,
    audience: 'linux-server',
    dir: '',
    msi: false,
    langId: 0,
    helpLink: 'http://www.postgresql.org/',
  }),
  app({
    name: 'docker-ce',
    publisher: '',
    versions: ['5:25.0.4-1~ubuntu.22.04~jammy', '5:26.0.0-1~debian.12~bookworm'],
    share: 0.2,
    audience: 'linux-server',
    dir: '',
    msi: false,
    langId: 0,
    helpLink: 'https://www.docker.com',
  }),
  app({
    name: 'firefox',
    publisher: '',
    versions: ['124.0.2+build1-0ubuntu0.22.04.1', '115.9.1esr-1~deb12u1'],
    share: 0.8,
    audience: 'linux-workstation',
    dir: '',
    msi: false,
    langId: 0,
    helpLink: 'https://www.mozilla.org/',
    evergreen: true,
    executables: [{ file: 'firefox', subdir: '/usr/lib/firefox' }],
  }),
  app({
    name: 'libreoffice-writer',
    publisher: '',
    versions: ['1:7.3.7-0ubuntu0.22.04.4', '4:7.4.7-1+deb12u1'],
    share: 0.5,
    audience: 'linux-workstation',
    dir: '',
    msi: false,
    langId: 0,
    helpLink: 'https://www.libreoffice.org',
  }),
];

/** A Windows update (`PatchID` `KB…`), by the Windows release it applies to. */
export interface UpdateSpec {
  readonly kb: number;
  readonly title: string;
  readonly classification: 'Security Update' | 'Update' | 'Hotfix' | '';
  /** `KLHST_WKS_OS_NAME` prefixes it applies to. */
  readonly os: readonly string[];
  readonly share: number;
}

const WIN10 = 'Microsoft Windows 10';
const WIN11 = 'Microsoft Windows 11';
const SRV2016 = 'Microsoft Windows Server 2016';
const SRV2019 = 'Microsoft Windows Server 2019';
const SRV2022 = 'Microsoft Windows Server 2022';
const SRV2012 = 'Microsoft Windows Server 2012 R2';

export const WINDOWS_UPDATES: readonly UpdateSpec[] = [
  { kb: 5035845, title: 'Security Update', classification: 'Security Update', os: [WIN10], share: 0.7 },
  { kb: 5036892, title: 'Security Update', classification: 'Security Update', os: [WIN10], share: 0.5 },
  { kb: 5034441, title: 'Security Update', classification: 'Security Update', os: [WIN10], share: 0.6 },
  { kb: 5031539, title: 'Update', classification: 'Update', os: [WIN10], share: 0.8 },
  { kb: 5035853, title: 'Security Update', classification: 'Security Update', os: [WIN11], share: 0.7 },
  { kb: 5036893, title: 'Security Update', classification: 'Security Update', os: [WIN11], share: 0.5 },
  { kb: 5027397, title: 'Update', classification: 'Update', os: [WIN11], share: 0.9 },
  { kb: 5035849, title: 'Security Update', classification: 'Security Update', os: [SRV2016], share: 0.7 },
  { kb: 5035962, title: 'Update', classification: 'Update', os: [SRV2016], share: 0.6 },
  { kb: 5035849, title: 'Security Update', classification: 'Security Update', os: [SRV2019], share: 0.7 },
  { kb: 5036896, title: 'Security Update', classification: 'Security Update', os: [SRV2019], share: 0.5 },
  { kb: 5005112, title: 'Update', classification: 'Update', os: [SRV2019], share: 0.9 },
  { kb: 5035857, title: 'Security Update', classification: 'Security Update', os: [SRV2022], share: 0.7 },
  { kb: 5036909, title: 'Security Update', classification: 'Security Update', os: [SRV2022], share: 0.5 },
  { kb: 5035885, title: 'Security Update', classification: 'Security Update', os: [SRV2012], share: 0.8 },
  { kb: 3176936, title: 'Update', classification: 'Update', os: [SRV2012, SRV2016], share: 0.4 },
  {
    kb: 5036620,
    title: 'Update',
    classification: 'Update',
    os: [WIN10, WIN11, SRV2019, SRV2022],
    share: 0.6,
  },
  { kb: 890830, title: 'Hotfix', classification: 'Hotfix', os: [WIN10, WIN11], share: 0.3 },
];

/** A patch of an installed application (`ParentID` is the application's `ProductID`). */
export interface ApplicationPatchSpec {
  /** `name` of the patched {@link ApplicationSpec}. */
  readonly parent: string;
  readonly title: string;
  readonly version: string;
  readonly kb: number;
  readonly share: number;
}

export const APPLICATION_PATCHES: readonly ApplicationPatchSpec[] = [
  {
    parent: 'Microsoft SQL Server 2019 (64-bit)',
    title: 'Hotfix 4360 for SQL Server 2019 (KB5035123) (64-bit)',
    version: '15.0.4360.2',
    kb: 5035123,
    share: 0.6,
  },
  {
    parent: 'Microsoft SQL Server 2019 (64-bit)',
    title: 'Security Update for SQL Server 2019 CU25 (KB5036335) (64-bit)',
    version: '15.0.4360.2',
    kb: 5036335,
    share: 0.4,
  },
];
