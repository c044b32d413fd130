import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/** `lKeyCount` and `wstrIterator`: a forward iterator read with `GroupSyncIterator.GetNextItems`. */
const forwardIterator = () => z.looseObject({ lKeyCount: out.int(), wstrIterator: out.string() });

/**
 * `LicenseKeys`: the license keys of the Administration Server (installed ones and those products report), their
 * attributes (`KLLIC_*`, `KLLICSRV_*`) and the hosts that use each. Enumerations hand back a `GroupSyncIterator`
 * (`wstrIterator`): read it with `GroupSyncIterator.GetNextItems`, then `ReleaseIterator`.
 */
export const licenseKeysMethods = {
  /**
   * Adds a key to the server's store: `pKeyInfo.KLLICSRV_KEYDATA` = `{KLLIC_IFKEYFILE, KLLIC_LICFILE}` (a key
   * file's body, or an activation code `XXXXX-XXXXX-XXXXX-XXXXX` as bytes). Returns the key's serial.
   */
  'LicenseKeys.InstallKey': kscMethod({
    args: z.strictObject({ pKeyInfo: arg.params() }),
    reply: z.looseObject({ PxgRetVal: out.string() }),
  }),
  /** Removes a key from the server's store (`pKeyInfo.KLLIC_SERIAL`); hosts that use it keep reporting it. */
  'LicenseKeys.UninstallKey': kscMethod({
    args: z.strictObject({ pKeyInfo: arg.params() }),
    reply: noReply(),
  }),
  /**
   * The attributes of one key (`pKeyInfo.KLLIC_SERIAL`) that `pKeyInfo` names (with any value);
   * `KLLICSRV_KEYDATA` asks for the key's body.
   */
  'LicenseKeys.GetKeyData': kscMethod({
    args: z.strictObject({ pKeyInfo: arg.params() }),
    reply: z.looseObject({ PxgRetVal: out.params() }),
  }),
  /** Every key, `pFields` of each, ordered by `pFieldsToOrder`; `pOptions.KLLICSRV_ENOPT_INSTALLED_ONLY`. */
  'LicenseKeys.EnumKeys': kscMethod({
    args: z.strictObject({
      pFields: arg.strings(),
      pFieldsToOrder: arg.strings().optional(),
      pOptions: arg.params().nullable().optional(),
      lTimeoutSec: arg.int().optional(),
    }),
    reply: forwardIterator(),
  }),
  /** The hosts that use the key `pInData.KLLIC_SERIAL` (`KLLICSRV_HOSTNAME`, `KLLICSRV_HOST_CURRENT`, …). */
  'LicenseKeys.AcquireKeyHosts': kscMethod({
    args: z.strictObject({
      pInData: arg.params(),
      pFields: arg.strings(),
      pFieldsToOrder: arg.strings().optional(),
      pOptions: arg.params().nullable().optional(),
      lTimeoutSec: arg.int().optional(),
    }),
    reply: forwardIterator(),
  }),
  /** Fails (1193) unless the key `pInData.KLLIC_SERIAL` can license the server itself (app 1017, not expired). */
  'LicenseKeys.CheckIfSaasLicenseIsValid': kscMethod({
    args: z.strictObject({ pInData: arg.params(), bAsCurrent: arg.bool() }),
    reply: noReply(),
  }),
  /** Makes a stored key the server's active (`bAsCurrent`) or reserve license. */
  'LicenseKeys.SaasTryToInstall': kscMethod({
    args: z.strictObject({ pInData: arg.params(), bAsCurrent: arg.bool() }),
    reply: noReply(),
  }),
  /** Removes the server's active (`bCurrent`) or reserve license. */
  'LicenseKeys.SaasTryToUninstall': kscMethod({
    args: z.strictObject({ bCurrent: arg.bool() }),
    reply: noReply(),
  }),
  /** Sets whether a key is deployed automatically: `pData` = `{KLLIC_SERIAL, KLLICSRV_AUTOKEY}`. */
  'LicenseKeys.AdjustKey': kscMethod({
    args: z.strictObject({ pData: arg.params() }),
    reply: noReply(),
  }),
  /** The key files of an activation code (activation servers V1), as binaries for `InstallKey`. */
  'LicenseKeys.DownloadKeyFiles': kscMethod({
    args: z.strictObject({ wstrActivationCode: arg.string() }),
    // Inside an array a binary keeps its type word, so the codec hands back bytes.
    reply: z.looseObject({ PxgRetVal: z.array(z.instanceof(Uint8Array)) }),
  }),
} as const;
