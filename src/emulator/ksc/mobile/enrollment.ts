import { createHash } from 'node:crypto';
import type { KlParams } from '../../../ksc/values.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { storedSetting, updateSetting } from '../server-settings/store.ts';
import { MDM_PROTOCOL } from './devices.ts';

/**
 * Enrollment packages that clients create for users' devices, stored per virtual server in `server_settings`
 * under `enrollment-packages` (decisions/0067, "UserDevicesApi, the rest"). A package becomes ready
 * {@link PACKAGE_BUILD_MS} after its creation on the emulator clock and expires `lLiveTime` hours after it.
 */

/** How long the server takes to build a package (the reference: creation completes after the call returns). */
export const PACKAGE_BUILD_MS = 5_000;

/** `KLMDM_ENR_PKG_STATE` (convention: the enumeration is not public): being built, ready, expired. */
export const PACKAGE_STATE = Object.freeze({ CREATING: 1, READY: 2, EXPIRED: 3 });

/** `KLMDM_ENR_PKG_FILE_STATUS` (the reference's enumeration). */
export const FILE_STATUS = Object.freeze({ NOT_RECOGNIZED: 1, NOT_READY: 2, COMPLETED: 3 });

/** A file of a package: one per protocol the package is for. */
interface PackageFileType {
  readonly protocol: number;
  readonly type: string;
  readonly displayName: string;
  readonly extension: string;
  /** Matches the User-Agent of a device this file is for. */
  readonly agent: RegExp;
}

/** The reference's file type examples: "iOS5Plus" (a configuration profile) and "Andr" (the app). */
const FILE_TYPES: readonly PackageFileType[] = Object.freeze([
  {
    protocol: MDM_PROTOCOL.IOS_MDM,
    type: 'iOS5Plus',
    displayName: 'iOS MDM profile',
    extension: 'mobileconfig',
    agent: /iPhone|iPad|iPod/,
  },
  {
    protocol: MDM_PROTOCOL.KES_ANDROID,
    type: 'Andr',
    displayName: 'Kaspersky Endpoint Security for Android',
    extension: 'apk',
    agent: /Android/,
  },
]);

/** The protocol bits the emulator knows: `lMdmProtocols` 0 means all of them (the reference's default). */
const ALL_PROTOCOLS = MDM_PROTOCOL.IOS_MDM | MDM_PROTOCOL.KES_ANDROID;

export interface EnrollmentPackage {
  readonly id: number;
  /** The id a device sends back in the package's URL (`c_wstrPackageId`). */
  readonly token: string;
  readonly ownerBinId: Uint8Array;
  readonly protocols: number;
  readonly contentType: number;
  readonly liveTimeHours: number;
  /** Unified URL format (`%s` the token), or one per operating system (the `…Ex` methods). */
  readonly urlFormat: string;
  readonly urlFormats: KlParams;
  readonly createdAt: number;
}

export interface NewPackage {
  readonly ownerBinId: Uint8Array;
  readonly protocols: number;
  readonly contentType: number;
  readonly liveTimeHours: number;
  readonly urlFormat: string;
  readonly urlFormats: KlParams;
}

function tokenOf(vserverId: number, id: number): string {
  return createHash('sha256').update(`enrollment-package\u0000${vserverId}:${id}`).digest('hex').slice(0, 32);
}

function readPackage(stored: KlParams): EnrollmentPackage {
  return {
    id: Number(stored['id']),
    token: String(stored['token']),
    ownerBinId: stored['ownerBinId'] as Uint8Array,
    protocols: Number(stored['protocols']),
    contentType: Number(stored['contentType']),
    liveTimeHours: Number(stored['liveTimeHours']),
    urlFormat: String(stored['urlFormat']),
    urlFormats: (stored['urlFormats'] as KlParams | undefined) ?? {},
    createdAt: Number(stored['createdAt']),
  };
}

function writePackage(p: EnrollmentPackage): KlParams {
  // Times are stored as longs: they exceed 32 bits.
  return { ...p, createdAt: BigInt(p.createdAt) };
}

function readPackages(stored: KlParams | undefined): { nextId: number; packages: EnrollmentPackage[] } {
  return {
    nextId: Number(stored?.['nextId'] ?? 1),
    packages: ((stored?.['packages'] as KlParams[] | undefined) ?? []).map(readPackage),
  };
}

export async function enrollmentPackages(ctx: MethodContext): Promise<EnrollmentPackage[]> {
  return readPackages(await storedSetting(ctx.world, ctx.vserverId, 'enrollment-packages')).packages;
}

/** Stores a new package and answers its id (ids from 1 per virtual server, never reused). */
export function createPackage(ctx: MethodContext, request: NewPackage): Promise<number> {
  if (!Number.isInteger(request.liveTimeHours) || request.liveTimeHours <= 0)
    throw faults.badParameter('lLiveTime');
  if ((request.protocols & ~ALL_PROTOCOLS) !== 0) throw faults.badParameter('lMdmProtocols');
  return updateSetting(ctx.world, ctx.vserverId, 'enrollment-packages', (stored) => {
    const { nextId, packages } = readPackages(stored);
    const created: EnrollmentPackage = {
      ...request,
      protocols: request.protocols === 0 ? ALL_PROTOCOLS : request.protocols,
      id: nextId,
      token: tokenOf(ctx.vserverId, nextId),
      createdAt: ctx.clock.now(),
    };
    return {
      value: { nextId: nextId + 1, packages: [...packages, created].map(writePackage) },
      result: nextId,
    };
  });
}

export function deletePackage(ctx: MethodContext, id: number): Promise<void> {
  return updateSetting(ctx.world, ctx.vserverId, 'enrollment-packages', (stored) => {
    const { nextId, packages } = readPackages(stored);
    const remaining = packages.filter((p) => p.id !== id);
    if (remaining.length === packages.length) throw faults.notFound(`Enrollment package ${id} not found`);
    return { value: { nextId, packages: remaining.map(writePackage) }, result: undefined };
  });
}

export function packageState(p: EnrollmentPackage, now: number): number {
  if (now >= p.createdAt + p.liveTimeHours * 3_600_000) return PACKAGE_STATE.EXPIRED;
  return now - p.createdAt >= PACKAGE_BUILD_MS ? PACKAGE_STATE.READY : PACKAGE_STATE.CREATING;
}

function fileTypesOf(p: EnrollmentPackage): PackageFileType[] {
  return FILE_TYPES.filter((t) => (p.protocols & t.protocol) !== 0);
}

/** "Device enrollment packages info": `withUrlFormats` for the `…Ex` methods (a URL per operating system). */
export function packageInfo(p: EnrollmentPackage, now: number, withUrlFormats: boolean): KlParams {
  return {
    KLMDM_ENR_PKG_ID: BigInt(p.id),
    KLMDM_ENR_PKG_MDM_PROTOCOLS: p.protocols,
    KLMDM_ENR_PKG_STATE: packageState(p, now),
    KLMDM_ENR_PKG_UNIFIED_URL: p.urlFormat.replace('%s', p.token),
    KLMDM_ENR_PKG_CREATION_TIME: new Date(p.createdAt),
    KLMDM_ENR_PKG_LIVE_TIME: p.liveTimeHours,
    ...(withUrlFormats
      ? {
          KLMDM_ENR_PKG_URLS: Object.fromEntries(
            Object.entries(p.urlFormats).map(([os, format]) => [os, String(format).replace('%s', p.token)]),
          ),
        }
      : {}),
  };
}

/** The package a device's URL names, or 1186 when there is none (or it expired). */
export function packageByToken(packages: readonly EnrollmentPackage[], token: string, now: number) {
  const found = packages.find((p) => p.token === token);
  if (found === undefined || packageState(found, now) === PACKAGE_STATE.EXPIRED)
    throw faults.notFound(`Enrollment package '${token}' not found`);
  return found;
}

/** The file's bytes: a deterministic payload (SHA-256 blocks of package and type), 4–8 KiB. */
export function packageFile(p: EnrollmentPackage, type: string): Uint8Array {
  const seed = createHash('sha256').update(`enrollment-file\u0000${p.token}\u0000${type}`).digest();
  const size = 4096 + (seed.readUInt16BE(0) % 4096);
  const bytes = new Uint8Array(size);
  for (let block = 0, at = 0; at < size; block++) {
    const chunk = createHash('sha256').update(seed).update(String(block)).digest();
    bytes.set(chunk.subarray(0, Math.min(chunk.length, size - at)), at);
    at += chunk.length;
  }
  return bytes;
}

/** "Device enrollment package file info" for the file type a User-Agent (or, when empty, the type) selects. */
export function packageFileInfo(
  p: EnrollmentPackage,
  userAgent: string,
  fileType: string,
  now: number,
): KlParams {
  const types = fileTypesOf(p);
  const selected =
    userAgent === '' ? types.find((t) => t.type === fileType) : types.find((t) => t.agent.test(userAgent));
  if (selected === undefined)
    return {
      KLMDM_ENR_PKG_FILE_STATUS: FILE_STATUS.NOT_RECOGNIZED,
      KLMDM_ENR_PKG_FILE_TYPE_LIST: types.map((t) => ({
        KLMDM_ENR_PKG_FILE_TYPE: t.type,
        KLMDM_ENR_PKG_FILE_TYPE_DN: t.displayName,
      })),
    };
  if (packageState(p, now) !== PACKAGE_STATE.READY)
    return { KLMDM_ENR_PKG_FILE_STATUS: FILE_STATUS.NOT_READY };
  return {
    KLMDM_ENR_PKG_FILE_STATUS: FILE_STATUS.COMPLETED,
    KLMDM_ENR_PKG_FILE_INFO: {
      KLMDM_ENR_PKG_FILE_TYPE: selected.type,
      KLMDM_ENR_PKG_FILE_SIZE: packageFile(p, selected.type).length,
      KLMDM_ENR_PKG_FILE_EXT: selected.extension,
    },
  };
}

/** A chunk of a ready package's file of a type it has; 1187 for a type it has not, 1186 before it is ready. */
export function packageFileChunk(
  p: EnrollmentPackage,
  type: string,
  offset: number,
  size: number,
  now: number,
) {
  if (!fileTypesOf(p).some((t) => t.type === type)) throw faults.badParameter('c_wstrPackageFileType');
  if (packageState(p, now) !== PACKAGE_STATE.READY)
    throw faults.notFound(`Enrollment package file '${type}' is not ready`);
  if (offset < 0) throw faults.badParameter('lBuffOffset');
  if (size < 0) throw faults.badParameter('lBuffSize');
  return packageFile(p, type).slice(offset, offset + size);
}
