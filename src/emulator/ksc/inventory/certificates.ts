import type { KlParams } from '../../../ksc/values.ts';
import { hashString } from '../../core/random.ts';
import { derivedBytes } from './identifiers.ts';

/**
 * The code-signing certificates of the server's Application Control files (`ACExeFileCertificatesSrvViewName`).
 * A file is signed by its publisher: every organization named by a file's VersionInfo has one certificate, the
 * same on every server (its bytes are derived from the organization's name). Files without an organization
 * (scripts, Linux binaries, the odd unsigned download) have none.
 */

/** The attributes of the view, as the reference documents them. */
export const CERTIFICATE_ATTRIBUTES = [
  'CERT_ID',
  'CERT_SERIAL',
  'CERT_THUMBPRINT',
  'CERT_PUBLICKEY',
  'CERT_ISSUER',
  'CERT_SUBJECT',
  'CERT_VALIDFROM',
  'CERT_VALIDTO',
] as const;

const MICROSOFT = 'Microsoft Corporation';
const MICROSOFT_ISSUER =
  'CN=Microsoft Windows Production PCA 2011, O=Microsoft Corporation, L=Redmond, S=Washington, C=US';
/** Public code-signing CAs third-party publishers buy their certificates from. */
const CODE_SIGNING_ISSUERS = [
  'CN=DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1, O="DigiCert, Inc.", C=US',
  'CN=Sectigo Public Code Signing CA R36, O=Sectigo Limited, C=GB',
  'CN=GlobalSign GCC R45 EV CodeSigning CA 2020, O=GlobalSign nv-sa, C=BE',
] as const;

const DAY = 86_400_000;
/** Certificates were issued from 2023 on, valid three years (a code-signing certificate's usual term). */
const ISSUED_FROM = Date.UTC(2023, 0, 1);
const VALIDITY = 3 * 365 * DAY;

function certificateOf(organization: string): KlParams {
  const key = `code-signing|${organization}`;
  const microsoft = organization === MICROSOFT;
  const issuer = microsoft
    ? MICROSOFT_ISSUER
    : (CODE_SIGNING_ISSUERS[hashString(key) % CODE_SIGNING_ISSUERS.length] ?? CODE_SIGNING_ISSUERS[0]);
  const from = ISSUED_FROM + (hashString(key, 0x9e3779b9) % 730) * DAY;
  return {
    CERT_ID: derivedBytes(`${key}|id`, 16),
    CERT_SERIAL: derivedBytes(`${key}|serial`, 16),
    // SHA-1 thumbprint, as Windows shows it.
    CERT_THUMBPRINT: derivedBytes(`${key}|thumbprint`, 20),
    // An RSA-2048 SubjectPublicKeyInfo is 294 bytes long.
    CERT_PUBLICKEY: derivedBytes(`${key}|publickey`, 294),
    CERT_ISSUER: issuer,
    CERT_SUBJECT: microsoft
      ? 'CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US'
      : `CN=${organization}, O=${organization}`,
    CERT_VALIDFROM: new Date(from),
    CERT_VALIDTO: new Date(from + VALIDITY),
  };
}

const cache = new WeakMap<ReadonlyMap<number, KlParams>, readonly KlParams[]>();

/**
 * One certificate per organization of a server's files (`serverExeFiles`, one record per `FILE_ID`), in the
 * order of each organization's first file; cached with that list.
 */
export function serverCertificates(files: ReadonlyMap<number, KlParams>): readonly KlParams[] {
  let certificates = cache.get(files);
  if (certificates === undefined) {
    const organizations = new Set<string>();
    for (const file of files.values()) {
      const organization = file['ORGANIZATION_NAME'];
      if (typeof organization === 'string' && organization !== '') organizations.add(organization);
    }
    certificates = [...organizations].map(certificateOf);
    cache.set(files, certificates);
  }
  return certificates;
}
