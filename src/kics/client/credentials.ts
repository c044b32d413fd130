import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import type forge from 'node-forge';
import { FieldError } from '../../errors.ts';
import type { ClientCertificate, TlsTrust } from '../../http/connector.ts';
import { normalizePin } from '../../http/pins.ts';

/** A secret given as a value or fetched when needed (a vault, a file), so it need not sit in a config object. */
export type SecretSource = string | (() => Promise<string>);

/**
 * A communication data package as KICS for Networks hands it to a connector: a folder holding `certificates.pfx`
 * (the connector's certificate and key, the server's certificate, encrypted with the password set for the
 * connector) and `metadata.json` (the addresses to use). `package` is the folder or the PFX inside it.
 */
export interface PackageCredentials {
  readonly package: string;
  readonly password: SecretSource;
}

/** The connector's certificate and key as PEM: the text itself, or a file path (anything not `-----BEGIN`). */
export interface PemCredentials {
  readonly cert: string;
  readonly key: string;
  readonly passphrase?: SecretSource;
}

export type KicsCredentials = PackageCredentials | PemCredentials;

/** How the server's certificate is checked; never switched off. */
export interface KicsTlsOptions {
  /** Trust this CA: PEM text or a file path. Default: the CA in the package (or the system's CAs for PEM). */
  readonly ca?: string;
  /** SPKI pins, `sha256/<base64>`: the server's key must be one of them (they replace the CA and name checks). */
  readonly pins?: readonly string[];
}

/** What `metadata.json` says (the fields kconnect's emulator writes; a real package's are UNKNOWN, spec §2.2). */
export interface PackageMetadata {
  readonly apiBaseUrl?: string;
  readonly authUrl?: string;
  readonly connectorName?: string;
  readonly user?: string;
}

/** Credentials ready for TLS: the client certificate, how the server is trusted, the package's addresses. */
export interface LoadedCredentials {
  readonly clientCertificate: ClientCertificate;
  readonly trust: TlsTrust;
  readonly metadata: PackageMetadata;
  /** For logs: where the credentials came from (a path, never a secret). */
  readonly source: string;
}

async function readSecret(source: SecretSource): Promise<string> {
  return typeof source === 'string' ? source : source();
}

/** PEM text as given, or the text of the file a path names. */
async function pemText(field: string, value: string): Promise<string> {
  if (value.trimStart().startsWith('-----BEGIN')) return value;
  try {
    return await readFile(value, 'utf8');
  } catch {
    throw new FieldError(field, `cannot read the file ${value}`);
  }
}

/** The folder and PFX of a package given as either. */
async function packageFiles(given: string): Promise<{ dir: string; pfx: string }> {
  let isDir: boolean;
  try {
    isDir = (await stat(given)).isDirectory();
  } catch {
    throw new FieldError('package', `no such folder or file: ${given}`);
  }
  return isDir
    ? { dir: given, pfx: path.join(given, 'certificates.pfx') }
    : { dir: path.dirname(given), pfx: given };
}

async function readMetadata(dir: string): Promise<PackageMetadata> {
  let text: string;
  try {
    text = await readFile(path.join(dir, 'metadata.json'), 'utf8');
  } catch {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FieldError('package', 'metadata.json is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new FieldError('package', 'metadata.json is not an object');
  const record = parsed as Record<string, unknown>;
  const text_ = (key: string): string | undefined =>
    typeof record[key] === 'string' ? record[key] : undefined;
  const metadata: Record<string, string> = {};
  for (const key of ['apiBaseUrl', 'authUrl', 'connectorName', 'user'] as const) {
    const value = text_(key);
    if (value !== undefined) metadata[key] = value;
  }
  return metadata;
}

/** What a PFX holds: the connector's certificate and key (PEM when forge can write them) and the others. */
interface OpenedPfx {
  /** The connector's certificate and key as PEM, or undefined when the key is of a kind forge cannot write. */
  readonly own: { readonly cert: string; readonly key: string } | undefined;
  /** The CA and the server's certificate, PEM. */
  readonly others: readonly string[];
}

/**
 * Opens a package's PFX. The key is handed to TLS as PEM rather than as the PFX itself because Node trusts every
 * CA certificate inside a PFX it is given: with the PFX, a `tls.ca` of the caller's could not narrow the trust.
 */
async function openPfx(pfx: Buffer, password: string): Promise<OpenedPfx> {
  // node-forge loads only when a package is opened: a CLI call that never reads one does not pay for it (0073).
  const { default: forge } = await import('node-forge');
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(pfx.toString('binary')), password);
  } catch {
    // forge's message may quote bytes of the file; the password is never in it, but say it our way.
    throw new FieldError('package', 'certificates.pfx cannot be opened with this password (or is not a PFX)');
  }
  const keyBag = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[
    forge.pki.oids.pkcs8ShroudedKeyBag!
  ]?.[0];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const keyId = keyBag?.attributes['localKeyId']?.[0];
  const isOwn = (bag: forge.pkcs12.Bag): boolean =>
    keyId !== undefined && bag.attributes['localKeyId']?.[0] === keyId;
  const ownBag = certBags.find(isOwn) ?? certBags[0];
  const others = certBags
    .filter((bag) => bag !== ownBag && bag.cert !== undefined)
    .map((bag) => forge.pki.certificateToPem(bag.cert!));
  let own: OpenedPfx['own'];
  try {
    if (keyBag?.key !== undefined && ownBag?.cert !== undefined)
      own = { cert: forge.pki.certificateToPem(ownBag.cert), key: forge.pki.privateKeyToPem(keyBag.key) };
  } catch {
    own = undefined;
  }
  return { own, others };
}

/**
 * Trust anchors among a package's other certificates: the CA certificates (or self-signed ones), so that a server
 * certificate the CA issued verifies, a rotated one too. A package without any holds the server's own certificate.
 */
function trustAnchors(certificates: readonly string[]): readonly string[] {
  const anchors = certificates.filter((pem) => {
    const certificate = new X509Certificate(pem);
    return certificate.ca || certificate.checkIssued(certificate);
  });
  return anchors.length > 0 ? anchors : certificates;
}

function checkedPins(pins: readonly string[] | undefined): readonly string[] | undefined {
  if (pins === undefined) return undefined;
  if (pins.length === 0) throw new FieldError('tls.pins', 'at least one pin');
  return pins.map((pin, index) => {
    const normalized = normalizePin(pin);
    if (normalized === undefined)
      throw new FieldError('tls.pins', 'expected sha256/<base64 of 32 bytes>', { index });
    return normalized;
  });
}

/**
 * Reads the connector's credentials and decides how the server is trusted: `tls.pins`, else `tls.ca`, else the
 * CA inside the package, else (PEM credentials) the system's CAs. There is no way to turn verification off.
 *
 * @throws {FieldError} naming `package`, `cert`, `key`, `tls.ca` or `tls.pins`; never quoting a secret
 */
export async function loadCredentials(
  credentials: KicsCredentials,
  tls: KicsTlsOptions = {},
): Promise<LoadedCredentials> {
  const pins = checkedPins(tls.pins);
  const ca = tls.ca === undefined ? undefined : await pemText('tls.ca', tls.ca);
  if ('package' in credentials) {
    const files = await packageFiles(credentials.package);
    let pfx: Buffer;
    try {
      pfx = await readFile(files.pfx);
    } catch {
      throw new FieldError('package', `cannot read ${files.pfx}`);
    }
    const password = await readSecret(credentials.password);
    if (password === '') throw new FieldError('packagePassword', 'required');
    const opened = await openPfx(pfx, password);
    const anchors = trustAnchors(opened.others);
    const trustedCa = ca ?? (anchors.length > 0 ? anchors.join('\n') : undefined);
    return {
      // A key forge cannot write (not RSA) goes as the PFX: Node then also trusts the PFX's CAs.
      clientCertificate: opened.own ?? { pfx, passphrase: password },
      trust: {
        ...(pins === undefined ? {} : { pins }),
        ...(trustedCa === undefined || (pins !== undefined && ca === undefined) ? {} : { ca: trustedCa }),
      },
      metadata: await readMetadata(files.dir),
      source: files.pfx,
    };
  }
  const cert = await pemText('cert', credentials.cert);
  const key = await pemText('key', credentials.key);
  const passphrase =
    credentials.passphrase === undefined ? undefined : await readSecret(credentials.passphrase);
  return {
    clientCertificate: { cert, key, ...(passphrase === undefined ? {} : { passphrase }) },
    trust: { ...(pins === undefined ? {} : { pins }), ...(ca === undefined ? {} : { ca }) },
    metadata: {},
    source: credentials.cert.trimStart().startsWith('-----BEGIN') ? 'PEM certificate' : credentials.cert,
  };
}
