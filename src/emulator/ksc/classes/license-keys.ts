import type { KlParams, KlValue } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import {
  isExpired,
  keyAttributes,
  keyBySerial,
  keyUses,
  KEY_TYPE,
  KSC_APP_ID,
  ENDPOINT_APP_ID,
  listedKeys,
  readKeyStore,
  saveKeyStore,
  serialOf,
  type KeyStore,
  type LicenseKey,
} from '../licenses/keys.ts';
import { defineClass } from '../method.ts';
import { orderRecords, project } from '../records.ts';
import { openGroupSyncIterator } from './group-sync-iterator.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'read', 'write')];
const DAY_MS = 86_400_000;

/** An activation code as the reference writes it: `XXXXX-XXXXX-XXXXX-XXXXX`. */
const ACTIVATION_CODE = /^[0-9A-Z]{5}(?:-[0-9A-Z]{5}){3}$/i;

/** Items ordered by the attributes named in `fields` (ascending: `pFieldsToOrder` has no direction). */
function ordered(items: KlParams[], fields: readonly string[] | undefined): KlParams[] {
  if (fields === undefined) return items;
  return orderRecords(
    items,
    fields.map((Name) => ({ Name, Asc: true })),
    (item) => item,
  );
}

/** The body of a key file this emulator hands out for an activation code: a text that names the code. */
function keyFileBody(code: string): Uint8Array {
  return new TextEncoder().encode(`KSC-EMULATOR-KEY ${code.toUpperCase()}\n`);
}

/**
 * The serial `InstallKey` gives a key: from the activation code (sent as bytes, or named in a key file this emulator
 * produced), else from the key file's body. Real key files are signed and not parsed here (decisions/0066).
 */
function installedSerial(data: KlParams): string {
  const body = data['KLLIC_LICFILE'];
  const bytes =
    body instanceof Uint8Array ? body : typeof body === 'string' ? new TextEncoder().encode(body) : undefined;
  if (bytes === undefined || bytes.length === 0) throw faults.badParameter('pKeyInfo');
  const text = new TextDecoder().decode(bytes).trim();
  const named = /^KSC-EMULATOR-KEY (\S+)$/.exec(text)?.[1];
  if (data['KLLIC_IFKEYFILE'] === true)
    return serialOf(`code:${named ?? Buffer.from(bytes).toString('base64')}`);
  if (!ACTIVATION_CODE.test(text)) throw faults.badParameter('pKeyInfo');
  return serialOf(`code:${text.toUpperCase()}`);
}

/** A server license candidate: in the store, the server's application, not expired; else KSC's STDE_NOTPERM. */
function serverLicense(ctx: MethodContext, store: KeyStore, pInData: KlParams): LicenseKey {
  const key = keyBySerial(store, pInData, 'pInData');
  if (!key.installed || key.appId !== KSC_APP_ID || isExpired(key, ctx.clock.now()))
    throw faults.notPermitted(`License '${key.serial}' cannot be used by the Administration Server`);
  return key;
}

/** Host attributes of one key use (the reference's list of host-specific license attributes). */
function useAttributes(
  ctx: MethodContext,
  key: LicenseKey,
  use: ReturnType<typeof keyUses>[number],
): KlParams {
  const group = ctx.world.groups.get(use.host.groupId);
  const installTime = use.product.info['InstallTime'];
  const attributes: Record<string, KlValue> = {
    KLLICSRV_HOSTNAME: use.host.id,
    KLLICSRV_HOSTDN: String(use.host.attributes['KLHST_WKS_DN'] ?? ''),
    // The reference types the group id as a string here (unlike KLHST_WKS_GROUPID).
    KLLICSRV_HOST_GRPID: String(use.host.groupId),
    KLLICSRV_HOST_GRPNAME: group?.name ?? '',
    KLLICSRV_HOST_CURRENT: use.current,
    KLLICSRV_EXPIRATION_TIME: key.limit,
    KLLICSRV_INSTALL_TIME: installTime instanceof Date ? installTime : key.created,
    KLLICSRV_PRODUCT: use.product.name,
    KLLICSRV_VERSION: use.product.version,
    KLLIC_LIC_IS_PENDING_SUBSCRIPTION: false,
  };
  return attributes;
}

/**
 * `LicenseKeys` on the keys of the caller's virtual server (decisions/0066): seeded keys whose usage is derived from
 * the hosts' security applications and their LICENSE_EXPIRED status bit, changes stored per virtual server.
 */
export const licenseKeysClass = defineClass('LicenseKeys', {
  InstallKey: {
    rights: WRITE,
    coverage: {
      level: 'partial',
      missing:
        'key files are not parsed (signed format): a key file or activation code gives a one-year commercial key',
    },
    handler: async (ctx, { pKeyInfo }) => {
      const data = pKeyInfo['KLLICSRV_KEYDATA'];
      if (typeof data !== 'object' || data === null || Array.isArray(data) || data instanceof Date)
        throw faults.badParameter('pKeyInfo');
      const serial = installedSerial(data as KlParams);
      const store = await readKeyStore(ctx);
      const existing = store.keys.find((k) => k.serial === serial);
      if (existing !== undefined) {
        store.keys[store.keys.indexOf(existing)] = { ...existing, installed: true };
      } else {
        const day = Math.floor(ctx.clock.now() / DAY_MS) * DAY_MS;
        store.keys.push({
          serial,
          appId: ENDPOINT_APP_ID,
          name: 'Kaspersky Endpoint Security for Business Select',
          type: KEY_TYPE.COMMERCIAL,
          created: new Date(day),
          limit: new Date(day + 365 * DAY_MS),
          periodDays: 365,
          count: 100,
          installed: true,
          autoKey: false,
          role: 'installed',
        });
      }
      await saveKeyStore(ctx, store);
      return { PxgRetVal: serial };
    },
  },
  UninstallKey: {
    rights: WRITE,
    handler: async (ctx, { pKeyInfo }) => {
      const store = await readKeyStore(ctx);
      const key = keyBySerial(store, pKeyInfo, 'pKeyInfo');
      store.keys[store.keys.indexOf(key)] = { ...key, installed: false, autoKey: false };
      if (store.serverActive === key.serial) store.serverActive = '';
      if (store.serverReserve === key.serial) store.serverReserve = '';
      await saveKeyStore(ctx, store);
      return {};
    },
  },
  GetKeyData: {
    rights: READ,
    handler: async (ctx, { pKeyInfo }) => {
      const store = await readKeyStore(ctx);
      const key = keyBySerial(store, pKeyInfo, 'pKeyInfo');
      if (!listedKeys(ctx, store, false).includes(key))
        throw faults.notFound(`License key '${key.serial}' not found`);
      const all: Record<string, KlValue> = { ...keyAttributes(ctx, key) };
      // The body only of keys the server holds; the reference asks for the ExportLicense right as well.
      if (key.installed)
        all['KLLICSRV_KEYDATA'] = { KLLIC_IFKEYFILE: true, KLLIC_LICFILE: keyFileBody(key.serial) };
      return { PxgRetVal: project(all, Object.keys(pKeyInfo)) };
    },
  },
  EnumKeys: {
    rights: READ,
    handler: async (ctx, { pFields, pFieldsToOrder, pOptions, lTimeoutSec }) => {
      const store = await readKeyStore(ctx);
      const installedOnly = pOptions?.['KLLICSRV_ENOPT_INSTALLED_ONLY'] === true;
      const items = listedKeys(ctx, store, installedOnly).map((k) => keyAttributes(ctx, k));
      const rows = ordered(items, pFieldsToOrder).map((k) => project(k, pFields));
      return openGroupSyncIterator(ctx, rows, lTimeoutSec ?? 0);
    },
  },
  AcquireKeyHosts: {
    rights: READ,
    handler: async (ctx, { pInData, pFields, pFieldsToOrder, lTimeoutSec }) => {
      const store = await readKeyStore(ctx);
      const key = keyBySerial(store, pInData, 'pInData');
      const items = keyUses(ctx, key).map((use) => useAttributes(ctx, key, use));
      const rows = ordered(items, pFieldsToOrder).map((h) => project(h, pFields));
      return openGroupSyncIterator(ctx, rows, lTimeoutSec ?? 0);
    },
  },
  CheckIfSaasLicenseIsValid: {
    rights: READ,
    handler: async (ctx, { pInData }) => {
      serverLicense(ctx, await readKeyStore(ctx), pInData);
      return {};
    },
  },
  SaasTryToInstall: {
    rights: WRITE,
    handler: async (ctx, { pInData, bAsCurrent }) => {
      const store = await readKeyStore(ctx);
      const key = serverLicense(ctx, store, pInData);
      if (bAsCurrent) store.serverActive = key.serial;
      else store.serverReserve = key.serial;
      await saveKeyStore(ctx, store);
      return {};
    },
  },
  SaasTryToUninstall: {
    rights: WRITE,
    handler: async (ctx, { bCurrent }) => {
      const store = await readKeyStore(ctx);
      if (bCurrent) store.serverActive = '';
      else store.serverReserve = '';
      await saveKeyStore(ctx, store);
      return {};
    },
  },
  AdjustKey: {
    rights: WRITE,
    handler: async (ctx, { pData }) => {
      const store = await readKeyStore(ctx);
      const key = keyBySerial(store, pData, 'pData');
      const auto = pData['KLLICSRV_AUTOKEY'];
      if (typeof auto !== 'boolean') throw faults.badParameter('pData');
      store.keys[store.keys.indexOf(key)] = { ...key, autoKey: auto };
      await saveKeyStore(ctx, store);
      return {};
    },
  },
  DownloadKeyFiles: {
    rights: WRITE,
    coverage: {
      level: 'partial',
      missing: 'no activation server is asked: each well-formed code gives one emulator key file',
    },
    handler: (_ctx, { wstrActivationCode }) => {
      if (!ACTIVATION_CODE.test(wstrActivationCode)) throw faults.badParameter('wstrActivationCode');
      return { PxgRetVal: [keyFileBody(wstrActivationCode)] };
    },
  },
});
