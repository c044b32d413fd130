import { createHash } from 'node:crypto';
import type { KlParams, KlValue } from '../../../ksc/values.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { storedSetting, storeSetting } from '../server-settings/store.ts';
import { ADMIN_SERVER, securityApplication } from '../world/products.ts';
import { MASK_BIT } from '../world/status.ts';
import type { HostRecord, ProductInstall } from '../world/model.ts';

const DAY_MS = 86_400_000;

/** `KLLIC_KEY_TYPE` values of the reference's list of license key attributes. */
export const KEY_TYPE = Object.freeze({ COMMERCIAL: 1, TRIAL: 3 });

/** The application id of Kaspersky Security Center itself (the reference: "its AppId is 1017"). */
export const KSC_APP_ID = 1017;
/** The application id the seeded endpoint keys license (a convention: the reference names 1105 as an example). */
export const ENDPOINT_APP_ID = 1105;

/** A key in the server's store or reported by hosts: its `KLLIC_*` attributes but the derived usage counters. */
export interface LicenseKey {
  readonly serial: string;
  readonly appId: number;
  readonly name: string;
  readonly type: number;
  readonly created: Date;
  readonly limit: Date;
  readonly periodDays: number;
  readonly count: number;
  /** Whether the server holds the key (`KLLICSRV_KEY_INSTALLED`); hosts may still report an uninstalled key. */
  readonly installed: boolean;
  /** `KLLICSRV_AUTOKEY`: deployed to hosts automatically. */
  readonly autoKey: boolean;
  /** Where a seeded key is used; keys installed through the API are used by no host. */
  readonly role: 'active' | 'reserve' | 'expired-trial' | 'server' | 'installed';
}

/** What the `license-keys` setting holds: the day the keys were issued from, the keys, the server's licenses. */
export interface KeyStore {
  readonly anchor: Date;
  readonly keys: LicenseKey[];
  /** Serials of the Administration Server's own active and reserve licenses (`SaasTryToInstall`). */
  serverActive: string;
  serverReserve: string;
}

/** A serial as KSC prints them (`26A7-000451-6E6B53DF`), derived from `seed`. */
export function serialOf(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex').toUpperCase();
  const digits = String(parseInt(h.slice(4, 12), 16) % 1_000_000).padStart(6, '0');
  return `${h.slice(0, 4)}-${digits}-${h.slice(12, 20)}`;
}

/**
 * The keys of a new virtual server (decisions/0066): an active commercial key for the endpoints, a reserve key
 * that follows it, a trial key that has expired (used by the hosts whose license expired), and the key of the
 * Administration Server itself.
 */
function seededKeys(vserverId: number, anchor: number, hosts: readonly HostRecord[]): LicenseKey[] {
  const day = (n: number) => new Date(anchor + n * DAY_MS);
  const seats = Math.max(50, Math.ceil((hosts.length * 1.2) / 50) * 50);
  const base = { installed: true, autoKey: false, appId: ENDPOINT_APP_ID, type: KEY_TYPE.COMMERCIAL };
  return [
    {
      ...base,
      serial: serialOf(`vs${vserverId}:active`),
      name: 'Kaspersky Endpoint Security for Business Select',
      created: day(-120),
      limit: day(245),
      periodDays: 365,
      count: seats,
      autoKey: true,
      role: 'active',
    },
    {
      ...base,
      serial: serialOf(`vs${vserverId}:reserve`),
      name: 'Kaspersky Endpoint Security for Business Select',
      created: day(-5),
      limit: day(610),
      periodDays: 365,
      count: seats,
      role: 'reserve',
    },
    {
      ...base,
      serial: serialOf(`vs${vserverId}:trial`),
      name: 'Kaspersky Endpoint Security for Business Select (trial)',
      type: KEY_TYPE.TRIAL,
      created: day(-60),
      limit: day(-30),
      periodDays: 30,
      count: 10,
      role: 'expired-trial',
    },
    {
      ...base,
      serial: serialOf(`vs${vserverId}:ksc`),
      appId: KSC_APP_ID,
      name: 'Kaspersky Security Center',
      created: day(-120),
      limit: day(245),
      periodDays: 365,
      count: 1,
      role: 'server',
    },
  ];
}

function toParams(store: KeyStore): KlParams {
  return {
    anchor: store.anchor,
    keys: store.keys.map((k) => ({ ...k }) as unknown as KlParams),
    serverActive: store.serverActive,
    serverReserve: store.serverReserve,
  };
}

/**
 * The caller's server's keys: the seeded ones the first time (issued from that day, stored at once so their dates
 * stay put), then as changed through the API; stored per virtual server on both backends.
 */
export async function readKeyStore(ctx: MethodContext): Promise<KeyStore> {
  const stored = await storedSetting(ctx.world, ctx.vserverId, 'license-keys');
  if (stored !== undefined) {
    return {
      anchor: stored['anchor'] as Date,
      keys: (stored['keys'] as unknown as LicenseKey[]).map((k) => ({ ...k })),
      serverActive: String(stored['serverActive'] ?? ''),
      serverReserve: String(stored['serverReserve'] ?? ''),
    };
  }
  const anchor = Math.floor(ctx.clock.now() / DAY_MS) * DAY_MS;
  const keys = seededKeys(ctx.vserverId, anchor, ctx.world.hostsOf(ctx.vserverId));
  const store: KeyStore = {
    anchor: new Date(anchor),
    keys,
    serverActive: keys.find((k) => k.role === 'server')?.serial ?? '',
    serverReserve: '',
  };
  await saveKeyStore(ctx, store);
  return store;
}

export async function saveKeyStore(ctx: MethodContext, store: KeyStore): Promise<void> {
  await storeSetting(ctx.world, ctx.vserverId, 'license-keys', toParams(store));
}

/** One host's use of a key: the product that uses it and whether as its active key. */
export interface KeyUse {
  readonly host: HostRecord;
  readonly product: ProductInstall;
  readonly current: boolean;
}

/**
 * The hosts that use `key`, derived from the world so they agree with the hosts' data and general status: a
 * security application whose license expired (`LICENSE_EXPIRED` status bit) runs on the expired trial key; the
 * others run on the active key with the reserve key as their next one. The server's key is used by the server.
 */
export function keyUses(ctx: MethodContext, key: LicenseKey): KeyUse[] {
  if (key.role === 'installed' || key.role === 'server') return [];
  const uses: KeyUse[] = [];
  for (const host of ctx.world.hostsOf(ctx.vserverId)) {
    const product = securityApplication(host.products);
    if (product === undefined) continue;
    const mask = Number(host.attributes['KLHST_WKS_STATUS_MASK'] ?? 0);
    const expired = (mask & (1 << MASK_BIT.LICENSE_EXPIRED)) !== 0;
    if (key.role === 'expired-trial' && expired) uses.push({ host, product, current: true });
    if (key.role === 'active' && !expired) uses.push({ host, product, current: true });
    if (key.role === 'reserve' && !expired) uses.push({ host, product, current: false });
  }
  return uses;
}

/** Every attribute of a key (the reference's list of license key attributes) with its usage counters. */
export function keyAttributes(ctx: MethodContext, key: LicenseKey): KlParams {
  const uses = keyUses(ctx, key);
  const current = uses.filter((u) => u.current).length;
  const attributes: Record<string, KlValue> = {
    KLLIC_APP_ID: key.appId,
    KLLIC_APP_IDS: { [String(key.appId)]: { KLLIC_APP_ID: key.appId } },
    KLLIC_PROD_SUITE_ID: key.appId === KSC_APP_ID ? 0 : 1,
    KLLIC_CREATION_DATE: key.created,
    KLLIC_LIMIT_DATE: key.limit,
    KLLIC_SERIAL: key.serial,
    KLLIC_PROD_NAME: key.name,
    KLLIC_KEY_TYPE: key.type,
    KLLIC_MAJ_VER: key.appId === KSC_APP_ID ? ADMIN_SERVER.builds[0]![0].split('.')[0]! : '12',
    KLLIC_LICENSE_PERIOD: key.periodDays,
    KLLIC_LIC_COUNT: key.count,
    KLLIC_LICINFO: `${key.name}, ${key.count} nodes`,
    KLLIC_SUPPORT_INFO: 'Kaspersky technical support: https://support.kaspersky.com',
    KLLIC_CUSTOMER_INFO: 'Example Corp.',
    KLLIC_NHOSTS_ASCURRENT: current,
    KLLIC_NHOSTS_ASNEXT: uses.length - current,
    KLLICSRV_KEY_INSTALLED: key.installed,
    KLLICSRV_AUTOKEY: key.autoKey,
    KLLIC_LICTYPE_IS_SUBSCRIPTION: false,
  };
  return attributes;
}

/** The key named by `container.KLLIC_SERIAL`, or KSC's errors: 1187 without a serial, 1186 for an unknown one. */
export function keyBySerial(store: KeyStore, container: KlParams, argument: string): LicenseKey {
  const serial = container['KLLIC_SERIAL'];
  if (typeof serial !== 'string' || serial === '') throw faults.badParameter(argument);
  const key = store.keys.find((k) => k.serial.toLowerCase() === serial.toLowerCase());
  if (key === undefined) throw faults.notFound(`License key '${serial}' not found`);
  return key;
}

/**
 * Keys a server lists: those it holds, and those hosts report though the server no longer holds them (an
 * uninstalled key still in use). An uninstalled key nobody uses is gone.
 */
export function listedKeys(ctx: MethodContext, store: KeyStore, installedOnly: boolean): LicenseKey[] {
  return store.keys.filter((k) => k.installed || (!installedOnly && keyUses(ctx, k).length > 0));
}

/** Whether a key has expired at `now`. */
export function isExpired(key: LicenseKey, now: number): boolean {
  return key.limit.getTime() <= now;
}
