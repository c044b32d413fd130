import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate as generateCertificate } from 'selfsigned';
import { makePrivateDirectory, PRIVATE_FILE_MODE } from '../../store/private-files.ts';

/** A certificate and its private key, PEM. */
export interface KeyPair {
  readonly key: string;
  readonly cert: string;
}

/** Who a certificate is issued to. */
export interface CertificateSubject {
  /** The address the emulator listens on; named in the certificate unless it is a loopback or wildcard one. */
  readonly host: string;
  /** The subject's common name, e.g. `kconnect KSC emulator`. */
  readonly commonName: string;
}

/**
 * An emulator's TLS identity, kept like KSC keeps its own: a current self-signed certificate and a reserve one
 * that takes over at rotation. Clients pin both (SPKI) so a rotation does not lock them out.
 */
export class EmulatorCertificates {
  private constructor(
    private readonly dir: string,
    private readonly subject: CertificateSubject,
    private pair: { current: KeyPair; reserve: KeyPair },
  ) {}

  /** Loads the pair from `<dataDir>/tls`, creating what is missing, so restarts keep the same identity. */
  static async open(dataDir: string, subject: CertificateSubject): Promise<EmulatorCertificates> {
    const dir = join(dataDir, 'tls');
    makePrivateDirectory(dir);
    const current = read(dir, '') ?? write(dir, '', await issue(subject));
    const reserve = read(dir, 'reserve-') ?? write(dir, 'reserve-', await issue(subject));
    return new EmulatorCertificates(dir, subject, { current, reserve });
  }

  get current(): KeyPair {
    return this.pair.current;
  }

  get reserve(): KeyPair {
    return this.pair.reserve;
  }

  /** The reserve becomes current and a new reserve is issued; both are on disk before this returns. */
  async rotate(): Promise<KeyPair> {
    const next = await issue(this.subject);
    const current = this.pair.reserve;
    // Write the new files beside the old ones, then swap by rename, so a crash leaves one whole pair.
    write(this.dir, 'next-', current);
    write(this.dir, 'next-reserve-', next);
    for (const file of ['key.pem', 'cert.pem']) {
      renameSync(join(this.dir, `next-${file}`), join(this.dir, file));
      renameSync(join(this.dir, `next-reserve-${file}`), join(this.dir, `reserve-${file}`));
    }
    this.pair = { current, reserve: next };
    return current;
  }
}

function read(dir: string, prefix: string): KeyPair | undefined {
  const keyFile = join(dir, `${prefix}key.pem`);
  const certFile = join(dir, `${prefix}cert.pem`);
  if (!existsSync(keyFile) || !existsSync(certFile)) return undefined;
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
}

function write(dir: string, prefix: string, pair: KeyPair): KeyPair {
  const keyFile = join(dir, `${prefix}key.pem`);
  writeFileSync(keyFile, pair.key, { mode: PRIVATE_FILE_MODE });
  // `mode` applies only to a file this call creates: one left over by a crashed rotation keeps its own otherwise.
  chmodSync(keyFile, PRIVATE_FILE_MODE);
  writeFileSync(join(dir, `${prefix}cert.pem`), pair.cert);
  return pair;
}

async function issue({ host, commonName }: CertificateSubject): Promise<KeyPair> {
  const pems = await generateCertificate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 825 * 86_400_000),
    algorithm: 'sha256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2 as const, value: 'localhost' },
          { type: 7 as const, ip: '127.0.0.1' },
          ...(host !== '127.0.0.1' && host !== 'localhost' && host !== '0.0.0.0'
            ? [{ type: 2 as const, value: host }]
            : []),
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
