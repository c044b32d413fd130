import http from 'node:http';
import type { Socket } from 'node:net';
import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';
import { pinOfCertificate } from './pins.ts';
import type { ResolvedProxy } from './proxy.ts';

/** Why a connection could not be made, before any request went out on it. */
export class ConnectFailure extends Error {
  constructor(
    readonly kind: 'pin' | 'proxy',
    message: string,
    readonly proxyStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ConnectorOptions {
  readonly ca: string | undefined;
  readonly pins: readonly string[] | undefined;
  readonly insecure: boolean;
  readonly proxy: ResolvedProxy | undefined;
  readonly timeoutMs: number;
  /** Shown each verified server certificate (to warn before it expires). */
  readonly onCertificate?: (certificate: X509Certificate) => void;
}

/**
 * Opens connections to the KSC server: through the proxy's `CONNECT` tunnel when there is one, then TLS, then —
 * with pins — a check of the server's public key before the socket is handed over, so no request (and no
 * `Authorization` header) is ever written to a server whose key is not pinned.
 */
export function kscConnector(options: ConnectorOptions): buildConnector.connector {
  // Pins without a CA stand in for the CA and host-name checks (Node runs checkServerIdentity only for a chain
  // it trusts, so the pin is checked here, after the handshake).
  const verifyChain = !options.insecure && (options.pins === undefined || options.ca !== undefined);
  const tls = buildConnector({
    rejectUnauthorized: verifyChain,
    timeout: options.timeoutMs,
    // A resumed TLS session skips the certificate exchange; with pins every connection must show its key.
    ...(options.pins === undefined ? {} : { maxCachedSessions: 0 }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  const pins = options.pins === undefined ? undefined : new Set(options.pins);

  const secure = (target: buildConnector.Options, callback: buildConnector.Callback): void => {
    tls(target, (error, socket) => {
      if (error !== null) return callback(error, null);
      const certificate = (socket as TLSSocket).getPeerX509Certificate();
      if (pins !== undefined) {
        const pin = certificate === undefined ? 'none' : pinOfCertificate(certificate);
        if (!pins.has(pin)) {
          socket.destroy();
          callback(new ConnectFailure('pin', `the server's key (${pin}) matches none of tls.pins`), null);
          return;
        }
      }
      if (certificate !== undefined && !options.insecure) options.onCertificate?.(certificate);
      callback(null, socket);
    });
  };

  return (target, callback) => {
    const proxy = options.proxy;
    if (proxy === undefined) {
      if (target.protocol === 'https:') return secure(target, callback);
      return tls(target, callback);
    }
    openTunnel(proxy, target, options.timeoutMs).then(
      (socket) => {
        if (target.protocol !== 'https:') return callback(null, socket);
        secure({ ...target, httpSocket: socket }, callback);
      },
      (error: unknown) => callback(error as Error, null),
    );
  };
}

function openTunnel(
  proxy: ResolvedProxy,
  target: buildConnector.Options,
  timeoutMs: number,
): Promise<Socket> {
  const port = target.port === '' ? (target.protocol === 'https:' ? '443' : '80') : target.port;
  const authority = `${target.hostname.includes(':') && !target.hostname.startsWith('[') ? `[${target.hostname}]` : target.hostname}:${port}`;
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: proxy.hostname,
      port: proxy.port,
      method: 'CONNECT',
      path: authority,
      agent: false,
      timeout: timeoutMs,
      headers: {
        host: authority,
        ...(proxy.authorization === undefined ? {} : { 'proxy-authorization': proxy.authorization }),
      },
    });
    request.once('connect', (response, socket, head) => {
      if (response.statusCode === 200) {
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(
        new ConnectFailure(
          'proxy',
          `the proxy ${proxy.origin} refused the tunnel to ${authority} (HTTP ${response.statusCode ?? '?'})`,
          response.statusCode,
        ),
      );
    });
    request.once('timeout', () => request.destroy(new Error('timed out')));
    request.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ConnectFailure(
          'proxy',
          `the proxy ${proxy.origin} is unreachable (${error.code ?? error.message})`,
          undefined,
          {
            cause: error,
          },
        ),
      ),
    );
    request.end();
  });
}
