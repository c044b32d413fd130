import { mkdirSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { resolve } from 'node:path';
import { serve, type HttpBindings, type ServerType } from '@hono/node-server';
import { KconnectError } from '../../errors.ts';
import type { KeyPair } from './tls.ts';

/**
 * The server certificate a listening emulator serves and how it changes it: `EmulatorCertificates` (tls.ts: a
 * self-signed pair) or a certificate issued by an emulator's own CA.
 */
export interface ServerCertificates {
  readonly current: KeyPair;
  /** Issues the next certificate (on disk before it resolves) and returns it. */
  rotate(): Promise<KeyPair>;
}

/**
 * Asks TLS clients for a certificate without refusing any at the handshake: the app decides what an absent or
 * unverified one means (`socket.authorized`, `getPeerCertificate()`), so it can answer with its own error body.
 */
export interface ClientCertificateOptions {
  /** The CA certificates (PEM) client certificates are verified against. */
  readonly ca: string | readonly string[];
}

/** What an emulator's Hono app sees of Node's request: the incoming message and its socket (absent in tests). */
export type EmulatorEnv = { Bindings: Partial<HttpBindings> };

export interface ListenOptions {
  /** The app's request handler (`app.fetch`). */
  readonly fetch: Parameters<typeof serve>[0]['fetch'];
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Serves HTTPS with the current certificate of these; plain HTTP when absent. */
  readonly certificates?: ServerCertificates | undefined;
  /** Requests client certificates (HTTPS only); absent: none are asked for. */
  readonly clientCertificates?: ClientCertificateOptions | undefined;
  /** How long an idle keep-alive connection stays open, ms (Node's default is 5 s). */
  readonly keepAliveTimeoutMs?: number;
}

/** A listening emulator server. */
export interface ListeningServer {
  readonly url: string;
  readonly port: number;
  /**
   * Makes the reserve certificate current, issues a new reserve and drops open connections but `keep` (a caller's
   * own, which closes after its answer); throws a `CONFLICT` error on plain HTTP.
   */
  rotateCertificate(keep?: Socket): Promise<void>;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Throws an `INVALID_INPUT` error unless `port` is one a server can listen on (0: any free one). */
export function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new KconnectError('INVALID_INPUT', 'port: 0–65535');
}

/** Creates the emulator's data directory (database, certificates) if needed; returns its absolute path. */
export function prepareDataDir(dir: string): string {
  const path = resolve(dir);
  // Private: the emulator's database holds password hashes, its TLS folder a private key.
  mkdirSync(path, { recursive: true, mode: 0o700 });
  return path;
}

/** Serves `fetch` over HTTP or HTTPS on `host:port` and resolves once the server listens. */
export async function listen(options: ListenOptions): Promise<ListeningServer> {
  const { fetch, host, port, certificates, clientCertificates } = options;
  checkPort(port);
  const connections = new Set<Socket>();
  let server: ServerType;
  if (certificates === undefined) {
    server = serve({ fetch, port, hostname: host });
  } else {
    server = serve({
      fetch,
      port,
      hostname: host,
      createServer: createHttpsServer,
      serverOptions: {
        key: certificates.current.key,
        cert: certificates.current.cert,
        ...clientCertificateOptions(clientCertificates),
      },
    });
    server.on('secureConnection', (socket: Socket) => {
      connections.add(socket);
      socket.once('close', () => connections.delete(socket));
    });
  }
  if (options.keepAliveTimeoutMs !== undefined)
    (server as { keepAliveTimeout?: number }).keepAliveTimeout = options.keepAliveTimeoutMs;
  await new Promise<void>((resolveListen, reject) => {
    if (server.listening) resolveListen();
    server.once('listening', () => resolveListen());
    server.once('error', reject);
  });
  const actualPort = (server.address() as AddressInfo).port;
  const scheme = certificates === undefined ? 'http' : 'https';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;

  return {
    url,
    port: actualPort,
    async rotateCertificate(keep?: Socket): Promise<void> {
      if (certificates === undefined) throw new KconnectError('CONFLICT', 'the emulator serves plain HTTP');
      const pair = await certificates.rotate();
      // A new secure context replaces the CA list too: without it, client certificates would no longer verify.
      const ca = clientCertificates === undefined ? {} : { ca: caList(clientCertificates) };
      (server as HttpsServer).setSecureContext({ key: pair.key, cert: pair.cert, ...ca });
      // A real server restarts its service to change certificates: every client reconnects and meets the new one.
      for (const socket of connections) if (socket !== keep) socket.destroy();
    },
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

function caList(options: ClientCertificateOptions): string[] {
  return typeof options.ca === 'string' ? [options.ca] : [...options.ca];
}

function clientCertificateOptions(options: ClientCertificateOptions | undefined): {
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
  ca?: string[];
} {
  if (options === undefined) return {};
  // rejectUnauthorized false: a missing or foreign certificate reaches the app, which answers in the vendor's words.
  return { requestCert: true, rejectUnauthorized: false, ca: caList(options) };
}
