import type { KlParams } from '../../../ksc/values.ts';
import { INVENTORY_VIEW_ATTRIBUTES } from '../../../ksc/view-attributes.ts';
import { need } from '../auth/rights.ts';
import { canSeeDevices } from '../context.ts';
import type { SrvViewDefinition } from '../views/view.ts';
import type { HostRecord } from '../world/model.ts';
import type { KscWorld } from '../world.ts';
import { forEachInstalled, type InstalledApplication } from './applications.ts';
import { hostTime } from './platform.ts';

/**
 * `InvSrvViewName`, the software inventory of a server: one record per application (`ProductID`, the same key
 * as `InventoryApi.GetInvProductsList`), with the number of hosts it is installed on and when it first appeared.
 * `nId` numbers the applications in `strID` order, so it is stable for a world; `tmFirstAppear` is the earliest
 * install time among the hosts (the host's creation when its registry keeps no install date). Cached per host
 * list: the world replaces a server's host array whenever a host changes.
 */

const cache = new WeakMap<readonly HostRecord[], readonly KlParams[]>();

function record(app: InstalledApplication, id: number, hostCount: number, firstAppear: number): KlParams {
  return {
    nId: id,
    strID: app.productId,
    bIsMsi: app.msi,
    wstrDisplayName: app.name,
    wstrDisplayVersion: app.version,
    wstrPublisher: app.publisher,
    wstrComments: '',
    wstrHelpLink: app.helpLink,
    wstrHelpTelephone: '',
    wstrARPRegKey: app.arpRegKey,
    nHostCount: hostCount,
    wstrTotalUninstallString: app.uninstall,
    wstrTotalQuietUninstallString: app.quietUninstall,
    tmFirstAppear: new Date(firstAppear),
  };
}

export function inventoryViewRecords(world: KscWorld, vserverId: number): readonly KlParams[] {
  const hosts = world.hostsOf(vserverId);
  let records = cache.get(hosts);
  if (records === undefined) {
    const seen = new Map<string, { app: InstalledApplication; hosts: number; first: number }>();
    for (const host of hosts) {
      const created = hostTime(host, 'KLHST_WKS_CREATED', 0);
      // An application listed twice on one host (two install records) counts the host once.
      const counted = new Set<string>();
      forEachInstalled(world.seedValue, host, (app, installedAt) => {
        const at = installedAt ?? created;
        const known = seen.get(app.productId);
        if (known === undefined) seen.set(app.productId, { app, hosts: 1, first: at });
        else {
          if (!counted.has(app.productId)) known.hosts++;
          known.first = Math.min(known.first, at);
        }
        counted.add(app.productId);
      });
    }
    records = [...seen.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, entry], index) => record(entry.app, index + 1, entry.hosts, entry.first));
    cache.set(hosts, records);
  }
  return records;
}

/** The software inventory view; Basic functionality: Read, as `InventoryApi`. */
export const inventoryView: SrvViewDefinition = {
  name: 'InvSrvViewName',
  type: { attributes: new Set<string>(INVENTORY_VIEW_ATTRIBUTES) },
  rights: [need('basic', 'read')],
  records: (ctx) => (canSeeDevices(ctx) ? inventoryViewRecords(ctx.world, ctx.vserverId) : []),
};

/**
 * `InvDisplayNameGroupingSrvView`: the records of `InvSrvViewName` with the same `wstrDisplayName` merged into
 * one, in the order of each name's first record, with `nProdCount` the number merged. The reference's rule for
 * each attribute: the common value when every merged record has the same one, else empty — an empty string for
 * a string attribute, absent for the others (decision 0075).
 */
const groupingCache = new WeakMap<readonly KlParams[], readonly KlParams[]>();

function merged(records: readonly KlParams[]): KlParams {
  const [first, ...rest] = records;
  const out: Record<string, KlParams[string]> = { nProdCount: records.length };
  for (const [name, value] of Object.entries(first ?? {})) {
    const same = rest.every((r) => sameValue(r[name], value));
    if (same) out[name] = value;
    else if (typeof value === 'string') out[name] = '';
  }
  return out;
}

function sameValue(a: KlParams[string] | undefined, b: KlParams[string] | undefined): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

export function displayNameGroupingRecords(world: KscWorld, vserverId: number): readonly KlParams[] {
  const records = inventoryViewRecords(world, vserverId);
  let grouped = groupingCache.get(records);
  if (grouped === undefined) {
    const byName = new Map<string, KlParams[]>();
    for (const r of records) {
      const name = String(r['wstrDisplayName']);
      const group = byName.get(name);
      if (group === undefined) byName.set(name, [r]);
      else group.push(r);
    }
    grouped = [...byName.values()].map(merged);
    groupingCache.set(records, grouped);
  }
  return grouped;
}

/** The software inventory grouped by display name; the rights of `InvSrvViewName`. */
export const displayNameGroupingView: SrvViewDefinition = {
  name: 'InvDisplayNameGroupingSrvView',
  type: { attributes: new Set<string>([...INVENTORY_VIEW_ATTRIBUTES, 'nProdCount']) },
  rights: [need('basic', 'read')],
  records: (ctx) => (canSeeDevices(ctx) ? displayNameGroupingRecords(ctx.world, ctx.vserverId) : []),
};
