import type { KlParams, KlValue } from '../../../ksc/values.ts';
import type { HostRecord } from '../world/model.ts';
import { securityApplication } from '../world/products.ts';
import { hashString } from '../../core/random.ts';
import { forEachInstalled } from './applications.ts';
import { derivedBytes, positiveId, versionNumber } from './identifiers.ts';
import { hostPlatform, hostTime, type HostPlatform } from './platform.ts';

/**
 * Application Control data: the executable files KES / KESL report from a host (system files, the executables of
 * its installed applications, now and then a script or an unknown download). A file is identified by its name,
 * version and publisher, so the same file has the same `FILE_ID` and hashes on every host. Hosts without a
 * security application report nothing, as Application Control is a component of it.
 */

/** `FILE_TYPE` constants (documented). */
export const FILE_TYPE = Object.freeze({ EXE: 0, CMD: 3, SCRIPT: 4 });
/** `TRUSTED_GROUP`: -1 Undefined (documented); 0 Trusted and 3 Untrusted follow KES's trust groups. */
export const TRUSTED_GROUP = Object.freeze({ UNDEFINED: -1, TRUSTED: 0, UNTRUSTED: 3 });

/** One file instance on a host. */
export interface ExeFileInstance {
  readonly fileId: number;
  /** The file's common attributes (shared by all its instances). */
  readonly file: KlParams;
  readonly path: string;
  readonly firstAppear: number;
}

interface FileFacts {
  readonly name: string;
  readonly fileName: string;
  readonly version: string;
  readonly product: string;
  readonly productVersion: string;
  readonly organization: string;
  readonly type: number;
  readonly trusted: number;
}

const commonCache = new Map<string, { fileId: number; file: KlParams }>();

/** The common attributes of a file ("List of common attributes of execution file from AppControl"). */
function commonFile(facts: FileFacts): { fileId: number; file: KlParams } {
  const key = `${facts.name}|${facts.version}|${facts.organization}`;
  let entry = commonCache.get(key);
  if (entry === undefined) {
    const fileId = positiveId(`exe-file|${key}`);
    entry = {
      fileId,
      file: {
        FILE_ID: fileId,
        FILE_NAME: facts.fileName,
        FILE_NONEMPTY_NAME: facts.fileName === '' ? facts.name : facts.fileName,
        FILE_HASH_MD5: derivedBytes(`md5|${key}`, 16),
        FILE_HASH_SHA256: derivedBytes(`sha256|${key}`, 32),
        FILE_TYPE: facts.type,
        FILE_HIPS_ID: positiveId(`hips|${key}`),
        FILE_VERSION: versionNumber(facts.version),
        FILE_VERSIONRAW: facts.version,
        PRODUCT_NAME: facts.product,
        PRODUCT_VERSION: versionNumber(facts.productVersion),
        PRODUCT_VERSIONRAW: facts.productVersion,
        ORGANIZATION_NAME: facts.organization,
        TRUSTED_GROUP: facts.trusted,
      },
    };
    commonCache.set(key, entry);
  }
  return entry;
}

function windowsVersion(host: HostRecord): string {
  const major = host.attributes['KLHST_WKS_OS_VER_MAJOR'];
  const minor = host.attributes['KLHST_WKS_OS_VER_MINOR'];
  const build = host.attributes['KLHST_WKS_OS_BUILD_NUMBER'];
  const b = typeof build === 'number' ? build : 0;
  // Hosts on one build share one patch level: the revision follows the build.
  return `${typeof major === 'number' ? major : 10}.${typeof minor === 'number' ? minor : 0}.${b}.${(hashString(String(b)) % 4000) + 1}`;
}

const SYSTEM_FILES: ReadonlyArray<readonly [string, string]> = [
  ['explorer.exe', 'C:\\Windows'],
  ['svchost.exe', 'C:\\Windows\\System32'],
  ['cmd.exe', 'C:\\Windows\\System32'],
  ['powershell.exe', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0'],
];

function joinPath(platform: HostPlatform, dir: string, subdir: string | undefined, file: string): string {
  if (platform.family === 'linux') return `${subdir ?? dir.replace(/\/$/, '')}/${file}`;
  const base = dir.replace(/\\$/, '');
  return subdir === undefined ? `${base}\\${file}` : `${base}\\${subdir}\\${file}`;
}

/** The executable file instances Application Control reports from a host. */
export function hostExeFiles(seed: number, host: HostRecord): ExeFileInstance[] {
  const security = securityApplication(host.products);
  if (security === undefined) return [];
  const platform = hostPlatform(host);
  const created = hostTime(host, 'KLHST_WKS_CREATED', 0);
  const securityInstall = security.info['InstallTime'];
  const watchedSince = securityInstall instanceof Date ? securityInstall.getTime() : created;
  const out: ExeFileInstance[] = [];
  const add = (facts: FileFacts, path: string, installedAt: number | null): void => {
    const { fileId, file } = commonFile(facts);
    const firstAppear = Math.floor(Math.max(installedAt ?? created, watchedSince) / 1000) * 1000;
    out.push({ fileId, file, path, firstAppear });
  };
  if (platform.family === 'windows') {
    const version = windowsVersion(host);
    for (const [name, dir] of SYSTEM_FILES) {
      add(
        {
          name,
          fileName: name,
          version,
          product: 'Microsoft® Windows® Operating System',
          productVersion: version,
          organization: 'Microsoft Corporation',
          type: FILE_TYPE.EXE,
          trusted: TRUSTED_GROUP.TRUSTED,
        },
        `${dir}\\${name}`,
        created,
      );
    }
  }
  forEachInstalled(seed, host, (app, installedAt) => {
    for (const exe of app.executables) {
      const windows = platform.family === 'windows';
      add(
        {
          name: exe.file,
          // Linux binaries carry no VersionInfo: only the instance gives the file a name.
          fileName: windows ? exe.file : '',
          version: windows ? app.version : '',
          product: windows ? app.name : '',
          productVersion: windows ? app.version : '',
          organization: windows ? app.publisher : '',
          type: exe.type ?? FILE_TYPE.EXE,
          trusted: windows ? TRUSTED_GROUP.TRUSTED : TRUSTED_GROUP.UNDEFINED,
        },
        joinPath(platform, app.dir, exe.subdir, exe.file),
        installedAt,
      );
    }
  });
  if (platform.family === 'windows') {
    const roll = hashString(`ac-extras|${seed}|${host.id}`) % 100;
    if (roll < 30) {
      add(
        {
          name: 'inventory.ps1',
          fileName: '',
          version: '',
          product: '',
          productVersion: '',
          organization: '',
          type: FILE_TYPE.SCRIPT,
          trusted: TRUSTED_GROUP.UNDEFINED,
        },
        'C:\\ProgramData\\IT\\Scripts\\inventory.ps1',
        null,
      );
    }
    if (roll >= 95 && !platform.server) {
      add(
        {
          name: 'invoice_viewer.exe',
          fileName: 'invoice_viewer.exe',
          version: '1.0.0.1',
          product: 'Invoice Viewer',
          productVersion: '1.0.0.1',
          organization: '',
          type: FILE_TYPE.EXE,
          trusted: TRUSTED_GROUP.UNTRUSTED,
        },
        'C:\\Users\\Public\\Downloads\\invoice_viewer.exe',
        hostTime(host, 'KLHST_WKS_LAST_INFOUDATE', created),
      );
    }
  }
  return out;
}

/** The instance records of a host's files, in `ACHostExeFilesSrvViewName` and `GetExeFileInfo`. */
/** The attributes every file instance of a host shares (the view's push-down evaluates filters on them). */
export function hostLevelOf(host: HostRecord): { HOST_ID: number; HOST_NAME: string; HOST_DN: string } {
  return {
    HOST_ID: positiveId(`host|${host.id}`),
    HOST_NAME: host.id,
    HOST_DN: String(host.attributes['KLHST_WKS_DN'] ?? ''),
  };
}

export function instanceRecords(host: HostRecord, instances: readonly ExeFileInstance[]): KlParams[] {
  const { HOST_ID: hostId, HOST_DN: hostDn } = hostLevelOf(host);
  return instances.map((instance) => {
    const f = instance.file;
    // Spelled out rather than spread: this runs a million times for a large world's full view.
    const record: Record<string, KlValue> = {
      FILE_ID: instance.fileId,
      FILE_NAME: f['FILE_NAME'] ?? '',
      FILE_NONEMPTY_NAME: f['FILE_NONEMPTY_NAME'] ?? '',
      FILE_HASH_MD5: f['FILE_HASH_MD5'] ?? '',
      FILE_HASH_SHA256: f['FILE_HASH_SHA256'] ?? '',
      FILE_TYPE: f['FILE_TYPE'] ?? 0,
      FILE_HIPS_ID: f['FILE_HIPS_ID'] ?? 0,
      FILE_VERSION: f['FILE_VERSION'] ?? 0,
      FILE_VERSIONRAW: f['FILE_VERSIONRAW'] ?? '',
      PRODUCT_NAME: f['PRODUCT_NAME'] ?? '',
      PRODUCT_VERSION: f['PRODUCT_VERSION'] ?? 0,
      PRODUCT_VERSIONRAW: f['PRODUCT_VERSIONRAW'] ?? '',
      ORGANIZATION_NAME: f['ORGANIZATION_NAME'] ?? '',
      TRUSTED_GROUP: f['TRUSTED_GROUP'] ?? -1,
      HST_FIRST_APPEAR: new Date(instance.firstAppear),
      HOST_ID: hostId,
      HOST_NAME: host.id,
      HOST_DN: hostDn,
      FILE_PATH: instance.path,
    };
    return record;
  });
}
