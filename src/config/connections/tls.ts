import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { ConnectionSettings, FileRef } from './settings.ts';

/** How a connection checks its server's certificate: the same settings for every connection type. */

export const nonEmpty = z.string().min(1, 'empty');

export const tlsFileSchema = z.strictObject({
  /** A PEM or DER file to trust: the server's own certificate (KSC's `klserver.cer`) or the CA that issued it. */
  caFile: nonEmpty.optional(),
  /** SPKI pins `sha256/<base64>`: current and reserve. */
  pins: z.array(nonEmpty).min(1, 'at least one pin').optional(),
  /** No certificate checks at all (labs only; the client logs a warning). */
  insecure: z.boolean().optional(),
});

export interface TlsSettings {
  readonly caFile?: FileRef;
  readonly pins?: readonly string[];
  readonly insecure: boolean;
}

/** The merged `tls.*` settings; a CA file must exist now (it is read when the client is made). */
export function tlsSettings(settings: ConnectionSettings): TlsSettings {
  const caFile = settings.file('tls.caFile');
  const pins = settings.value<string[]>('tls.pins');
  return {
    ...(caFile === undefined ? {} : { caFile }),
    ...(pins === undefined ? {} : { pins }),
    insecure: settings.value<boolean>('tls.insecure') === true,
  };
}

/** How a connection checks the server's certificate, in words (`kconnect config check`). */
export function describeTls(url: string, tls: TlsSettings): string {
  if (url.startsWith('http:')) return 'none: plain HTTP';
  if (tls.insecure) return 'not checked (insecure)';
  const parts: string[] = [];
  if (tls.caFile !== undefined) parts.push(`CA ${tls.caFile.path}`);
  if (tls.pins !== undefined) parts.push(`${tls.pins.length} pin${tls.pins.length === 1 ? '' : 's'}`);
  return parts.length === 0 ? 'system CAs and host name' : parts.join(' + ');
}

/** The `tls` section as `config show` prints it. */
export function tlsView(tls: TlsSettings): Record<string, unknown> {
  return {
    ...(tls.caFile === undefined ? {} : { caFile: tls.caFile.path }),
    ...(tls.pins === undefined ? {} : { pins: [...tls.pins] }),
    insecure: tls.insecure,
  };
}

/** A CA file as PEM: PEM as it is, DER (as KSC sometimes exports `klserver.cer`) converted. */
export function readCertificate(file: FileRef, readFile: (path: string) => Buffer): string {
  let bytes: Buffer;
  try {
    bytes = readFile(file.path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ConfigError(
      file.field,
      code === 'ENOENT'
        ? `file not found: ${file.path}`
        : `cannot read ${file.path} (${String(code ?? 'error')})`,
    );
  }
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN CERTIFICATE-----')) return text;
  try {
    return new X509Certificate(bytes).toString();
  } catch {
    throw new ConfigError(file.field, `not a certificate (PEM or DER): ${file.path}`);
  }
}
