import { WeightedTable } from '../../core/random.ts';

/**
 * Operating systems of generated hosts and the platform attributes KSC reports for them. Observed values:
 * `KLHST_WKS_PTYPE` 2 and `KLHST_WKS_CTYPE` 36871 for Windows Server 2016, `KLHST_WKS_CPU_ARCH` 2 for x64
 * (XSOAR host sample, spec §7.2). The type tables themselves were never published, so the Linux platform type
 * (6), the workstation computer type (the server value without its server bits) and the Linux computer types are
 * the emulator's choice.
 */

export type Family = 'windows' | 'linux';
export type Role = 'workstation' | 'server';

/** One operating system release. */
export interface OsSpec {
  readonly family: Family;
  readonly role: Role;
  /** `KLHST_WKS_OS_NAME` */
  readonly name: string;
  readonly major: number;
  readonly minor: number;
  /** `KLHST_WKS_OS_BUILD_NUMBER`; Windows only. */
  readonly build?: number;
  /** `KLHST_WKS_OS_RELEASE_ID`; Windows 10 and later only. */
  readonly releaseId?: number;
  /** `KLHST_WKS_CPU_ARCH` */
  readonly cpuArch: number;
  /** Distribution tag used as the first part of Linux host names (`ubuntu-web-03`). */
  readonly distro?: string;
}

/** `KLHST_WKS_PTYPE` values. */
export const PLATFORM_TYPE = Object.freeze({ WINDOWS_NT: 2, LINUX: 6 });

/** `KLHST_WKS_CTYPE` values. */
export const COMPUTER_TYPE = Object.freeze({
  WINDOWS_SERVER: 36871,
  WINDOWS_WORKSTATION: 36865,
  LINUX_SERVER: 2,
  LINUX_WORKSTATION: 1,
});

/** `KLHST_WKS_CPU_ARCH` values. */
export const CPU_ARCH = Object.freeze({ X86: 1, X64: 2 });

const X64 = CPU_ARCH.X64;

const windowsWorkstations: ReadonlyArray<readonly [OsSpec, number]> = [
  [osW('Microsoft Windows 10 Pro', 10, 0, 19045, 2009), 18],
  [osW('Microsoft Windows 10 Enterprise', 10, 0, 19045, 2009), 20],
  [osW('Microsoft Windows 10 Enterprise', 10, 0, 19044, 2009), 8],
  [{ ...osW('Microsoft Windows 10 Pro', 10, 0, 19045, 2009), cpuArch: CPU_ARCH.X86 }, 2],
  [osW('Microsoft Windows 11 Pro', 10, 0, 22631, 2009), 15],
  [osW('Microsoft Windows 11 Enterprise', 10, 0, 22631, 2009), 22],
  [osW('Microsoft Windows 11 Enterprise', 10, 0, 26100, 2009), 7],
];

const windowsServers: ReadonlyArray<readonly [OsSpec, number]> = [
  [osW('Microsoft Windows Server 2016', 10, 0, 14393, 1607, 'server'), 20],
  [osW('Microsoft Windows Server 2019', 10, 0, 17763, 1809, 'server'), 40],
  [osW('Microsoft Windows Server 2022', 10, 0, 20348, 2009, 'server'), 35],
  [osW('Microsoft Windows Server 2012 R2', 6, 3, 9600, undefined, 'server'), 5],
];

const linuxServers: ReadonlyArray<readonly [OsSpec, number]> = [
  [osL('Ubuntu 22.04.4 LTS', 22, 4, 'ubuntu', 'server'), 28],
  [osL('Ubuntu 20.04.6 LTS', 20, 4, 'ubuntu', 'server'), 10],
  [osL('Red Hat Enterprise Linux 9.3', 9, 3, 'rhel', 'server'), 15],
  [osL('Red Hat Enterprise Linux 8.9', 8, 9, 'rhel', 'server'), 15],
  [osL('Debian GNU/Linux 12', 12, 5, 'debian', 'server'), 12],
  [osL('CentOS Linux 7', 7, 9, 'centos', 'server'), 5],
  [osL('Astra Linux Special Edition 1.7', 1, 7, 'astra', 'server'), 8],
  [osL('Oracle Linux 8.9', 8, 9, 'oracle', 'server'), 5],
];

const linuxWorkstations: ReadonlyArray<readonly [OsSpec, number]> = [
  [osL('Ubuntu 22.04.4 LTS', 22, 4, 'ubuntu', 'workstation'), 45],
  [osL('Ubuntu 24.04 LTS', 24, 4, 'ubuntu', 'workstation'), 20],
  [osL('Debian GNU/Linux 12', 12, 5, 'debian', 'workstation'), 15],
  [osL('Astra Linux Special Edition 1.7', 1, 7, 'astra', 'workstation'), 20],
];

function osW(
  name: string,
  major: number,
  minor: number,
  build: number,
  releaseId?: number,
  role: Role = 'workstation',
): OsSpec {
  const spec: OsSpec = { family: 'windows', role, name, major, minor, build, cpuArch: X64 };
  return releaseId === undefined ? spec : { ...spec, releaseId };
}

function osL(name: string, major: number, minor: number, distro: string, role: Role): OsSpec {
  return { family: 'linux', role, name, major, minor, cpuArch: X64, distro };
}

/** Weighted OS tables by family and role. */
export const OS_TABLES: Readonly<Record<Family, Readonly<Record<Role, WeightedTable<OsSpec>>>>> =
  Object.freeze({
    windows: {
      workstation: new WeightedTable(windowsWorkstations),
      server: new WeightedTable(windowsServers),
    },
    linux: { workstation: new WeightedTable(linuxWorkstations), server: new WeightedTable(linuxServers) },
  });

export function platformType(os: OsSpec): number {
  return os.family === 'windows' ? PLATFORM_TYPE.WINDOWS_NT : PLATFORM_TYPE.LINUX;
}

export function computerType(os: OsSpec): number {
  if (os.family === 'windows')
    return os.role === 'server' ? COMPUTER_TYPE.WINDOWS_SERVER : COMPUTER_TYPE.WINDOWS_WORKSTATION;
  return os.role === 'server' ? COMPUTER_TYPE.LINUX_SERVER : COMPUTER_TYPE.LINUX_WORKSTATION;
}
