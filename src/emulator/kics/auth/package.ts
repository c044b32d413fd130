import { randomBytes } from 'node:crypto';
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KconnectError } from '../../../errors.ts';
import {
  makePrivateDirectory,
  PRIVATE_DIRECTORY_MODE,
  PRIVATE_FILE_MODE,
} from '../../../store/private-files.ts';
import type { KeyPair } from '../../core/tls.ts';
import type { Connector } from './connectors.ts';
import { writePkcs12 } from './pkcs12.ts';

export const PACKAGE_CERTIFICATES_FILE = 'certificates.pfx';
export const PACKAGE_METADATA_FILE = 'metadata.json';

/**
 * `metadata.json` of a communication data package. KICS documents only that it holds the connector's
 * configuration and "the addresses needed to send requests to the REST server" (spec §2.2); its real field names
 * are UNKNOWN, so these are kconnect's own, and `format` names them so a reader can tell.
 */
export interface PackageMetadata {
  /** `kconnect-kics-emulator-package/1`: this layout, versioned. */
  readonly format: typeof PACKAGE_FORMAT;
  /** Base URL of the REST API: `https://<host>:<port>/kics/api/v3`. */
  readonly apiBaseUrl: string;
  /** The token endpoint: `https://<host>:<port>/kics/api/auth/v3/token` (`grant_type` goes in the query string). */
  readonly authUrl: string;
  /** The API version the URLs use (`v3`; the emulator accepts `v4` for the token and the queries as well). */
  readonly apiVersion: string;
  readonly serverHost: string;
  readonly serverPort: number;
  readonly connectorId: string;
  readonly connectorName: string;
  /** System type of the connector, as the KICS web UI names it. */
  readonly connectorType: 'Generic';
  /** The application user the connector acts as. */
  readonly user: string;
  /** The file in this folder with the connector's certificate and key, the server's and the CA's certificates. */
  readonly certificatesFile: typeof PACKAGE_CERTIFICATES_FILE;
  /** SHA-256 of the connector certificate's DER (hex): what the server recognises the connector by. */
  readonly connectorCertificateSha256: string;
  /** When this file was written (ISO 8601, UTC); later starts rewrite it with the current address. */
  readonly issuedAt: string;
}

export const PACKAGE_FORMAT = 'kconnect-kics-emulator-package/1';

export interface PackageRequest {
  /** The folder to write (created 700); existing package files in it are replaced. */
  readonly dir: string;
  readonly connector: Connector;
  /** The connector's certificate and private key, as `Connectors.add` or `reissue` returned them. */
  readonly credentials: KeyPair;
  readonly caCertificate: string;
  readonly serverCertificate: string;
  /** The URL the server listens on (`https://host:port`), as `listen` returned it. */
  readonly serverUrl: string;
  /** Protects the PFX; absent: a random one, returned once so it can be shown. */
  readonly password?: string | undefined;
  readonly now: number;
}

export interface WrittenPackage {
  readonly dir: string;
  readonly certificatesFile: string;
  readonly metadataFile: string;
  readonly metadata: PackageMetadata;
  /** The PFX's password: the one given, or the random one made. Stored nowhere: show it, then forget it. */
  readonly password: string;
  readonly passwordGenerated: boolean;
}

/**
 * Writes a connector's communication data package, as the KICS web UI issues it (spec §2.2): `certificates.pfx`
 * and `metadata.json`, both 600 in a 700 folder, each written beside its final name and renamed, so a reader never
 * sees half a file.
 */
export function writeCommunicationPackage(request: PackageRequest): WrittenPackage {
  const passwordGenerated = request.password === undefined;
  const password = request.password ?? randomPassword();
  if (password === '') throw new KconnectError('INVALID_INPUT', 'connector password: must not be empty');
  makePrivateDirectory(request.dir);
  // makePrivateDirectory leaves an existing folder's mode alone; this one is ours and holds a private key.
  chmodSync(request.dir, PRIVATE_DIRECTORY_MODE);
  const pfx = writePkcs12({
    key: request.credentials.key,
    certificates: [request.credentials.cert, request.caCertificate, request.serverCertificate],
    password,
    friendlyName: request.connector.name,
  });
  const metadata = packageMetadata(request);
  const certificatesFile = join(request.dir, PACKAGE_CERTIFICATES_FILE);
  const metadataFile = join(request.dir, PACKAGE_METADATA_FILE);
  writePrivately(certificatesFile, pfx);
  writePrivately(metadataFile, `${JSON.stringify(metadata, null, 2)}\n`);
  return { dir: request.dir, certificatesFile, metadataFile, metadata, password, passwordGenerated };
}

/** The metadata of a package; rewritten alone when the server's address changed (a restart on another port). */
export function packageMetadata(
  request: Pick<PackageRequest, 'connector' | 'serverUrl' | 'now'>,
): PackageMetadata {
  const url = new URL(request.serverUrl);
  const origin = url.origin;
  return {
    format: PACKAGE_FORMAT,
    apiBaseUrl: `${origin}/kics/api/v3`,
    authUrl: `${origin}/kics/api/auth/v3/token`,
    apiVersion: 'v3',
    serverHost: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    serverPort: Number(url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : url.port),
    connectorId: request.connector.id,
    connectorName: request.connector.name,
    connectorType: 'Generic',
    user: request.connector.user,
    certificatesFile: PACKAGE_CERTIFICATES_FILE,
    connectorCertificateSha256: request.connector.certificateSha256,
    issuedAt: new Date(request.now).toISOString(),
  };
}

/** Rewrites `metadata.json` of an existing package (its PFX is untouched). */
export function writePackageMetadata(dir: string, metadata: PackageMetadata): void {
  writePrivately(join(dir, PACKAGE_METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`);
}

/** 24 random characters of base64url: 144 bits, typable, safe in a shell and in curl's `--cert file:password`. */
function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

function writePrivately(file: string, content: string | Buffer): void {
  const next = `${file}.next`;
  writeFileSync(next, content, { mode: PRIVATE_FILE_MODE });
  chmodSync(next, PRIVATE_FILE_MODE);
  renameSync(next, file);
}
