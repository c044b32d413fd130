import { z } from 'zod';
import { arg, kscMethod, noReply, out } from './schema.ts';

/**
 * A binary argument: a caller hands a Uint8Array, which travels at method level as bare base64 (no type word),
 * so the server reads base64 text; a client that sends `{"type":"binary"}` arrives as bytes. Both are accepted.
 */
const binaryArg = () => z.union([arg.binary(), z.base64()]);

/**
 * `DataProtectionApi`: protects secrets (passwords in tasks, policies and host settings) so that only the server,
 * or only one host, can read them back; checks passwords against the server's password policy.
 */
export const dataProtectionApiMethods = {
  /** Protects data for one host (its settings storage or a local task): `pDataProtected`. */
  'DataProtectionApi.ProtectDataForHost': kscMethod({
    args: z.strictObject({ szwHostId: arg.string(), pData: binaryArg() }),
    reply: z.looseObject({ pDataProtected: out.binary() }),
  }),
  /** Protects data for a policy, a group task or the server's settings: `pDataProtected`. */
  'DataProtectionApi.ProtectDataGlobally': kscMethod({
    args: z.strictObject({ pData: binaryArg() }),
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
