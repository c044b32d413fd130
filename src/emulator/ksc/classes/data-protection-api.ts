import { createCipheriv, createHmac } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { need } from '../auth/rights.ts';
import type { MethodContext } from '../context.ts';
import { faults } from '../faults.ts';
import { requireHost } from '../inventory/host-access.ts';
import { defineClass } from '../method.ts';

const READ = [need('basic', 'read')];

/** Marks an emulator-protected block, so a test can tell it from the plain data (decisions/0062). */
const MAGIC = Buffer.from('KLDP1', 'ascii');

/**
 * Encrypts `data` for a scope (the server, or one host) with AES-256-GCM under a key derived from the world's
 * seed: only this world reads it back, and the same data gives the same block (the IV derives from the data),
 * so worlds stay deterministic by seed.
 */
function protect(ctx: MethodContext, scope: string, data: Uint8Array): Uint8Array {
  const key = createHmac('sha256', `kconnect-emulator-${ctx.world.seedValue}`).update(scope).digest();
  const iv = createHmac('sha256', key).update(data).digest().subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(data), cipher.final()]);
  return new Uint8Array(Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]));
}

/** `pData` as bytes, whether it came as base64 text (method-level binary) or typed binary. */
const dataBytes = (pData: Uint8Array | string): Uint8Array =>
  typeof pData === 'string' ? new Uint8Array(Buffer.from(pData, 'base64')) : pData;

const globalScope = (ctx: MethodContext): string => `server:${ctx.vserverId}`;

function hostScope(ctx: MethodContext, hostId: string): string {
  return `host:${requireHost(ctx, hostId).id}`;
}

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
const utf16 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf16le'));

/**
 * KSC's password policy for internal users: 8 to 256 characters with at least three of upper case, lower case,
 * digits and other characters (KSC documentation, "password policy for internal users").
 */
function compliesWithPolicy(password: string): boolean {
  if (password.length < 8 || password.length > 256) return false;
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password));
  return classes.length >= 3;
}

/**
 * `DataProtectionApi`. Coverage: every method full; the protected block is the emulator's own format (the real
 * server's format is not public), readable by no client, as with KSC.
 */
export const dataProtectionApiClass = defineClass('DataProtectionApi', {
  ProtectDataForHost: {
    rights: READ,
    handler: (ctx, { szwHostId, pData }) => ({
      pDataProtected: protect(ctx, hostScope(ctx, szwHostId), dataBytes(pData)),
    }),
  },
  ProtectDataGlobally: {
    rights: READ,
    handler: (ctx, { pData }) => ({ pDataProtected: protect(ctx, globalScope(ctx), dataBytes(pData)) }),
  },
  CheckPasswordSplPpc: {
    rights: READ,
    handler: (_ctx, { szwPassword }) => {
      if (!compliesWithPolicy(szwPassword))
        throw faults.notPermitted('The password does not comply with the password policy');
      return {};
    },
  },
  ProtectUtf8StringForHost: {
    rights: READ,
    handler: (ctx, { szwHostId, szwPlainText }) => ({
      PxgRetVal: protect(ctx, hostScope(ctx, szwHostId), utf8(szwPlainText)),
    }),
  },
  ProtectUtf8StringGlobally: {
    rights: READ,
    handler: (ctx, { szwPlainText }) => ({ PxgRetVal: protect(ctx, globalScope(ctx), utf8(szwPlainText)) }),
  },
  ProtectUtf16StringForHost: {
    rights: READ,
    handler: (ctx, { szwHostId, szwPlainText }) => ({
      PxgRetVal: protect(ctx, hostScope(ctx, szwHostId), utf16(szwPlainText)),
    }),
  },
  ProtectUtf16StringGlobally: {
    rights: READ,
    handler: (ctx, { szwPlainText }) => ({
      PxgRetVal: protect(ctx, globalScope(ctx), utf16(szwPlainText)),
    }),
  },
});
