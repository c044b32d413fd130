import { createHash, X509Certificate } from 'node:crypto';

const PREFIX = 'sha256/';

/** `sha256/<base64>` of a public key (DER SubjectPublicKeyInfo): the hash HPKP and curl's `--pinnedpubkey` pin. */
function pinOfKey(spki: Buffer): string {
  return PREFIX + createHash('sha256').update(spki).digest('base64');
}

/** The SPKI pin of a certificate given as PEM — e.g. of KSC's current and reserve certificates. */
export function spkiPin(certificatePem: string): string {
  return pinOfCertificate(new X509Certificate(certificatePem));
}

export function pinOfCertificate(certificate: X509Certificate): string {
  return pinOfKey(certificate.publicKey.export({ type: 'spki', format: 'der' }));
}

/** A pin in canonical form (`sha256/` + base64 of 32 bytes), or undefined when it is not one. */
export function normalizePin(pin: string): string | undefined {
  let base64 = pin.trim().replace(/^sha256\//i, '');
  // curl writes `sha256//<base64>`; base64 itself may start with `/`, so only the length tells them apart.
  if (base64.length === 45 && base64.startsWith('/')) base64 = base64.slice(1);
  if (!/^[A-Za-z0-9+/]{43}=$/.test(base64)) return undefined;
  return Buffer.from(base64, 'base64').length === 32 ? PREFIX + base64 : undefined;
}
