import type { KlParams } from '../../../ksc/values.ts';
import type { HostRecord, ProductInstall } from '../world/model.ts';
import { productBuild } from '../world/products.ts';
import { Random } from '../../core/random.ts';
import { APPLICATIONS, type ApplicationSpec, type ExecutableSpec } from './catalogue.ts';
import { braceGuid, hex32, yyyymmdd } from './identifiers.ts';
import { fitsAudience, hostPlatform, hostTime, type HostPlatform } from './platform.ts';

/**
 * The software inventory of a host (`InventoryApi.GetHostInvProducts`), derived on demand from the world seed and
 * the host: the third-party catalogue entries that fit its platform, drawn by their shares, plus the Kaspersky
 * applications its product list names. Nothing is stored; a host gives the same inventory every time.
 */

const DAY_MS = 86_400_000;

/** One installed application, before it becomes a KLOAPI record. */
export interface InstalledApplication {
  readonly name: string;
  readonly version: string;
  readonly publisher: string;
  readonly dir: string;
  readonly msi: boolean;
  readonly langId: number;
  readonly helpLink: string;
  readonly arpRegKey: string;
  readonly uninstall: string;
  readonly quietUninstall: string;
  /** Epoch ms; `null` when the registry keeps no install date. */
  readonly installedAt: number | null;
  readonly productId: string;
  readonly executables: readonly ExecutableSpec[];
}

/** `InstanceID` of every inventory item in the samples: one zero byte. Shared, never mutated. */
const INSTANCE_ID = new Uint8Array([0]);

function linuxPublisher(osName: string): string {
  if (osName.startsWith('Ubuntu')) return 'Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>';
  if (osName.startsWith('Debian')) return 'Debian Developers <debian-devel@lists.debian.org>';
  if (osName.startsWith('Astra')) return 'Astra Linux <support@astralinux.ru>';
  if (osName.startsWith('Oracle')) return 'Oracle America';
  return 'Red Hat, Inc.';
}

function productIdOf(name: string, version: string, publisher: string): string {
  return hex32(`${name}|${version}|${publisher}`);
}

function fromCatalogue(spec: ApplicationSpec, version: string, platform: HostPlatform): InstalledApplication {
  const publisher = platform.family === 'linux' ? linuxPublisher(platform.osName) : spec.publisher;
  const productId = productIdOf(spec.name, version, publisher);
  const guid = spec.msi ? braceGuid(productId) : '';
  const uninstall = spec.msi
    ? `MsiExec.exe /I${guid}`
    : (spec.uninstall ?? '')
        .replaceAll('{dir}', spec.dir.replace(/\\$/, ''))
        .replaceAll('{version}', version);
  return {
    name: spec.name,
    version,
    publisher,
    dir: spec.dir,
    msi: spec.msi,
    langId: spec.langId,
    helpLink: spec.helpLink,
    arpRegKey: spec.msi ? guid : platform.family === 'windows' && spec.dir !== '' ? spec.name : '',
    uninstall,
    quietUninstall: spec.msi ? `msiexec.exe /X ${guid} /quiet /norestart` : '',
    installedAt: null,
    productId,
    executables: spec.executables ?? [],
  };
}

/** How each Kaspersky product appears in the inventory, by product code and platform. */
function kasperskyApplication(product: ProductInstall, platform: HostPlatform): InstalledApplication | null {
  const build = productBuild(product);
  const short = build.split('.').slice(0, 3).join('.');
  const windows = platform.family === 'windows';
  const layout: Record<string, { name: string; dir: string; files: readonly ExecutableSpec[] } | undefined> =
    windows
      ? {
          '1103': {
            name: 'Kaspersky Security Center Network Agent',
            dir: 'C:\\Program Files (x86)\\Kaspersky Lab\\NetworkAgent\\',
            files: [{ file: 'klnagent.exe' }],
          },
          KES: {
            name: 'Kaspersky Endpoint Security for Windows',
            dir: `C:\\Program Files (x86)\\Kaspersky Lab\\KES.${short}\\`,
            files: [{ file: 'avp.exe' }],
          },
          EDRAgent: {
            name: 'Kaspersky Endpoint Agent',
            dir: 'C:\\Program Files (x86)\\Kaspersky Lab\\Endpoint Agent\\',
            files: [{ file: 'endpointagent.exe' }],
          },
        }
      : {
          '1103': {
            name: 'klnagent64',
            dir: '/opt/kaspersky/klnagent64/',
            files: [{ file: 'klnagent', subdir: '/opt/kaspersky/klnagent64/sbin' }],
          },
          KESL: {
            name: 'kesl',
            dir: '/opt/kaspersky/kesl/',
            files: [{ file: 'kesl', subdir: '/opt/kaspersky/kesl/libexec' }],
          },
        };
  const entry = layout[product.name];
  if (entry === undefined) return null;
  const publisher = windows ? 'Kaspersky' : 'AO Kaspersky Lab';
  const productId = productIdOf(entry.name, build, publisher);
  const guid = braceGuid(productId);
  const uninstall = !windows
    ? ''
    : product.name === '1103'
      ? `MsiExec.exe /I${guid} /l*v "C:\\Windows\\Temp\\$klnagent-uninstall.log" `
      : `msiexec.exe /x ${guid}`;
  return {
    name: entry.name,
    version: build,
    publisher,
    dir: entry.dir,
    msi: windows,
    langId: windows ? 1033 : 0,
    helpLink: 'https://support.kaspersky.com',
    arpRegKey: !windows ? '' : product.name === '1103' ? `InstallWIX_${guid}` : guid,
    uninstall,
    quietUninstall: '',
    installedAt: null,
    productId,
    executables: entry.files,
  };
}

/**
 * Entries are the same for every host with the same version and publisher: built once, looked up by catalogue
 * entry, then OS name (Linux publishers follow the distribution), then version index.
 */
const templates = new Map<ApplicationSpec, Map<string, InstalledApplication[]>>();
const kasperskyTemplates = new Map<string, InstalledApplication | null>();

function template(spec: ApplicationSpec, versionIndex: number, platform: HostPlatform): InstalledApplication {
  let byOs = templates.get(spec);
  if (byOs === undefined) templates.set(spec, (byOs = new Map()));
  const osKey = platform.family === 'linux' ? platform.osName : '';
  let byVersion = byOs.get(osKey);
  if (byVersion === undefined) byOs.set(osKey, (byVersion = []));
  let entry = byVersion[versionIndex];
  if (entry === undefined) {
    byVersion[versionIndex] = entry = fromCatalogue(spec, spec.versions[versionIndex] ?? '', platform);
  }
  return entry;
}

/**
 * Calls `visit` for each application installed on a host, catalogue entries first, then the Kaspersky ones.
 * The entries are shared templates (their `installedAt` is null): the host's install time is the second argument.
 */
export function forEachInstalled(
  seed: number,
  host: HostRecord,
  visit: (app: InstalledApplication, installedAt: number | null) => void,
): void {
  const platform = hostPlatform(host);
  const rng = Random.derive(seed, `inventory:${host.id}`);
  const created = hostTime(host, 'KLHST_WKS_CREATED', 0);
  const lastInfo = hostTime(host, 'KLHST_WKS_LAST_INFOUDATE', created);
  for (const spec of APPLICATIONS) {
    // Draw for every entry so adding an entry later changes only what comes after it.
    const roll = rng.float();
    const versionIndex = rng.int(0, spec.versions.length - 1);
    const ageDays = rng.int(0, spec.evergreen === true ? 25 : 400);
    if (!fitsAudience(platform, spec.audience) || roll >= spec.share) continue;
    const app = template(spec, versionIndex, platform);
    const installedAt =
      spec.name === 'Microsoft Windows QFE'
        ? null
        : (spec.evergreen === true ? lastInfo : created) - ageDays * DAY_MS;
    visit(app, installedAt);
  }
  for (const product of host.products) {
    const key = `${product.name}|${productBuild(product)}|${platform.family}`;
    let app = kasperskyTemplates.get(key);
    if (app === undefined) kasperskyTemplates.set(key, (app = kasperskyApplication(product, platform)));
    const installTime = product.info['InstallTime'];
    if (app !== null) visit(app, installTime instanceof Date ? installTime.getTime() : null);
  }
}

/** The applications installed on a host, with the host's install times. */
export function installedApplications(seed: number, host: HostRecord): InstalledApplication[] {
  const out: InstalledApplication[] = [];
  forEachInstalled(seed, host, (app, installedAt) => out.push({ ...app, installedAt }));
  return out;
}

/** The `GetHostInvProducts` record of an installed application (the keys of seed 001's sample). */
export function hostApplicationRecord(app: InstalledApplication): KlParams {
  return {
    ARPRegKey: app.arpRegKey,
    CleanerProductName: '',
    Comments: '',
    DisplayName: app.name,
    DisplayVersion: app.version,
    HelpLink: app.helpLink,
    HelpTelephone: '',
    InstallDate: app.installedAt === null ? '' : yyyymmdd(app.installedAt),
    InstallDir: app.dir,
    InstanceID: INSTANCE_ID,
    LangId: app.langId,
    PackageCode: '',
    ProductID: app.productId,
    Publisher: app.publisher,
    QuietUninstallString: app.quietUninstall,
    UninstallString: app.uninstall,
    VapmBuild: 0n,
    bIsMsi: app.msi,
  };
}

/**
 * The `GetInvProductsList` record: the application as the server knows it across hosts, so without the
 * host-specific install date, directory and instance (XSOAR's recorded global list has them empty or absent).
 */
export function serverApplicationRecord(app: InstalledApplication): KlParams {
  return {
    ARPRegKey: app.arpRegKey,
    CleanerProductName: '',
    Comments: '',
    DisplayName: app.name,
    DisplayVersion: app.version,
    HelpLink: app.helpLink,
    HelpTelephone: '',
    InstallDate: '',
    InstallDir: '',
    LangId: app.langId,
    PackageCode: '',
    ProductID: app.productId,
    Publisher: app.publisher,
    QuietUninstallString: app.quietUninstall,
    UninstallString: app.uninstall,
    VapmBuild: 0n,
    bIsMsi: app.msi,
  };
}
