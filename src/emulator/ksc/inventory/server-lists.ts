import type { KlParams } from '../../../ksc/values.ts';
import type { HostRecord } from '../world/model.ts';
import type { KscWorld } from '../world.ts';
import { forEachInstalled, serverApplicationRecord } from './applications.ts';
import { installedPatches, patchRecord } from './patches.ts';

/**
 * The server-wide lists (`GetInvProductsList`, `GetInvPatchesList`): the union of a server's hosts, one record per
 * `ProductID` / `PatchID`, ordered by display name. They are cached per host list: the world replaces a server's
 * host array whenever a host changes, so a cached list never outlives the hosts it was made from.
 */

interface ServerLists {
  applications?: readonly KlParams[];
  patches?: readonly KlParams[];
}

const cache = new WeakMap<readonly HostRecord[], ServerLists>();

function listsFor(hosts: readonly HostRecord[]): ServerLists {
  let lists = cache.get(hosts);
  if (lists === undefined) cache.set(hosts, (lists = {}));
  return lists;
}

function byName(records: Iterable<KlParams>): KlParams[] {
  return [...records].sort((a, b) => {
    const x = String(a['DisplayName']).toLowerCase();
    const y = String(b['DisplayName']).toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

export function serverApplications(world: KscWorld, vserverId: number): readonly KlParams[] {
  const hosts = world.hostsOf(vserverId);
  const lists = listsFor(hosts);
  if (lists.applications === undefined) {
    const seen = new Map<string, KlParams>();
    for (const host of hosts) {
      forEachInstalled(world.seedValue, host, (app) => {
        if (!seen.has(app.productId)) seen.set(app.productId, serverApplicationRecord(app));
      });
    }
    lists.applications = byName(seen.values());
  }
  return lists.applications;
}

export function serverPatches(world: KscWorld, vserverId: number): readonly KlParams[] {
  const hosts = world.hostsOf(vserverId);
  const lists = listsFor(hosts);
  if (lists.patches === undefined) {
    const seen = new Map<string, KlParams>();
    for (const host of hosts) {
      for (const patch of installedPatches(world.seedValue, host)) {
        if (!seen.has(patch.patchId)) seen.set(patch.patchId, patchRecord(patch, false));
      }
    }
    lists.patches = byName(seen.values());
  }
  return lists.patches;
}
