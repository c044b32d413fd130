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
/** `PostCommand` and `PostCommand2`: the reference gives both the same arguments. */
const postCommand = kscMethod({
  args: z.strictObject({
    lDeviceId: arg.long(),
    c_wstrCommandGuid: arg.string(),
    c_wstrCommandType: arg.string(),
    pArguments: arg.params().nullable().optional(),
    lMdmProtocols: arg.long().optional(),
    lProcessFlags: arg.long().optional(),
  }),
  reply: noReply(),
});

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
  'UserDevicesApi.PostCommand': postCommand,
  /** The device's active commands (not completed, failed or removed) and their states (`KLMDM_CMD_STATUS`). */
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
  /** Creates an enrollment package for a user's device (`lDeliveryType` is deprecated: 0); answers its id. */
  'UserDevicesApi.CreateEnrollmentPackage': kscMethod({
    args: z.strictObject({
      pUserId: userIdArg(),
      lMdmProtocols: arg.int(),
      lDeliveryType: arg.int().optional(),
      lLiveTime: arg.int(),
      c_wstrUrlFormat: arg.string(),
    }),
    reply: z.looseObject({ PxgRetVal: out.long() }),
  }),
  /** As `CreateEnrollmentPackage`, with a content type, the recipient and notification to send the link with. */
  'UserDevicesApi.CreateEnrollmentPackage2': kscMethod({
    args: z.strictObject({
      pUserId: userIdArg(),
      lMdmProtocols: arg.int(),
      lContentType: arg.int(),
      lLiveTime: arg.int(),
      c_wstrUrlFormat: arg.string(),
      pRecipient: arg.params().nullable().optional(),
      pNotification: arg.params().nullable().optional(),
      pProtSpecInfo: z.array(arg.params()).nullable().optional(),
    }),
    reply: z.looseObject({ PxgRetVal: out.long() }),
  }),
  /** As `CreateEnrollmentPackage2`, with a URL format per operating system (`pUrlFormats`). */
  'UserDevicesApi.CreateEnrollmentPackage2Ex': kscMethod({
    args: z.strictObject({
      pUserId: userIdArg(),
      lMdmProtocols: arg.int(),
      lContentType: arg.int(),
      lLiveTime: arg.int(),
      pUrlFormats: arg.params(),
      pRecipient: arg.params().nullable().optional(),
      pNotificationEx: arg.params().nullable().optional(),
      pProtSpecInfo: z.array(arg.params()).nullable().optional(),
    }),
    reply: z.looseObject({ PxgRetVal: out.long() }),
  }),
  /** The enrollment packages created for a user's devices (`KLMDM_ENR_PKG_*`), unified URL format. */
  'UserDevicesApi.GetEnrollmentPackages': kscMethod({
    args: z.strictObject({ pUserId: userIdArg() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** The enrollment packages created for a user's devices, with a URL format per operating system. */
  'UserDevicesApi.GetEnrollmentPackagesEx': kscMethod({
    args: z.strictObject({ pUserId: userIdArg() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  'UserDevicesApi.GetEnrollmentPackage': kscMethod({
    args: z.strictObject({ llEnrPkgId: arg.long() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  'UserDevicesApi.GetEnrollmentPackageEx': kscMethod({
    args: z.strictObject({ llEnrPkgId: arg.long() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  'UserDevicesApi.DeleteEnrollmentPackage': kscMethod({
    args: z.strictObject({ lEnrPkgId: arg.long() }),
    reply: noReply(),
  }),
  /**
   * A package file's state (`KLMDM_ENR_PKG_FILE_STATUS`) and, once ready, its info; the file type comes from the
   * device's User-Agent, or `c_wstrPackageFileType` when the agent is empty.
   */
  'UserDevicesApi.GetEnrollmentPackageFileInfo': kscMethod({
    args: z.strictObject({
      c_wstrPackageId: arg.string(),
      c_wstrUserAgent: arg.string(),
      c_wstrPackageFileType: arg.string(),
    }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** A chunk of a package file (`lBuffSize` bytes from `lBuffOffset`). */
  'UserDevicesApi.GetEnrollmentPackageFileData': kscMethod({
    args: z.strictObject({
      c_wstrPackageId: arg.string(),
      c_wstrPackageFileType: arg.string(),
      lBuffOffset: arg.int(),
      lBuffSize: arg.int(),
    }),
    reply: z.looseObject({ PxgRetVal: out.binary() }),
  }),
  /** The device's journal records of completed or failed commands, with their results (`KLMDM_JRNL_*`). */
  'UserDevicesApi.GetJournalRecords': kscMethod({
    args: z.strictObject({ lDeviceId: arg.long() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** The same records without the command result (`GetJournalCommandResult` fetches it). */
  'UserDevicesApi.GetJournalRecords2': kscMethod({
    args: z.strictObject({ lDeviceId: arg.long() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** The result of the command a journal record reports. */
  'UserDevicesApi.GetJournalCommandResult': kscMethod({
    args: z.strictObject({ llJrnlId: arg.long() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** The command types whose flags `llCommandFlags` sets, per the library `pCommandsLibrary`. */
  'UserDevicesApi.GetDecipheredCommandList': kscMethod({
    args: z.strictObject({ llCommandFlags: arg.long(), pCommandsLibrary: z.array(arg.params()) }),
    reply: z.looseObject({ PxgRetVal: out.strings() }),
  }),
  /** Deprecated: glues what different sources report of one device. */
  'UserDevicesApi.GlueDevices': kscMethod({
    args: z.strictObject({ lDevice1Id: arg.long(), lDevice2Id: arg.long() }),
    reply: noReply(),
  }),
  /** As `PostCommand` (the reference gives it the same arguments): posts a command under a caller-chosen GUID. */
  'UserDevicesApi.PostCommand2': postCommand,
  /** Every command posted to a device, completed and removed ones too (`GetCommands` answers the active ones). */
  'UserDevicesApi.GetCommandsAll': kscMethod({
    args: z.strictObject({ lDeviceId: arg.long() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** Creates one enrollment package per user of `pUserIds` (empty id: the caller); answers their ids in order. */
  'UserDevicesApi.CreateEnrollmentPackages': kscMethod({
    args: z.strictObject({
      pUserIds: z.array(z.union([z.base64(), arg.binary()])),
      lMdmProtocols: arg.int(),
      lContentType: arg.int(),
      lLiveTime: arg.int(),
      pUrlFormats: arg.params(),
      pNotificationEx: arg.params().nullable().optional(),
      pProtSpecInfo: z.array(arg.params()).nullable().optional(),
    }),
    reply: z.looseObject({ PxgRetVal: z.array(out.long()) }),
  }),
  /** Creates several enrollment packages, each request with the arguments of `CreateEnrollmentPackage2Ex`. */
  'UserDevicesApi.CreateEnrollmentPackagesMulti': kscMethod({
    args: z.strictObject({ pRequests: z.array(arg.params()) }),
    reply: z.looseObject({ PxgRetVal: z.array(out.long()) }),
  }),
  /** A QR code of `strInputData` as an image (`lImageFormat` 3: PNG) of `lQRCodeSize` pixels square. */
  'UserDevicesApi.GenerateQRCode': kscMethod({
    args: z.strictObject({ strInputData: arg.string(), lQRCodeSize: arg.int(), lImageFormat: arg.int() }),
    reply: z.looseObject({ PxgRetVal: out.binary() }),
  }),
  /** One QR code image per string of `pInputData`, in order. */
  'UserDevicesApi.GenerateQRCodeMulti': kscMethod({
    args: z.strictObject({ pInputData: arg.strings(), lQRCodeSize: arg.int(), lImageFormat: arg.int() }),
    // Inside an array binary values are typed (`{type: "binary"}`) and decode to bytes.
    reply: z.looseObject({ PxgRetVal: z.array(z.union([out.binary(), arg.binary()])) }),
  }),
  /** What devices report beyond their attributes, by category (`DEV_EX_DATA_APPL`, `DEV_EX_DATA_CFG_PROF`, …). */
  'UserDevicesApi.GetDevicesExtraData': kscMethod({
    args: z.strictObject({ pDeviceIds: z.array(arg.long()), pCategories: arg.strings() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** UMDM information of hosts (`KLMDM_DEVICE_*`); at most 100 host ids. */
  'UserDevicesApi.GetHostsUmdmInfo': kscMethod({
    args: z.strictObject({ pHosts: arg.strings().nullable() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** A section of a mobile agent's settings storage (for example KES for Android's). */
  'UserDevicesApi.GetMobileAgentSettingStorageData': kscMethod({
    args: z.strictObject({ lDeviceId: arg.long(), c_wstrSectionName: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** The multitenancy servers of the protocols `nProtocolIds` selects (`MTNC_SRV_INFO_*`). */
  'UserDevicesApi.GetMultitenancyServersInfo': kscMethod({
    args: z.strictObject({ nProtocolIds: arg.int() }),
    reply: z.looseObject({ PxgRetVal: out.records() }),
  }),
  /** A multitenancy server's settings (empty id: the first server). */
  'UserDevicesApi.GetMultitenancyServerSettings': kscMethod({
    args: z.strictObject({ c_wstrMtncServerId: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  'UserDevicesApi.SetMultitenancyServerSettings': kscMethod({
    args: z.strictObject({ c_wstrMtncServerId: arg.string(), pSettings: arg.params() }),
    reply: noReply(),
  }),
  /** The integer ids of the mobile products' license agreements saved but not accepted. */
  'UserDevicesApi.GetNotAcceptedEulaIds': kscMethod({
    args: noArgs(),
    reply: z.looseObject({ PxgRetVal: z.array(out.long()) }),
  }),
  /** True when the license agreement `binEulaUID` is accepted. */
  'UserDevicesApi.IsEulaAccepted': kscMethod({
    args: z.strictObject({ binEulaUID: z.union([z.base64(), arg.binary()]) }),
    reply: z.looseObject({ PxgRetVal: out.bool() }),
  }),
  /** Saves a mobile product's license agreement and, with `bAccept`, accepts it. */
  'UserDevicesApi.SaveEulaAndAccept': kscMethod({
    args: z.strictObject({
      wstrProdName: arg.string(),
      wstrProdVersion: arg.string(),
      wstrProdDispName: arg.string(),
      wstrProdDispVersion: arg.string(),
      binEulaUID: z.union([z.base64(), arg.binary()]),
      wstrText: arg.string(),
      // Method-level datetimes travel as `YYYY-MM-DDTHH:MM:SSZ` text; a caller's Date is encoded so.
      tTimeStamp: z.union([arg.datetime(), z.string().regex(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)?$/)]),
      bAccept: arg.bool(),
    }),
    reply: noReply(),
  }),
  /** Group synchronization information of a UMDM policy (`pFields`: the attributes wanted). */
  'UserDevicesApi.GetSyncInfo': kscMethod({
    args: z.strictObject({ nGroupId: arg.int(), nGSyncId: arg.long(), pFields: arg.strings() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
} as const;
