import { createHmac, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface Pkcs12Contents {
  /** The private key (PEM, RSA) paired with the first certificate. */
  readonly key: string;
  /** The key's certificate first, then the certificates that travel with it (CA, server), all PEM. */
  readonly certificates: readonly string[];
  readonly password: string;
  /** Shown by tools as the key's name. */
  readonly friendlyName?: string;
}

/** PBKDF2 and PKCS#12 MAC iterations: OpenSSL 3's default is 2048; more costs a guesser more, a reader little. */
const ITERATIONS = 10_000;

/**
 * A password-protected PKCS#12 file in today's algorithms: the key shrouded with PBES2 (PBKDF2-HMAC-SHA256,
 * AES-256-CBC) and the whole file authenticated with an HMAC-SHA256 MAC. That is what `openssl pkcs12 -export`
 * of OpenSSL 3 writes, so OpenSSL 3, curl and Node read it without the legacy provider (RC2 and 3DES, which older
 * tools default to, need it). Certificates are public and stay unencrypted inside.
 *
 * forge builds the structure and encrypts the key; its MAC is fixed to SHA-1, so the MAC is left to Node here.
 */
export function writePkcs12(contents: Pkcs12Contents): Buffer {
  const key = forge.pki.privateKeyFromPem(contents.key);
  // PBES2 derives its key from the password's UTF-8 bytes (RFC 8018, as OpenSSL does); forge takes byte strings.
  const pbes2Password = forge.util.encodeUtf8(contents.password);
  const pfx = forge.pkcs12.toPkcs12Asn1(
    key,
    contents.certificates.map((pem) => forge.pki.certificateFromPem(pem)),
    pbes2Password,
    {
      algorithm: 'aes256',
      count: ITERATIONS,
      useMac: false,
      ...(contents.friendlyName === undefined ? {} : { friendlyName: contents.friendlyName }),
      // Passed through to the key's PBES2 parameters (forge's typings do not list it).
      ...({ prfAlgorithm: 'sha256', saltSize: 16 } as object),
    },
  );
  const authSafe = authenticatedSafe(pfx);
  (pfx.value as forge.asn1.Asn1[]).push(sha256MacData(authSafe, contents.password));
  return Buffer.from(forge.asn1.toDer(pfx).getBytes(), 'binary');
}

/** The DER of the AuthenticatedSafe, the bytes a PKCS#12 MAC covers: the content of the PFX's `data` ContentInfo. */
function authenticatedSafe(pfx: forge.asn1.Asn1): Buffer {
  const contentInfo = (pfx.value as forge.asn1.Asn1[])[1];
  const explicit = (contentInfo?.value as forge.asn1.Asn1[] | undefined)?.[1];
  const octets = (explicit?.value as forge.asn1.Asn1[] | undefined)?.[0];
  if (octets === undefined || typeof octets.value !== 'string')
    throw new Error('PKCS#12: unexpected structure from node-forge');
  return Buffer.from(octets.value, 'binary');
}

/** MacData (RFC 7292 appendix B): HMAC-SHA256 keyed with the PKCS#12 KDF (ID 3) of the password as BMPString. */
function sha256MacData(authSafe: Buffer, password: string): forge.asn1.Asn1 {
  const { asn1 } = forge;
  const salt = randomBytes(16);
  const macKey = forge.pkcs12.generateKey(
    password,
    forge.util.createBuffer(salt.toString('binary')),
    3,
    ITERATIONS,
    32,
    forge.md.sha256.create(),
  );
  const mac = createHmac('sha256', Buffer.from(macKey.getBytes(), 'binary')).update(authSafe).digest();
  const { Class, Type } = asn1;
  return asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
      asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
        asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(forge.pki.oids.sha256!).getBytes()),
        asn1.create(Class.UNIVERSAL, Type.NULL, false, ''),
      ]),
      asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, mac.toString('binary')),
    ]),
    asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, salt.toString('binary')),
    asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(ITERATIONS).getBytes()),
  ]);
}
