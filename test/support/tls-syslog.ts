/**
 * A TLS syslog receiver for tests (RFC 5425: octet-counted messages over TLS), on Node's TLS server: stricter than
 * rsyslog (test/support/rsyslog.ts has a gtls input too) where a test needs it. It keeps every message as bytes with the
 * client certificate's subject, and checks the framing strictly: a length that does not match fails the test.
 * `issueTestPki()` makes a CA, a server certificate for 127.0.0.1/localhost and a client certificate with openssl.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface TestPki {
  readonly dir: string;
  /** File paths, PEM. */
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA and two leaf certificates it signs (server: SAN localhost and 127.0.0.1; client: CN kconnect-client). */
export function issueTestPki(prefix = 'kconnect-pki-'): TestPki {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=kconnect test CA',
  );
  for (const [name, subject, ext] of [
    ['server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ['client', '/CN=kconnect-client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    writeFileSync(path.join(dir, `${name}.ext`), `${ext}\n`);
    openssl(
      dir,
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    );
    openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${name}.pem`,
      '-extfile',
      `${name}.ext`,
    );
  }
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    serverCertFile: path.join(dir, 'server.pem'),
    serverKeyFile: path.join(dir, 'server.key'),
    clientCertFile: path.join(dir, 'client.pem'),
    clientKeyFile: path.join(dir, 'client.key'),
  };
}

export interface TlsSyslogMessage {
  readonly message: Buffer;
  /** The client certificate's CN, when one was presented. */
  readonly client: string | undefined;
}

export interface TlsSyslogReceiver {
  readonly port: number;
  readonly messages: TlsSyslogMessage[];
  /** Framing errors seen (should stay empty). */
  readonly framingErrors: string[];
  stop(): Promise<void>;
}

/** Starts the receiver on 127.0.0.1 at a free port; with `requireClientCert`, only clients the CA signed get in. */
export async function startTlsSyslog(
  pki: TestPki,
  options: { readonly requireClientCert?: boolean } = {},
): Promise<TlsSyslogReceiver> {
  const messages: TlsSyslogMessage[] = [];
  const framingErrors: string[] = [];
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer(
    {
      key: readFileSync(pki.serverKeyFile),
      cert: readFileSync(pki.serverCertFile),
      ca: readFileSync(pki.caFile),
      requestCert: options.requireClientCert === true,
      rejectUnauthorized: options.requireClientCert === true,
    },
    (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      const subject = socket.getPeerCertificate()?.subject?.CN;
      const client = typeof subject === 'string' ? subject : undefined;
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        for (;;) {
          const space = pending.indexOf(0x20);
          if (space < 0) return;
          const length = Number(pending.subarray(0, space).toString('ascii'));
          if (!Number.isSafeInteger(length) || length <= 0) {
            framingErrors.push(`bad length ${JSON.stringify(pending.subarray(0, space).toString())}`);
            socket.destroy();
            return;
          }
          if (pending.length < space + 1 + length) return;
          messages.push({ message: pending.subarray(space + 1, space + 1 + length), client });
          pending = pending.subarray(space + 1 + length);
        }
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    messages,
    framingErrors,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
