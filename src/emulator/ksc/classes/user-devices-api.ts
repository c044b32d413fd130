import type { KlParams } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { defineClass } from '../method.ts';
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

/**
 * `UserDevicesApi`: the users' mobile devices of the seeded world (src/emulator/ksc/mobile/devices.ts) and the
 * commands posted to them, which complete {@link COMMAND_DELIVERY_MS} after posting on the emulator clock.
 * Enrollment packages, journals, multitenancy servers and QR codes are not served (1194). See decisions/0067.
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
  PostCommand: {
    rights: WRITE,
    handler: (ctx, args) =>
      changeDevices(ctx, (devices, changes) => {
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
            (c) =>
              c.deviceId === device.id && c.type === args.c_wstrCommandType && commandStatus(c, now) === 1,
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
      }),
  },
  GetCommands: {
    rights: READ,
    handler: async (ctx, { lDeviceId }) => {
      const { device, changes } = await deviceOf(ctx, lDeviceId);
      const now = ctx.clock.now();
      return {
        PxgRetVal: changes.commands.filter((c) => c.deviceId === device.id).map((c) => commandRecord(c, now)),
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
});
