import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';
import { makePrivateDirectory, PRIVATE_FILE_MODE } from '../../../store/private-files.ts';
import type { KeyPair } from '../../core/tls.ts';
import type { ServerCertificates } from '../../core/server.ts';

/**
 * The KICS emulator's public-key infrastructure, like a KICS for Networks Server's own: a CA that signs the HTTPS
 * server certificate and every connector's client certificate, so the server trusts exactly the connectors it
 * issued (mutual TLS) and a client trusts the server through one CA certificate, whatever rotation happens.
 *
 * Everything lives in `<dataDir>/tls/` (folder 700, keys 600) and is loaded on start: restarts keep the same CA,
 * the same server certificate and so every connector package stays valid. File names differ from the
 * self-signed pair of `EmulatorCertificates` (`key.pem`, `cert.pem`), so both can share a data folder.
 */
export class EmulatorPki {
  private constructor(
    private readonly dir: string,
    private readonly host: string,
    readonly ca: KeyPair,
    private server: KeyPair,
  ) {}

  /** Loads the CA and the server certificate from `<dataDir>/tls`, creating what is missing. */
  static open(dataDir: string, options: { readonly host: string }): EmulatorPki {
    const dir = join(dataDir, 'tls');
    makePrivateDirectory(dir);
    const ca = readPair(dir, 'ca') ?? writePair(dir, 'ca', issueCa());
    const existing = readPair(dir, 'server');
    // A server certificate that does not name the host the emulator now listens on is replaced (same CA).
    const server =
      existing !== undefined && namesHost(existing.cert, options.host)
        ? existing
        : writePair(dir, 'server', issueServerCertificate(ca, options.host));
    return new EmulatorPki(dir, options.host, ca, server);
  }

  /** The CA certificate (PEM) clients verify the server with and the server verifies connectors with. */
  get caCertificate(): string {
    return this.ca.cert;
  }

  /** The HTTPS server certificate in the shape `listen` serves; `rotate` issues a new one from the same CA. */
  get serverCertificates(): ServerCertificates {
    return {
      current: this.server,
      rotate: () => Promise.resolve(this.rotateServerCertificate()),
    };
  }

  get serverCertificate(): KeyPair {
    return this.server;
  }

  /** A new server key and certificate from the same CA; clients that trust the CA keep working. */
  rotateServerCertificate(): KeyPair {
    const next = issueServerCertificate(this.ca, this.host);
    writePair(this.dir, 'next-server', next);
    renameSync(join(this.dir, 'next-server-key.pem'), join(this.dir, 'server-key.pem'));
    renameSync(join(this.dir, 'next-server-cert.pem'), join(this.dir, 'server-cert.pem'));
    this.server = next;
    return next;
  }

  /**
   * A connector's client certificate (extended key usage clientAuth) and its new private key. The key is
   * returned, never kept: it goes into the connector's communication data package only.
   */
  issueClientCertificate(commonName: string): KeyPair {
    const { key, publicKey } = newRsaKey();
    const cert = createCertificate({
      subject: commonName,
      publicKey,
      issuer: this.ca,
      validityDays: 825,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', clientAuth: true },
      ],
    });
    return { key, cert };
  }
}

/** SHA-256 of a certificate's DER bytes, lowercase hex: how connectors are recognised on a TLS connection. */
export function certificateFingerprint(certificate: string | Buffer): string {
  const der = typeof certificate === 'string' ? new X509Certificate(certificate).raw : certificate;
  return createHash('sha256').update(der).digest('hex');
}

const CA_COMMON_NAME = 'kconnect KICS for Networks emulator CA';
const SERVER_COMMON_NAME = 'kconnect KICS for Networks emulator';
const DAY_MS = 86_400_000;

function issueCa(): KeyPair {
  const { key, publicKey } = newRsaKey();
  const cert = createCertificate({
    subject: CA_COMMON_NAME,
    publicKey,
    issuer: { key, cert: undefined },
    validityDays: 3650,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { key, cert };
}

function issueServerCertificate(ca: KeyPair, host: string): KeyPair {
  const { key, publicKey } = newRsaKey();
  const cert = createCertificate({
    subject: SERVER_COMMON_NAME,
    publicKey,
    issuer: ca,
    validityDays: 825,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: serverAltNames(host) },
    ],
  });
  return { key, cert };
}

const WILDCARD_OR_LOOPBACK = new Set(['localhost', '127.0.0.1', '0.0.0.0', '::', '::1']);

function serverAltNames(host: string): Array<{ type: number; value?: string; ip?: string }> {
  const names: Array<{ type: number; value?: string; ip?: string }> = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
  ];
  if (!WILDCARD_OR_LOOPBACK.has(host)) {
    // forge writes IPv4 addresses only; an IPv6 host is named as DNS text, which no client matches, so it is left out.
    if (isIP(host) === 4) names.push({ type: 7, ip: host });
    else if (isIP(host) === 0) names.push({ type: 2, value: host });
  }
  return names;
}

function namesHost(certificate: string, host: string): boolean {
  if (WILDCARD_OR_LOOPBACK.has(host) || isIP(host) === 6) return true;
  const x509 = new X509Certificate(certificate);
  return isIP(host) === 4 ? x509.checkIP(host) !== undefined : x509.checkHost(host) !== undefined;
}

/** RSA keys come from Node's crypto (forge's own generation is slow JavaScript); forge signs with them. */
function newRsaKey(): { key: string; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return {
    key: privateKey,
    publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
  };
}

interface CertificateRequest {
  readonly subject: string;
  readonly publicKey: forge.pki.rsa.PublicKey;
  /** The signer: the CA's pair, or for a self-signed CA its own key and no certificate yet. */
  readonly issuer: { readonly key: string; readonly cert: string | undefined };
  readonly validityDays: number;
  readonly extensions: ReadonlyArray<Record<string, unknown>>;
}

function createCertificate(request: CertificateRequest): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = request.publicKey;
  // 16 random bytes with the top bit cleared: a positive serial number, unique in practice.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  // Certificates are checked by TLS peers against real time, not the emulator's clock; an hour back absorbs skew.
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 3_600_000);
  cert.validity.notAfter = new Date(now + request.validityDays * DAY_MS);
  const subject = [{ name: 'commonName', value: request.subject }];
  cert.setSubject(subject);
  const issuerCert =
    request.issuer.cert === undefined ? undefined : forge.pki.certificateFromPem(request.issuer.cert);
  cert.setIssuer(issuerCert === undefined ? subject : issuerCert.subject.attributes);
  const keyIdentifier = (issuerCert ?? cert).generateSubjectKeyIdentifier().getBytes();
  cert.setExtensions([
    ...request.extensions,
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(request.issuer.key), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function readPair(dir: string, name: string): KeyPair | undefined {
  const keyFile = join(dir, `${name}-key.pem`);
  const certFile = join(dir, `${name}-cert.pem`);
  if (!existsSync(keyFile) || !existsSync(certFile)) return undefined;
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
}

function writePair(dir: string, name: string, pair: KeyPair): KeyPair {
  const keyFile = join(dir, `${name}-key.pem`);
  writeFileSync(keyFile, pair.key, { mode: PRIVATE_FILE_MODE });
  // `mode` applies only to a file this call creates: a leftover of a crashed rotation keeps its own otherwise.
  chmodSync(keyFile, PRIVATE_FILE_MODE);
  writeFileSync(join(dir, `${name}-cert.pem`), pair.cert);
  return pair;
}
