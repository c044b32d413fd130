import { z } from 'zod';
import { arg, kscMethod, noArgs, noReply, out } from './schema.ts';

/**
 * A user's binary id (`ul_binId` of the users view): bytes from a caller, base64 text on the wire at method level.
 * Empty or absent (KlAkOAPI sends `null`) means the calling user.
 */
const userIdArg = () => z.union([z.base64(), arg.binary()]).nullable().optional();

/**
 * `UserDevicesApi`: unified mobile device management — the mobile devices of users (attributes `KLMDM_DEVICE_*`)
 * and the commands posted to them (`KLMDM_CMD_*`). The `UmdmAllDevices` view of `SrvView` lists the same devices.
 */
export const userDevicesApiMethods = {
  /** One device's attributes ("List of device attributes"). */
  'UserDevicesApi.GetDevice': kscMethod({
    args: z.strictObject({ lDeviceId: arg.long() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Every device a user owns (`pUserId` empty: the caller's own). */
  'UserDevicesApi.GetDevices': kscMethod({
    args: z.strictObject({ pUserId: userIdArg() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** Changes a device's user-defined attributes (alias, friendly name). */
  'UserDevicesApi.UpdateDevice': kscMethod({
    args: z.strictObject({ lDeviceId: arg.long(), pDevice: arg.params() }),
    reply: noReply(),
  }),
  'UserDevicesApi.DeleteDevice': kscMethod({
    args: z.strictObject({ lDeviceId: arg.long() }),
    reply: noReply(),
  }),
  /** When the device last connected to the server. */
  'UserDevicesApi.GetLatestDeviceActivityDate': kscMethod({
    args: z.strictObject({ lDeviceId: arg.long() }),
    reply: z.looseObject({ PxgRetVal: out.datetime() }),
  }),
  /** The commands a device may be sent (`KLMDM_CMD_FLAG`, `KLMDM_CMD_TYPE`, `KLMDM_CMD_DEF_DISPLAY_NAME`). */
  'UserDevicesApi.GetCommandsLibrary': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** Posts a command (`Block`, `Wipe`, `Locate`, …) under a caller-chosen GUID. */
  'UserDevicesApi.PostCommand': kscMethod({
    args: z.strictObject({
      lDeviceId: arg.long(),
      c_wstrCommandGuid: arg.string(),
      c_wstrCommandType: arg.string(),
      pArguments: arg.params().nullable().optional(),
      lMdmProtocols: arg.long().optional(),
      lProcessFlags: arg.long().optional(),
    }),
    reply: noReply(),
  }),
  /** The commands posted to a device and their states (`KLMDM_CMD_STATUS`). */
  'UserDevicesApi.GetCommands': kscMethod({
    args: z.strictObject({ lDeviceId: arg.long() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** True when the command had not reached the device yet (it is then recalled). */
  'UserDevicesApi.RecallCommand': kscMethod({
    args: z.strictObject({ c_wstrCommandGuid: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.bool() }),
  }),
  /** Deletes a posted command; true when it was deleted. */
  'UserDevicesApi.DeleteCommand': kscMethod({
    args: z.strictObject({ c_wstrCommandGuid: arg.string(), bForced: arg.bool().optional() }),
    reply: z.looseObject({ PxgRetVal: out.bool() }),
  }),
  /** Fails with `Access denied` when the caller may not log in to the Self Service Portal. */
  'UserDevicesApi.SspLoginAllowed': kscMethod({ args: noArgs(), reply: noReply() }),
  'UserDevicesApi.GetSafeBrowserAutoinstallFlag': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ PxgRetVal: out.bool() }),
  }),
  'UserDevicesApi.SetSafeBrowserAutoinstallFlag': kscMethod({
    args: z.strictObject({ bInstall: arg.bool() }),
    reply: noReply(),
  }),
} as const;
