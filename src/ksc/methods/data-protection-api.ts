import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/**
 * `DataProtectionApi`: protects secrets (passwords in tasks, policies and host settings) so that only the server,
 * or only one host, can read them back; checks passwords against the server's password policy.
 */
export const dataProtectionApiMethods = {
  /** Protects data for one host (its settings storage or a local task): `pDataProtected`. */
  'DataProtectionApi.ProtectDataForHost': kscMethod({
    args: z.strictObject({ szwHostId: arg.string(), pData: arg.binary() }),
    reply: z.looseObject({ pDataProtected: out.binary() }),
  }),
  /** Protects data for a policy, a group task or the server's settings: `pDataProtected`. */
  'DataProtectionApi.ProtectDataGlobally': kscMethod({
    args: z.strictObject({ pData: arg.binary() }),
    reply: z.looseObject({ pDataProtected: out.binary() }),
  }),
  /** Fails with a `PxgError` when the password does not comply with the server's password policy. */
  'DataProtectionApi.CheckPasswordSplPpc': kscMethod({
    args: z.strictObject({ szwPassword: arg.string() }),
    reply: noReply(),
  }),
  /** Protects a string, encoded as UTF-8, for one host. */
  'DataProtectionApi.ProtectUtf8StringForHost': kscMethod({
    args: z.strictObject({ szwHostId: arg.string(), szwPlainText: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.binary() }),
  }),
  /** Protects a string, encoded as UTF-8, for the server. */
  'DataProtectionApi.ProtectUtf8StringGlobally': kscMethod({
    args: z.strictObject({ szwPlainText: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.binary() }),
  }),
  /** Protects a string, encoded as UTF-16LE, for one host. */
  'DataProtectionApi.ProtectUtf16StringForHost': kscMethod({
    args: z.strictObject({ szwHostId: arg.string(), szwPlainText: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.binary() }),
  }),
  /** Protects a string, encoded as UTF-16LE, for the server. */
  'DataProtectionApi.ProtectUtf16StringGlobally': kscMethod({
    args: z.strictObject({ szwPlainText: arg.string() }),
    reply: z.looseObject({ PxgRetVal: out.binary() }),
  }),
} as const;
