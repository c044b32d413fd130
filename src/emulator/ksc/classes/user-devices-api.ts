import type { KlParams } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { defineClass, type MethodArgs } from '../method.ts';
import {
  COMMANDS_LIBRARY,
  commandStatus,
  deviceAttributes,
  lastConnectedAt,
  changeDevices,
  type MobileDevice,
  visibleDevices,
  WRITABLE_DEVICE_ATTRIBUTES,
  type StoredCommand,
} from '../mobile/devices.ts';
import { internalUserView } from '../directory-users.ts';
import {
  createPackage,
  deletePackage,
  enrollmentPackages,
  packageByToken,
  packageFileChunk,
  packageFileInfo,
  packageInfo,
  type NewPackage,
} from '../mobile/enrollment.ts';
import {
  commandResult,
  completedOrFailed,
  journalAttributes,
  journalAttributesWithoutResult,
  journalRecords,
  type JournalRecord,
} from '../mobile/journal.ts';
import { EXTRA_DATA_CATEGORIES, extraData } from '../mobile/extra-data.ts';
import { isAccepted, saveEula, savedEulas } from '../mobile/eulas.ts';
import {
  multitenancyServers,
  serverById,
  serverInfo,
  serverSettings,
  setServerSettings,
} from '../mobile/multitenancy.ts';
import { QrCapacityError, qrCodePng } from '../mobile/qr/index.ts';

const READ = [need('basic', 'read')];
const WRITE = [need('basic', 'write')];

/** The device `lDeviceId` names among `devices`, or KLSTD 1186 (the reference's STDE_NOTFOUND). */
function findDevice(devices: readonly MobileDevice[], lDeviceId: number | bigint): MobileDevice {
  const id = Number(lDeviceId);
  const device = devices.find((d) => d.id === id);
  if (device === undefined) throw faults.notFound(`Device ${id} not found`);
  return device;
}

/** The device `lDeviceId` names among the caller's, with what clients changed. */
async function deviceOf(ctx: MethodContext, lDeviceId: number | bigint) {
  const { devices, changes } = await visibleDevices(ctx);
  return { device: findDevice(devices, lDeviceId), changes };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** `pUserId` as bytes: base64 text at method level, bytes inside a container; empty when absent. */
function userIdBytes(pUserId: Uint8Array | string | null | undefined): Uint8Array {
  if (pUserId === null || pUserId === undefined) return new Uint8Array();
  return typeof pUserId === 'string' ? new Uint8Array(Buffer.from(pUserId, 'base64')) : pUserId;
}

/** The owner a `pUserId` names: empty means the caller. */
function ownerOf(ctx: MethodContext, pUserId: Uint8Array | string | null | undefined): Uint8Array {
  const owner = userIdBytes(pUserId);
  return owner.length === 0 ? (internalUserView(ctx.user)['ul_binId'] as Uint8Array) : owner;
}

/** Package info attributes (not public beyond id, protocols, state and unified URL): what the emulator adds. */
const PACKAGE_COVERAGE = {
  level: 'partial',
  missing:
    'the reference\'s "Device enrollment packages info" table was not reachable: KLMDM_ENR_PKG_ID, _MDM_PROTOCOLS, ' +
    "_STATE, _UNIFIED_URL are KlAkOAPI's names; the state values, _CREATION_TIME, _LIVE_TIME and _URLS are conventions",
} as const;

/** Creation methods: the recipient and notification are accepted, but no message is sent. */
const CREATE_COVERAGE = {
  level: 'partial',
  missing:
    'no message is sent to pRecipient; pProtSpecInfo is ignored; package attributes as GetEnrollmentPackage',
} as const;

async function packagesOf(ctx: MethodContext, pUserId: Uint8Array | string | null | undefined, ex: boolean) {
  const owner = ownerOf(ctx, pUserId);
  const now = ctx.clock.now();
  return {
    PxgRetVal: (await enrollmentPackages(ctx))
      .filter((p) => sameBytes(p.ownerBinId, owner))
      .map((p) => packageInfo(p, now, ex)),
  };
}

async function packageById(ctx: MethodContext, id: number | bigint, ex: boolean) {
  const found = (await enrollmentPackages(ctx)).find((p) => p.id === Number(id));
  if (found === undefined) throw faults.notFound(`Enrollment package ${Number(id)} not found`);
  return { PxgRetVal: packageInfo(found, ctx.clock.now(), ex) };
}

async function created(ctx: MethodContext, request: NewPackage) {
  return { PxgRetVal: BigInt(await createPackage(ctx, request)) };
}

async function journalOf(
  ctx: MethodContext,
  lDeviceId: number | bigint,
  attributes: (record: JournalRecord) => KlParams,
) {
  const { device, changes } = await deviceOf(ctx, lDeviceId);
  const commands = changes.commands.filter((c) => c.deviceId === device.id);
  return { PxgRetVal: completedOrFailed(journalRecords(commands, ctx.clock.now())).map(attributes) };
}

function commandRecord(command: StoredCommand, now: number): KlParams {
  const status = commandStatus(command, now);
  return {
    KLMDM_CMD_GUID: command.guid,
    KLMDM_CMD_TYPE: command.type,
    KLMDM_CMD_ARG: command.args,
    KLMDM_CMD_MDM_PROTOCOLS: BigInt(command.protocols),
    KLMDM_CMD_PROCESSFLAGS: BigInt(command.flags),
    KLMDM_CMD_STATUS: BigInt(status),
    KLMDM_CMD_RESULT_INFO: status === 2 ? 'Command completed' : '',
  };
}

/** QR images: `lImageFormat` 3 (PNG) is the only format the reference names; sizes from 21 to 4096 pixels. */
function qrImage(input: string, size: number, format: number): Uint8Array {
  if (format !== 3) throw faults.badParameter('lImageFormat');
  if (size < 21 || size > 4096) throw faults.badParameter('lQRCodeSize');
  try {
    return qrCodePng(input, size);
  } catch (error) {
    // Past version 40 at level M: the input, not the server, is at fault.
    if (error instanceof QrCapacityError) throw faults.badParameter('strInputData');
    throw error;
  }
}

/** The reference's signature was not reachable: the arguments are a convention (decisions/0074). */
const MULTI_PACKAGE_COVERAGE = {
  level: 'partial',
  missing:
    'the reference page of the method was not reachable: its arguments are a convention; package attributes as GetEnrollmentPackage',
} as const;

/** `PostCommand` and `PostCommand2` (the reference gives both the same arguments and rules). */
function postCommand(ctx: MethodContext, args: MethodArgs<'UserDevicesApi.PostCommand'>) {
  return changeDevices(ctx, (devices, changes) => {
    const device = findDevice(devices, args.lDeviceId);
    const now = ctx.clock.now();
    if (args.c_wstrCommandGuid === '') throw faults.badParameter('c_wstrCommandGuid');
    const known = COMMANDS_LIBRARY.find((c) => c['KLMDM_CMD_TYPE'] === args.c_wstrCommandType);
    if (known === undefined) throw faults.badParameter('c_wstrCommandType');
    if ((device.supportedCommands & (known['KLMDM_CMD_FLAG'] as bigint)) === 0n)
      throw faults.notPermitted(`The device does not support the command '${args.c_wstrCommandType}'`);
    if (changes.commands.some((c) => c.guid === args.c_wstrCommandGuid))
      throw faults.notPermitted(`A command with id '${args.c_wstrCommandGuid}' already exists`);
    // The reference: no second command of a type while one of that type is not completed.
    if (
      changes.commands.some(
        (c) => c.deviceId === device.id && c.type === args.c_wstrCommandType && commandStatus(c, now) === 1,
      )
    )
      throw faults.notPermitted(`A command '${args.c_wstrCommandType}' is still being processed`);
    const command: StoredCommand = {
      guid: args.c_wstrCommandGuid,
      deviceId: device.id,
      type: args.c_wstrCommandType,
      args: args.pArguments ?? {},
      protocols: Number(args.lMdmProtocols ?? 0),
      flags: Number(args.lProcessFlags ?? 0),
      postedAt: now,
    };
    return { changes: { ...changes, commands: [...changes.commands, command] }, result: {} };
  });
}

/**
 * `UserDevicesApi`: the users' mobile devices of the seeded world (src/emulator/ksc/mobile/devices.ts) and the
 * commands posted to them, which complete {@link COMMAND_DELIVERY_MS} after posting on the emulator clock.
 * Enrollment packages (mobile/enrollment.ts) are stored per virtual server and build on the emulator clock; the
 * journal (mobile/journal.ts) is derived from the posted commands; EULAs (mobile/eulas.ts) and multitenancy server
 * settings (mobile/multitenancy.ts) are stored per virtual server. See decisions/0067 and 0074.
 */
export const userDevicesApiClass = defineClass('UserDevicesApi', {
  GetDevice: {
    rights: READ,
    handler: async (ctx, { lDeviceId }) => {
      const { device, changes } = await deviceOf(ctx, lDeviceId);
      return { PxgRetVal: deviceAttributes(device, changes) };
    },
  },
  GetDevices: {
    rights: READ,
    handler: async (ctx, { pUserId }) => {
      let owner = userIdBytes(pUserId);
      // Empty: the caller's own devices. Internal users own none in the seeded world.
      if (owner.length === 0) owner = internalUserView(ctx.user)['ul_binId'] as Uint8Array;
      const { devices, changes } = await visibleDevices(ctx);
      return {
        PxgRetVal: devices
          .filter((d) => sameBytes(d.ownerBinId, owner))
          .map((d) => deviceAttributes(d, changes)),
      };
    },
  },
  UpdateDevice: {
    rights: WRITE,
    handler: async (ctx, { lDeviceId, pDevice }) => {
      const update: Record<string, string> = {};
      for (const [name, value] of Object.entries(pDevice)) {
        if (!WRITABLE_DEVICE_ATTRIBUTES.has(name)) continue; // Attributes the device reports are not the client's.
        if (typeof value !== 'string') throw faults.badParameter('pDevice');
        update[name] = value;
      }
      return changeDevices(ctx, (devices, changes) => {
        const key = String(findDevice(devices, lDeviceId).id);
        return {
          changes: {
            ...changes,
            updates: { ...changes.updates, [key]: { ...changes.updates[key], ...update } },
          },
          result: {},
        };
      });
    },
  },
  DeleteDevice: {
    rights: WRITE,
    handler: (ctx, { lDeviceId }) =>
      changeDevices(ctx, (devices, changes) => {
        const device = findDevice(devices, lDeviceId);
        return {
          changes: {
            ...changes,
            deleted: [...changes.deleted, device.id],
            commands: changes.commands.filter((c) => c.deviceId !== device.id),
          },
          result: {},
        };
      }),
  },
  GetLatestDeviceActivityDate: {
    rights: READ,
    handler: async (ctx, { lDeviceId }) => {
      const { device } = await deviceOf(ctx, lDeviceId);
      return { PxgRetVal: lastConnectedAt(device, ctx.clock.now()) };
    },
  },
  GetCommandsLibrary: {
    rights: READ,
    handler: () => ({ PxgRetVal: COMMANDS_LIBRARY.map((c) => ({ ...c })) }),
  },
  PostCommand: { rights: WRITE, handler: (ctx, args) => postCommand(ctx, args) },
  PostCommand2: { rights: WRITE, handler: (ctx, args) => postCommand(ctx, args) },
  GetCommands: {
    rights: READ,
    // The reference: "states of active commands (not completed, not failed, etc.)"; GetCommandsAll answers all.
    handler: async (ctx, { lDeviceId }) => {
      const { device, changes } = await deviceOf(ctx, lDeviceId);
      const now = ctx.clock.now();
      return {
        PxgRetVal: changes.commands
          .filter((c) => c.deviceId === device.id && commandStatus(c, now) === 1)
          .map((c) => commandRecord(c, now)),
      };
    },
  },
  RecallCommand: {
    rights: WRITE,
    handler: (ctx, { c_wstrCommandGuid }) =>
      changeDevices<{ PxgRetVal: boolean }>(ctx, (_devices, changes) => {
        const command = changes.commands.find((c) => c.guid === c_wstrCommandGuid);
        if (command === undefined) throw faults.notFound(`Command '${c_wstrCommandGuid}' not found`);
        const now = ctx.clock.now();
        if (commandStatus(command, now) !== 1) return { result: { PxgRetVal: false } };
        return {
          changes: {
            ...changes,
            commands: changes.commands.map((c) => (c === command ? { ...c, recalledAt: now } : c)),
          },
          result: { PxgRetVal: true },
        };
      }),
  },
  DeleteCommand: {
    rights: WRITE,
    handler: (ctx, { c_wstrCommandGuid }) =>
      changeDevices(ctx, (_devices, changes) => {
        const remaining = changes.commands.filter((c) => c.guid !== c_wstrCommandGuid);
        if (remaining.length === changes.commands.length)
          throw faults.notFound(`Command '${c_wstrCommandGuid}' not found`);
        return { changes: { ...changes, commands: remaining }, result: { PxgRetVal: true } };
      }),
  },
  SspLoginAllowed: {
    rights: [],
    // Every authenticated user may use the Self Service Portal (KSC's default; no setting turns it off here).
    handler: () => ({}),
  },
  GetSafeBrowserAutoinstallFlag: {
    rights: READ,
    handler: async (ctx) => {
      const { changes } = await visibleDevices(ctx);
      return { PxgRetVal: changes.safeBrowserAutoinstall ?? false };
    },
  },
  SetSafeBrowserAutoinstallFlag: {
    rights: WRITE,
    handler: (ctx, { bInstall }) =>
      changeDevices(ctx, (_devices, changes) => ({
        changes: { ...changes, safeBrowserAutoinstall: bInstall },
        result: {},
      })),
  },
  CreateEnrollmentPackage: {
    rights: WRITE,
    coverage: PACKAGE_COVERAGE,
    handler: (ctx, args) =>
      created(ctx, {
        ownerBinId: ownerOf(ctx, args.pUserId),
        protocols: args.lMdmProtocols,
        contentType: 1,
        liveTimeHours: args.lLiveTime,
        urlFormat: args.c_wstrUrlFormat,
        urlFormats: {},
      }),
  },
  CreateEnrollmentPackage2: {
    rights: WRITE,
    coverage: CREATE_COVERAGE,
    handler: (ctx, args) =>
      created(ctx, {
        ownerBinId: ownerOf(ctx, args.pUserId),
        protocols: args.lMdmProtocols,
        contentType: args.lContentType,
        liveTimeHours: args.lLiveTime,
        urlFormat: args.c_wstrUrlFormat,
        urlFormats: {},
      }),
  },
  CreateEnrollmentPackage2Ex: {
    rights: WRITE,
    coverage: CREATE_COVERAGE,
    handler: (ctx, args) => {
      const formats = Object.values(args.pUrlFormats);
      if (formats.some((f) => typeof f !== 'string')) throw faults.badParameter('pUrlFormats');
      return created(ctx, {
        ownerBinId: ownerOf(ctx, args.pUserId),
        protocols: args.lMdmProtocols,
        contentType: args.lContentType,
        liveTimeHours: args.lLiveTime,
        // The unified URL: the first format (convention; the Ex methods answer each OS's).
        urlFormat: (formats[0] as string | undefined) ?? '',
        urlFormats: args.pUrlFormats,
      });
    },
  },
  GetEnrollmentPackages: {
    rights: READ,
    coverage: PACKAGE_COVERAGE,
    handler: (ctx, { pUserId }) => packagesOf(ctx, pUserId, false),
  },
  GetEnrollmentPackagesEx: {
    rights: READ,
    coverage: PACKAGE_COVERAGE,
    handler: (ctx, { pUserId }) => packagesOf(ctx, pUserId, true),
  },
  GetEnrollmentPackage: {
    rights: READ,
    coverage: PACKAGE_COVERAGE,
    handler: (ctx, { llEnrPkgId }) => packageById(ctx, llEnrPkgId, false),
  },
  GetEnrollmentPackageEx: {
    rights: READ,
    coverage: PACKAGE_COVERAGE,
    handler: (ctx, { llEnrPkgId }) => packageById(ctx, llEnrPkgId, true),
  },
  DeleteEnrollmentPackage: {
    rights: WRITE,
    handler: async (ctx, { lEnrPkgId }) => {
      await deletePackage(ctx, Number(lEnrPkgId));
      return {};
    },
  },
  GetEnrollmentPackageFileInfo: {
    rights: READ,
    coverage: {
      level: 'partial',
      missing:
        'file types iOS5Plus and Andr only (User-Agent iPhone/iPad/iPod or Android); no KLMDM_ENR_PKG_APP_STORE_URL; ' +
        'status 4 (Error) never occurs',
    },
    handler: async (ctx, args) => {
      const now = ctx.clock.now();
      const found = packageByToken(await enrollmentPackages(ctx), args.c_wstrPackageId, now);
      return { PxgRetVal: packageFileInfo(found, args.c_wstrUserAgent, args.c_wstrPackageFileType, now) };
    },
  },
  GetEnrollmentPackageFileData: {
    rights: READ,
    coverage: {
      level: 'partial',
      missing: 'the file is a deterministic 4–8 KiB payload, not a real profile or app',
    },
    handler: async (ctx, args) => {
      const now = ctx.clock.now();
      const found = packageByToken(await enrollmentPackages(ctx), args.c_wstrPackageId, now);
      return {
        PxgRetVal: packageFileChunk(found, args.c_wstrPackageFileType, args.lBuffOffset, args.lBuffSize, now),
      };
    },
  },
  GetJournalRecords: {
    rights: READ,
    handler: (ctx, { lDeviceId }) => journalOf(ctx, lDeviceId, journalAttributes),
  },
  GetJournalRecords2: {
    rights: READ,
    coverage: {
      level: 'partial',
      missing:
        'KLMDM_JRNL_ID, the llJrnlId GetJournalCommandResult takes, is a convention: the "Journal records" table names no id',
    },
    handler: (ctx, { lDeviceId }) => journalOf(ctx, lDeviceId, journalAttributesWithoutResult),
  },
  GetJournalCommandResult: {
    rights: READ,
    coverage: {
      level: 'partial',
      missing:
        'the result container is a convention (KLMDM_CMD_GUID, KLMDM_CMD_RESULT_INFO); empty for other records',
    },
    handler: async (ctx, { llJrnlId }) => {
      const { devices, changes } = await visibleDevices(ctx);
      const visible = new Set(devices.map((d) => d.id));
      const records = journalRecords(
        changes.commands.filter((c) => visible.has(c.deviceId)),
        ctx.clock.now(),
      );
      const record = records.find((r) => r.id === Number(llJrnlId));
      if (record === undefined) throw faults.notFound(`Journal record ${Number(llJrnlId)} not found`);
      return { PxgRetVal: commandResult(record) };
    },
  },
  GetDecipheredCommandList: {
    rights: READ,
    coverage: {
      level: 'partial',
      missing:
        'answered as the command types (KLMDM_CMD_TYPE) whose KLMDM_CMD_FLAG is set; the return shape is not public',
    },
    handler: (_ctx, { llCommandFlags, pCommandsLibrary }) => {
      const flags = BigInt(llCommandFlags);
      return {
        PxgRetVal: pCommandsLibrary
          .filter((c) => (BigInt((c['KLMDM_CMD_FLAG'] as bigint | number | undefined) ?? 0) & flags) !== 0n)
          .map((c) => String(c['KLMDM_CMD_TYPE'])),
      };
    },
  },
  GlueDevices: {
    rights: WRITE,
    coverage: {
      level: 'partial',
      missing:
        'deprecated in the reference: checks both devices exist and changes nothing (each source is one device)',
    },
    handler: async (ctx, { lDevice1Id, lDevice2Id }) => {
      const { devices } = await visibleDevices(ctx);
      findDevice(devices, lDevice1Id);
      findDevice(devices, lDevice2Id);
      return {};
    },
  },
  GetCommandsAll: {
    rights: READ,
    handler: async (ctx, { lDeviceId }) => {
      const { device, changes } = await deviceOf(ctx, lDeviceId);
      const now = ctx.clock.now();
      return {
        PxgRetVal: changes.commands.filter((c) => c.deviceId === device.id).map((c) => commandRecord(c, now)),
      };
    },
  },
  CreateEnrollmentPackages: {
    rights: WRITE,
    coverage: MULTI_PACKAGE_COVERAGE,
    handler: async (ctx, args) => {
      const formats = Object.values(args.pUrlFormats);
      if (formats.some((f) => typeof f !== 'string')) throw faults.badParameter('pUrlFormats');
      const ids: bigint[] = [];
      for (const user of args.pUserIds) {
        ids.push(
          BigInt(
            await createPackage(ctx, {
              ownerBinId: ownerOf(ctx, user),
              protocols: args.lMdmProtocols,
              contentType: args.lContentType,
              liveTimeHours: args.lLiveTime,
              urlFormat: (formats[0] as string | undefined) ?? '',
              urlFormats: args.pUrlFormats,
            }),
          ),
        );
      }
      return { PxgRetVal: ids };
    },
  },
  CreateEnrollmentPackagesMulti: {
    rights: WRITE,
    coverage: MULTI_PACKAGE_COVERAGE,
    handler: async (ctx, { pRequests }) => {
      const requests: NewPackage[] = pRequests.map((r) => {
        const formats = r['pUrlFormats'] ?? {};
        if (
          typeof formats !== 'object' ||
          formats === null ||
          Array.isArray(formats) ||
          formats instanceof Uint8Array ||
          formats instanceof Date
        )
          throw faults.badParameter('pUrlFormats');
        const urls = Object.values(formats);
        if (urls.some((f) => typeof f !== 'string')) throw faults.badParameter('pUrlFormats');
        const int = (name: string, fallback?: number): number => {
          const value = r[name] ?? fallback;
          if (typeof value !== 'number' && typeof value !== 'bigint') throw faults.badParameter(name);
          return Number(value);
        };
        const user = r['pUserId'];
        if (user !== undefined && user !== null && !(user instanceof Uint8Array))
          throw faults.badParameter('pUserId');
        return {
          ownerBinId: ownerOf(ctx, user),
          protocols: int('lMdmProtocols', 0),
          contentType: int('lContentType', 1),
          liveTimeHours: int('lLiveTime'),
          urlFormat: (urls[0] as string | undefined) ?? '',
          urlFormats: formats as KlParams,
        };
      });
      const ids: bigint[] = [];
      for (const request of requests) ids.push(BigInt(await createPackage(ctx, request)));
      return { PxgRetVal: ids };
    },
  },
  GenerateQRCode: {
    rights: READ,
    handler: (_ctx, args) => ({ PxgRetVal: qrImage(args.strInputData, args.lQRCodeSize, args.lImageFormat) }),
  },
  GenerateQRCodeMulti: {
    rights: READ,
    coverage: {
      level: 'partial',
      missing:
        'the reference page of the method was not reachable: pInputData (an array of strings) and the array answered are a convention',
    },
    handler: (_ctx, args) => ({
      PxgRetVal: args.pInputData.map((input) => qrImage(input, args.lQRCodeSize, args.lImageFormat)),
    }),
  },
  GetDevicesExtraData: {
    rights: READ,
    coverage: {
      level: 'partial',
      missing:
        "only iOS devices report data (the categories are the iOS MDM protocol's); installed apps and the MDM profile only: managed apps, provisioning profiles and certificates are always empty",
    },
    handler: async (ctx, { pDeviceIds, pCategories }) => {
      for (const category of pCategories)
        if (!EXTRA_DATA_CATEGORIES.has(category)) throw faults.badParameter('pCategories');
      const { devices } = await visibleDevices(ctx);
      return { PxgRetVal: pDeviceIds.map((id) => extraData(findDevice(devices, id), pCategories)) };
    },
  },
  GetHostsUmdmInfo: {
    rights: READ,
    coverage: {
      level: 'partial',
      missing:
        "the world's mobile devices have no host record, so no host is a UMDM host and the answer is empty",
    },
    handler: async (ctx, { pHosts }) => {
      if (pHosts === null || pHosts.length === 0 || pHosts.length > 100) throw faults.badParameter('pHosts');
      const known = new Set(
        ctx.world.hostsOf(ctx.vserverId).map((h) => String(h.attributes['KLHST_WKS_HOSTNAME'])),
      );
      // The reference's STDE_NOACCESS: a host the caller cannot read (here: one the server does not have).
      if (pHosts.some((h) => !known.has(h))) throw faults.accessDenied();
      const { devices, changes } = await visibleDevices(ctx);
      const wanted = new Set(pHosts);
      return {
        PxgRetVal: devices
          .map((d) => deviceAttributes(d, changes))
          .filter((a) => wanted.has(String(a['KLMDM_DEVICE_HOST_NAME'])))
          .map((a) => ({
            KLMDM_DEVICE_HOST_NAME: a['KLMDM_DEVICE_HOST_NAME']!,
            KLMDM_DEVICE_ID: a['KLMDM_DEVICE_ID']!,
            KLMDM_DEVICE_SUPPORTED_COMMANDS: a['KLMDM_DEVICE_SUPPORTED_COMMANDS']!,
          })),
      };
    },
  },
  GetMobileAgentSettingStorageData: {
    rights: READ,
    coverage: {
      level: 'partial',
      missing:
        "the mobile agents' settings storage is not public: every section of a known device answers {}",
    },
    handler: async (ctx, { lDeviceId, c_wstrSectionName }) => {
      await deviceOf(ctx, lDeviceId);
      if (c_wstrSectionName === '') throw faults.badParameter('c_wstrSectionName');
      return { PxgRetVal: {} };
    },
  },
  GetMultitenancyServersInfo: {
    rights: READ,
    handler: (ctx, { nProtocolIds }) => ({
      // 0 selects every protocol (as lMdmProtocols 0 does for enrollment packages).
      PxgRetVal: multitenancyServers(ctx)
        .filter((s) => nProtocolIds === 0 || (nProtocolIds & s.protocol) !== 0)
        .map(serverInfo),
    }),
  },
  GetMultitenancyServerSettings: {
    rights: READ,
    coverage: {
      level: 'partial',
      missing:
        'the "MDM4IOS multitenancy server settings" table was not reachable: a server answers {} until settings are set, then what was set',
    },
    handler: async (ctx, { c_wstrMtncServerId }) => ({
      PxgRetVal: await serverSettings(ctx, serverById(ctx, c_wstrMtncServerId)),
    }),
  },
  SetMultitenancyServerSettings: {
    rights: WRITE,
    coverage: {
      level: 'partial',
      missing:
        'the "MDM4IOS multitenancy server settings" table was not reachable: any container is kept as given',
    },
    handler: async (ctx, { c_wstrMtncServerId, pSettings }) => {
      await setServerSettings(ctx, serverById(ctx, c_wstrMtncServerId), pSettings);
      return {};
    },
  },
  GetNotAcceptedEulaIds: {
    rights: READ,
    handler: async (ctx) => ({
      PxgRetVal: (await savedEulas(ctx)).filter((e) => !e.accepted).map((e) => e.id),
    }),
  },
  IsEulaAccepted: {
    rights: READ,
    handler: async (ctx, { binEulaUID }) => {
      const uid = userIdBytes(binEulaUID);
      if (uid.length === 0) throw faults.badParameter('binEulaUID');
      return { PxgRetVal: isAccepted(await savedEulas(ctx), uid) };
    },
  },
  SaveEulaAndAccept: {
    rights: WRITE,
    handler: async (ctx, args) => {
      const uid = userIdBytes(args.binEulaUID);
      if (uid.length === 0) throw faults.badParameter('binEulaUID');
      if (args.wstrProdName === '') throw faults.badParameter('wstrProdName');
      await saveEula(ctx, {
        uid,
        productName: args.wstrProdName,
        productVersion: args.wstrProdVersion,
        displayName: args.wstrProdDispName,
        displayVersion: args.wstrProdDispVersion,
        text: args.wstrText,
        createdAt: typeof args.tTimeStamp === 'string' ? new Date(args.tTimeStamp) : args.tTimeStamp,
        accepted: args.bAccept,
      });
      return {};
    },
  },
  GetSyncInfo: {
    rights: READ,
    coverage: {
      level: 'partial',
      missing:
        'the world has no UMDM policy, so no group synchronization exists: every call is 1186 (STDE_NOTFOUND)',
    },
    handler: (_ctx, { nGSyncId }) => {
      throw faults.notFound(`Group synchronization ${String(nGSyncId)} not found`);
    },
  },
});
