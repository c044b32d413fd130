import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * `Tasks.ProtectPassword`: an account password encrypted for a task's `klprts-TaskAccountPassword` attribute.
 * The reference only says it is encrypted with the server's key (as `DataProtectionApi.ProtectUtf16StringGlobally`);
 * the format is the server's own, so the emulator uses AES-256-GCM with a key derived from the world seed and a
 * random IV: opaque, different on every call, never the password in clear. The password is UTF-16LE, as the
 * Utf16 variant's name says.
 */
const IV_BYTES = 12;

function serverKey(seed: number): Buffer {
  return createHash('sha256').update(`kconnect-emulator-data-protection:${seed}`).digest();
}

export function protectPassword(seed: number, password: string): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', serverKey(seed), iv);
  const body = Buffer.concat([cipher.update(Buffer.from(password, 'utf16le')), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]));
}
