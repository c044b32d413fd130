import { createHash } from 'node:crypto';
import type { KlParams } from '../../../ksc/values.ts';
import { canSeeDevices, type MethodContext } from '../context.ts';
import { storedSetting, updateSetting } from '../server-settings/store.ts';
import { domainUsersOf, domainUserView, type DomainUser } from '../users/domain-users.ts';

/**
 * The mobile devices of a server's users, derived from the world: a domain account logged on to a managed
 * computer owns one phone or tablet when a hash of its account key says so (about one in three). Nothing of the
 * seeded devices is stored; what clients change (alias, friendly name, deletion, commands) is, per virtual server,
 * in `server_settings` under `mobile-devices` (decisions/0067).
 */

/** `Dev_ProtocolId` / `KLMDM_DEVICE_MDM_PROTOCOL` of the emulator (convention: the enumeration is not public). */
export const MDM_PROTOCOL = Object.freeze({ IOS_MDM: 1, KES_ANDROID: 2 });

/** "Device commands library": a flag bit per command type (the bit values are a convention). */
export const COMMANDS_LIBRARY: readonly KlParams[] = Object.freeze([
  { KLMDM_CMD_FLAG: 1n, KLMDM_CMD_TYPE: 'Block', KLMDM_CMD_DEF_DISPLAY_NAME: 'Lock' },
  { KLMDM_CMD_FLAG: 2n, KLMDM_CMD_TYPE: 'Unblock', KLMDM_CMD_DEF_DISPLAY_NAME: 'Unlock' },
  { KLMDM_CMD_FLAG: 4n, KLMDM_CMD_TYPE: 'Wipe', KLMDM_CMD_DEF_DISPLAY_NAME: 'Reset to factory settings' },
  { KLMDM_CMD_FLAG: 8n, KLMDM_CMD_TYPE: 'Locate', KLMDM_CMD_DEF_DISPLAY_NAME: 'Locate' },
  { KLMDM_CMD_FLAG: 16n, KLMDM_CMD_TYPE: 'Alarm', KLMDM_CMD_DEF_DISPLAY_NAME: 'Alarm' },
  { KLMDM_CMD_FLAG: 32n, KLMDM_CMD_TYPE: 'ResetPassword', KLMDM_CMD_DEF_DISPLAY_NAME: 'Reset password' },
]);

const ANDROID_COMMANDS = 0x3fn;
/** iOS MDM devices cannot be located nor sound an alarm. */
const IOS_COMMANDS = 0x27n;

const ANDROID_MODELS = [
  'Samsung Galaxy S23',
  'Google Pixel 8',
  'Xiaomi Redmi Note 12',
  'Samsung Galaxy Tab S9',
];
const ANDROID_VERSIONS = ['Android 12', 'Android 13', 'Android 14'];
const IOS_MODELS = ['iPhone 14', 'iPhone 15 Pro', 'iPad Air'];
const IOS_VERSIONS = ['iOS 16.7', 'iOS 17.5', 'iPadOS 17.5'];

/** A seeded mobile device with its owner. */
export interface MobileDevice {
  readonly id: number;
  readonly vserverId: number;
  readonly owner: DomainUser;
  readonly ownerBinId: Uint8Array;
  readonly protocol: number;
  readonly model: string;
  readonly os: string;
  readonly friendlyName: string;
  readonly imei: string;
  readonly phone: string;
  readonly supportedCommands: bigint;
  /**
   * How long before the emulator's now the device last connected: it keeps connecting as time passes, so the
   * date moves with the clock (see {@link lastConnectedAt}).
   */
  readonly connectedSecondsAgo: number;
}

/** What clients changed, per virtual server. */
export interface DeviceChanges {
  readonly updates: Record<string, KlParams>;
  readonly deleted: number[];
  readonly commands: StoredCommand[];
  readonly safeBrowserAutoinstall?: boolean;
}

/** A posted command; its state follows from the emulator clock (see {@link commandStatus}). */
export interface StoredCommand {
  readonly guid: string;
  readonly deviceId: number;
  readonly type: string;
  readonly args: KlParams;
  readonly protocols: number;
  readonly flags: number;
  readonly postedAt: number;
  /** Set by RecallCommand: `Removed` from then on. */
  readonly recalledAt?: number;
}

/** A command reaches the device and completes this long after it was posted, on the emulator clock. */
export const COMMAND_DELIVERY_MS = 60_000;

/** `KLMDM_CMD_STATUS`: 1 Processing, 2 Completed, 5 Removed. */
export function commandStatus(command: StoredCommand, now: number): number {
  if (command.recalledAt !== undefined) return 5;
  return now - command.postedAt >= COMMAND_DELIVERY_MS ? 2 : 1;
}

/** The device's last connection, whole seconds. */
export function lastConnectedAt(device: MobileDevice, now: number): Date {
  return new Date((Math.floor(now / 1000) - device.connectedSecondsAgo) * 1000);
}

function digest(purpose: string, key: string): Buffer {
  return createHash('sha256').update(`${purpose}\u0000${key}`).digest();
}

function pick<T>(list: readonly T[], byte: number): T {
  return list[byte % list.length]!;
}

/** A 15-digit IMEI with its Luhn check digit. */
function imeiOf(bytes: Buffer): string {
  let body = '35';
  for (let i = 0; body.length < 14; i++) body += String(bytes[i]! % 10);
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = Number(body[i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** Ids are unique across virtual servers: the server's id in the high part (convention). */
const IDS_PER_SERVER = 1_000_000;

const cache = new WeakMap<readonly unknown[], MobileDevice[]>();

/** The seeded devices of a virtual server, in the order of its hosts. */
export function seededDevices(ctx: MethodContext, vserverId = ctx.vserverId): MobileDevice[] {
  const hosts = ctx.world.hostsOf(vserverId);
  const cached = cache.get(hosts);
  if (cached !== undefined) return cached;
  const devices: MobileDevice[] = [];
  for (const owner of domainUsersOf(hosts)) {
    if (owner.local) continue;
    const h = digest('mobile-device', owner.account.key);
    if (h[0]! % 3 !== 0) continue;
    const android = h[1]! % 5 < 3;
    const model = pick(android ? ANDROID_MODELS : IOS_MODELS, h[2]!);
    const view = domainUserView(owner);
    devices.push({
      id: vserverId * IDS_PER_SERVER + devices.length + 1,
      vserverId,
      owner,
      ownerBinId: view['ul_binId'] as Uint8Array,
      protocol: android ? MDM_PROTOCOL.KES_ANDROID : MDM_PROTOCOL.IOS_MDM,
      model,
      os: pick(android ? ANDROID_VERSIONS : IOS_VERSIONS, h[3]!),
      friendlyName: `${owner.account.sam}'s ${model}`,
      imei: imeiOf(h.subarray(4, 18)),
      phone: `+1 555 01${String(h[18]! % 100).padStart(2, '0')} ${String(h.readUInt16BE(19) % 10_000).padStart(4, '0')}`,
      supportedCommands: android ? ANDROID_COMMANDS : IOS_COMMANDS,
      connectedSecondsAgo: h.readUInt32BE(21) % (7 * 86_400),
    });
  }
  cache.set(hosts, devices);
  return devices;
}

export async function deviceChanges(ctx: MethodContext): Promise<DeviceChanges> {
  return readDeviceChanges(await storedSetting(ctx.world, ctx.vserverId, 'mobile-devices'));
}

function readDeviceChanges(stored: KlParams | undefined): DeviceChanges {
  return {
    updates: (stored?.['updates'] as Record<string, KlParams> | undefined) ?? {},
    deleted: ((stored?.['deleted'] as number[] | undefined) ?? []).map(Number),
    // Times are stored as longs (they exceed 32 bits) and come back as bigints.
    commands: ((stored?.['commands'] as KlParams[] | undefined) ?? []).map(readCommand),
    ...(typeof stored?.['safeBrowserAutoinstall'] === 'boolean'
      ? { safeBrowserAutoinstall: stored['safeBrowserAutoinstall'] }
      : {}),
  };
}

function readCommand(stored: KlParams): StoredCommand {
  const recalledAt = stored['recalledAt'];
  return {
    guid: String(stored['guid']),
    deviceId: Number(stored['deviceId']),
    type: String(stored['type']),
    args: (stored['args'] as KlParams | undefined) ?? {},
    protocols: Number(stored['protocols']),
    flags: Number(stored['flags']),
    postedAt: Number(stored['postedAt']),
    ...(recalledAt === undefined ? {} : { recalledAt: Number(recalledAt) }),
  };
}

function writeCommand(command: StoredCommand): KlParams {
  return {
    guid: command.guid,
    deviceId: command.deviceId,
    type: command.type,
    args: command.args,
    protocols: command.protocols,
    flags: command.flags,
    postedAt: BigInt(command.postedAt),
    ...(command.recalledAt === undefined ? {} : { recalledAt: BigInt(command.recalledAt) }),
  };
}

function writeDeviceChanges(changes: DeviceChanges): KlParams {
  return {
    updates: changes.updates,
    deleted: changes.deleted,
    commands: changes.commands.map(writeCommand),
    ...(changes.safeBrowserAutoinstall === undefined
      ? {}
      : { safeBrowserAutoinstall: changes.safeBrowserAutoinstall }),
  };
}

function visibleFrom(ctx: MethodContext, changes: DeviceChanges): MobileDevice[] {
  if (!canSeeDevices(ctx)) return [];
  const deleted = new Set(changes.deleted);
  return seededDevices(ctx).filter((d) => !deleted.has(d.id));
}

/**
 * Reads the caller's devices and what clients changed, lets `change` decide, and writes its changes, in one
 * transaction (server-settings/store.ts `updateSetting`): two clients changing devices at once lose nothing.
 */
export async function changeDevices<T>(
  ctx: MethodContext,
  change: (
    devices: MobileDevice[],
    changes: DeviceChanges,
  ) => { readonly changes?: DeviceChanges; readonly result: T },
): Promise<T> {
  return updateSetting(ctx.world, ctx.vserverId, 'mobile-devices', (stored) => {
    const changes = readDeviceChanges(stored);
    const outcome = change(visibleFrom(ctx, changes), changes);
    return {
      value: outcome.changes === undefined ? undefined : writeDeviceChanges(outcome.changes),
      result: outcome.result,
    };
  });
}

/** The caller's devices (none without the Managed devices scope), deleted ones left out. */
export async function visibleDevices(ctx: MethodContext): Promise<{
  devices: MobileDevice[];
  changes: DeviceChanges;
}> {
  const changes = await deviceChanges(ctx);
  return { devices: visibleFrom(ctx, changes), changes };
}

/** Members of `pDevice` a client may change (`UpdateDevice`); the rest describe the device itself. */
export const WRITABLE_DEVICE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'KLMDM_DEVICE_ALIAS',
  'KLMDM_DEVICE_FRIENDLY_NAME',
]);

/** "List of device attributes" (`KLMDM_DEVICE_*`), with the client's changes. */
export function deviceAttributes(device: MobileDevice, changes: DeviceChanges): KlParams {
  return {
    KLMDM_DEVICE_ID: device.id,
    KLMDM_DEVICE_HOST_NAME: '',
    KLMDM_DEVICE_MODEL: device.model,
    KLMDM_DEVICE_OS: device.os,
    KLMDM_DEVICE_FRIENDLY_NAME: device.friendlyName,
    KLMDM_DEVICE_IMEI: device.imei,
    KLMDM_DEVICE_PHONE_NUMBER: device.phone,
    KLMDM_DEVICE_ALIAS: '',
    KLMDM_DEVICE_SUPPORTED_COMMANDS: device.supportedCommands,
    KLMDM_DEVICE_STATUS: 0,
    KLMDM_DEVICE_MDM_PROTOCOL: device.protocol,
    ...changes.updates[String(device.id)],
  };
}

/** Attributes of the `UmdmAllDevices` view (the reference's list; the device has no host record). */
export const UMDM_VIEW_ATTRIBUTES: ReadonlySet<string> = new Set([
  'Dev_Id',
  'Dev_ProtocolId',
  'Dev_BinId',
  'Dev_Model',
  'Dev_OS',
  'Dev_FrName',
  'Dev_IMEI',
  'Dev_PhNumber',
  'Dev_Alias',
  'Dev_SupportedCmds',
  'Dev_Status',
  'Dev_Multitenancy',
  'Dev_InTrash',
  'Dev_VServerId',
  'Dev_LastRecType',
  'Dev_LatestConnectionTime',
  'HostId',
  'Host_VServerId',
  'HostDisplayName',
  'Host_Group',
  'OwnerBinId',
  'OwnerDisplayName',
  'OwnerMail',
]);

/** A record of `UmdmAllDevices`: the device, its owner, no host (attributes without a value are omitted). */
export function deviceViewRecord(device: MobileDevice, changes: DeviceChanges, now: number): KlParams {
  const a = deviceAttributes(device, changes);
  const last = [...changes.commands].reverse().find((c) => c.deviceId === device.id);
  const owner = domainUserView(device.owner);
  return {
    Dev_Id: device.id,
    Dev_ProtocolId: device.protocol,
    Dev_BinId: new Uint8Array(digest('device-bin-id', `${device.vserverId}:${device.id}`).subarray(0, 16)),
    Dev_Model: a['KLMDM_DEVICE_MODEL']!,
    Dev_OS: a['KLMDM_DEVICE_OS']!,
    Dev_FrName: a['KLMDM_DEVICE_FRIENDLY_NAME']!,
    Dev_IMEI: a['KLMDM_DEVICE_IMEI']!,
    Dev_PhNumber: a['KLMDM_DEVICE_PHONE_NUMBER']!,
    Dev_Alias: a['KLMDM_DEVICE_ALIAS']!,
    Dev_SupportedCmds: device.supportedCommands,
    Dev_Status: 0,
    Dev_Multitenancy: false,
    Dev_InTrash: false,
    Dev_VServerId: device.vserverId,
    // KLMDM_JRNL_RECORD_TYPE of the last command: 1 completed, 2 failed (convention); absent before any command.
    ...(last === undefined || commandStatus(last, now) !== 2 ? {} : { Dev_LastRecType: 1 }),
    Dev_LatestConnectionTime: lastConnectedAt(device, now),
    OwnerBinId: device.ownerBinId,
    OwnerDisplayName: owner['ul_wstrDisplayName']!,
    OwnerMail: owner['ul_wstrMail']!,
  };
}
