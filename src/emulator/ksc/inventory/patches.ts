import type { KlParams } from '../../../ksc/values.ts';
import type { HostRecord } from '../world/model.ts';
import { Random } from '../../core/random.ts';
import { APPLICATION_PATCHES, APPLICATIONS, WINDOWS_UPDATES } from './catalogue.ts';
import { forEachInstalled } from './applications.ts';
import { hex32, yyyymmdd } from './identifiers.ts';
import { fitsAudience, hostPlatform, hostTime } from './platform.ts';

/**
 * Installed updates of a host (`InventoryApi.GetHostInvPatches`): Windows updates of its Windows release and
 * patches of the applications it has (with `ParentID` = the application's `ProductID`). Linux hosts report none:
 * their updates are package versions, already in the application list.
 */

const DAY_MS = 86_400_000;
const PATCHED: ReadonlySet<string> = new Set(APPLICATION_PATCHES.map((patch) => patch.parent));

/** One installed patch, before it becomes a KLOAPI record. */
export interface InstalledPatch {
  readonly patchId: string;
  readonly parentId: string;
  readonly name: string;
  readonly version: string;
  readonly classification: string;
  readonly publisher: string;
  readonly helpLink: string;
  readonly installedAt: number | null;
}

export function installedPatches(seed: number, host: HostRecord): InstalledPatch[] {
  const platform = hostPlatform(host);
  if (platform.family !== 'windows') return [];
  const rng = Random.derive(seed, `inventory-patches:${host.id}`);
  const lastInfo = hostTime(host, 'KLHST_WKS_LAST_INFOUDATE', hostTime(host, 'KLHST_WKS_CREATED', 0));
  const out: InstalledPatch[] = [];
  for (const update of WINDOWS_UPDATES) {
    const roll = rng.float();
    const ageDays = rng.int(1, 90);
    if (roll >= update.share || !update.os.some((prefix) => platform.osName.startsWith(prefix))) continue;
    out.push({
      patchId: `KB${update.kb}`,
      parentId: '',
      name: `${update.title} (KB${update.kb})`,
      version: '',
      classification: update.classification,
      publisher: 'Microsoft Windows',
      helpLink: `http://support.microsoft.com/?kbid=${update.kb}`,
      installedAt: lastInfo - ageDays * DAY_MS,
    });
  }
  // Walking the applications costs more than the updates: only when one of the patched ones can be there.
  const parents = new Map<string, string>();
  if (APPLICATIONS.some((spec) => PATCHED.has(spec.name) && fitsAudience(platform, spec.audience))) {
    forEachInstalled(seed, host, (app) => parents.set(app.name, app.productId));
  }
  for (const patch of APPLICATION_PATCHES) {
    const roll = rng.float();
    const parentId = parents.get(patch.parent);
    if (parentId === undefined || roll >= patch.share) continue;
    out.push({
      patchId: hex32(`${patch.title}|${patch.version}`),
      parentId,
      name: patch.title,
      version: patch.version,
      classification: '',
      publisher: 'Microsoft Corporation',
      helpLink: `http://support.microsoft.com/?kbid=${patch.kb}`,
      installedAt: null,
    });
  }
  return out;
}

/** The record of a patch (the keys of spec §9.1); `host` false blanks the host-specific install date. */
export function patchRecord(patch: InstalledPatch, host: boolean): KlParams {
  return {
    Classification: patch.classification,
    Comments: '',
    DisplayName: patch.name,
    DisplayVersion: patch.version,
    HelpLink: patch.helpLink,
    HelpTelephone: '',
    InstallDate: host && patch.installedAt !== null ? yyyymmdd(patch.installedAt) : '',
    MoreInfoURL: '',
    ParentID: patch.parentId,
    PatchID: patch.patchId,
    Publisher: patch.publisher,
    QuietUninstallString: '',
    UninstallString: '',
    bIsMsi: false,
  };
}
